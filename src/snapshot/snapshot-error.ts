// Errors of the snapshot layer. Every message names the file and what is wrong with it; a refused
// snapshot is never modified.

export type SnapshotErrorCode =
  | 'missing' | 'exists' | 'bad-magic' | 'truncated' | 'bad-crc' | 'newer-format' | 'corrupt'
  | 'memory-size' | 'no-space' | 'io' | 'incompatible';

export class SnapshotError extends Error {
  override readonly name = 'SnapshotError';
  readonly code: SnapshotErrorCode;
  constructor(code: SnapshotErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
