// Why `bothy daemon` could not start on its directory: the directory itself, a daemon already serving
// it, or a socket that would not listen. Each message names DIR and says what to do.

import { CodedError } from '../binary/coded-error.js';

export type DaemonErrorCode =
  /** DIR exists and is not a directory. */
  | 'not-a-directory'
  /** DIR is open to group or others, or belongs to another user: whoever can reach the sockets drives every VM. */
  | 'dir-not-private'
  /** DIR is missing and could not be created, or could not be read. */
  | 'dir-unusable'
  /** DIR/rm.sock or DIR/api.sock would not fit a Unix socket address. */
  | 'path-too-long'
  /** Another bothy daemon answers on DIR's sockets. */
  | 'already-running'
  /** A socket path holds something else, or binding failed. */
  | 'listen-failed';

export class DaemonError extends CodedError<DaemonErrorCode> {
  override readonly name = 'DaemonError';
}
