// Why the control API could not start listening on its Unix socket.

import { CodedError } from '../binary/coded-error.js';

export type ApiServerErrorCode = 'socket-in-use' | 'path-taken' | 'path-too-long' | 'listen-failed';

export class ApiServerError extends CodedError<ApiServerErrorCode> {
  override readonly name = 'ApiServerError';
}
