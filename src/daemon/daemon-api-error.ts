// Errors of the daemon's HTTP API with their closed set of codes; daemon-http-status.ts maps each code to
// its status, and every error answers `{ "error": { "code", "message" } }`.

import { CodedError } from '../binary/coded-error.js';

export type DaemonApiErrorCode =
  | 'bad-request'
  | 'not-found'
  | 'unknown-route'
  | 'body-too-large'
  | 'unsupported-media-type'
  | 'internal';

export class DaemonApiError extends CodedError<DaemonApiErrorCode> {
  override readonly name = 'DaemonApiError';
}
