// Host-side misuse of the VM lifecycle model (bad allocator options, a saved state that is not one bothy writes).
// Guest and client input never raises these: RM requests are answered with an RM error code instead.

import { CodedError } from '../../binary/coded-error.js';

export type VmLifecycleErrorCode = 'INVALID_OPTION' | 'INVALID_STATE';

export class VmLifecycleError extends CodedError<VmLifecycleErrorCode> {
  override readonly name = 'VmLifecycleError';
}
