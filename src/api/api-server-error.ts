// Why the control API could not start listening on its Unix socket.

export type ApiServerErrorCode = 'socket-in-use' | 'path-taken' | 'path-too-long' | 'listen-failed';

export class ApiServerError extends Error {
  override readonly name = 'ApiServerError';
  readonly code: ApiServerErrorCode;
  constructor(code: ApiServerErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
