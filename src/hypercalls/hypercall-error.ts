// Host-side misuse of the hypercall layer (bad registrations, bad service options, bad --hypercalls text).
// Guest input never raises these: the dispatcher answers the guest with SMCCC NOT_SUPPORTED instead.

import { CodedError } from '../binary/coded-error.js';

export type HypercallErrorCode = 'DUPLICATE_FUNCTION_ID' | 'INVALID_FUNCTION_ID' | 'INVALID_OPTION' | 'INVALID_TOGGLE';

export class HypercallError extends CodedError<HypercallErrorCode> {
  override readonly name = 'HypercallError';
}
