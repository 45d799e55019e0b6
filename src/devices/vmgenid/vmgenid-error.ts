// The one error class of the VM Generation ID device: bad UUID text from the user, a buffer address
// the Microsoft spec forbids, or a restored state that cannot be right.

import { CodedError } from '../../binary/coded-error.js';

export type VmGenIdErrorCode =
  /** Text or bytes that are not a 16-byte UUID. */
  | 'bad-uuid'
  /** A GUID buffer address that breaks the spec's placement rules (8-byte alignment, R1a). */
  | 'bad-address'
  /** A saved state whose fields cannot describe a device (address beyond 2^53, unaligned). */
  | 'bad-state';

export class VmGenIdError extends CodedError<VmGenIdErrorCode> {
  override readonly name = 'VmGenIdError';
}
