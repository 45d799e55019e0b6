// Host-side misuse of the Resource Manager server (attaching a link twice, after close, with a VMID that cannot be
// one). Client input never raises it: requests are answered with an RM error code (gunyah.md §3.4).

import { CodedError } from '../../binary/coded-error.js';

export type RmServerErrorCode =
  | 'CLOSED'
  | 'ALREADY_ATTACHED'
  | 'INVALID_CALLER'
  | 'INVALID_GUID'
  /** The VM table and a lifecycle decision disagree (a bug in bothy, answered DENIED to the client). */
  | 'TABLE_INCONSISTENT';

export class RmServerError extends CodedError<RmServerErrorCode> {
  override readonly name = 'RmServerError';
}
