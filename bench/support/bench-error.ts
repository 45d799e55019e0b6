// The one error class of bench/: a measured process that did not end the way the bench needs, so its
// figures would mean nothing. bench/run.ts reports it as a failed bench and carries on with the next.

export type BenchErrorCode = 'run-failed' | 'unexpected-output' | 'did-not-exit';

export class BenchError extends Error {
  readonly code: BenchErrorCode;

  constructor(code: BenchErrorCode, message: string) {
    super(message);
    this.name = 'BenchError';
    this.code = code;
  }
}

/** The last lines of a process's output, for an error message. */
export function tail(text: string, lines = 6): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
