// Errors from guest memory: bad layouts from the user, and accesses outside guest RAM.

export type MemoryErrorCode = 'overlap' | 'out-of-range' | 'bad-size' | 'map-failed' | 'exhausted';

export class MemoryError extends Error {
  override readonly name = 'MemoryError';
  readonly code: MemoryErrorCode;
  constructor(code: MemoryErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
