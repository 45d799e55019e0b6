// Errors of the snapshot layer. Every message names the file and what is wrong with it; a refused
// snapshot is never modified.

import { CodedError } from '../binary/coded-error.js';

export type SnapshotErrorCode =
  | 'missing' | 'exists' | 'bad-magic' | 'truncated' | 'bad-crc' | 'newer-format' | 'corrupt'
  | 'memory-size' | 'no-space' | 'io' | 'incompatible';

export class SnapshotError extends CodedError<SnapshotErrorCode> {
  override readonly name = 'SnapshotError';
}
