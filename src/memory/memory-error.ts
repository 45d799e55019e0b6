// Errors from guest memory: bad layouts from the user, and accesses outside guest RAM.

import { CodedError } from '../binary/coded-error.js';

export type MemoryErrorCode = 'overlap' | 'out-of-range' | 'bad-size' | 'map-failed' | 'exhausted';

export class MemoryError extends CodedError<MemoryErrorCode> {
  override readonly name = 'MemoryError';
}
