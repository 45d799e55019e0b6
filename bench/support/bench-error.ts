// The one error class of bench/: a measured process that did not end the way the bench needs, so its
// figures would mean nothing. bench/run.ts reports it as a failed bench and carries on with the next.

import { CodedError } from '../../src/binary/coded-error.js';

export type BenchErrorCode = 'run-failed' | 'unexpected-output' | 'did-not-exit';

export class BenchError extends CodedError<BenchErrorCode> {
  override readonly name = 'BenchError';
}

/** The last lines of a process's output, for an error message. */
export function tail(text: string, lines = 6): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
