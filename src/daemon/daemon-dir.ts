// The daemon's run directory: created owner-only (0700) when missing, refused when it is not a directory
// or others could reach it, since the file modes of rm.sock and api.sock inside it are the access control.

import { chmodSync, existsSync, mkdirSync, statSync, type Stats } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { SUN_PATH_MAX } from '../rm/transport/socket-path.js';
import { DaemonError } from './daemon-error.js';

export const RM_SOCKET_NAME = 'rm.sock';
export const API_SOCKET_NAME = 'api.sock';
export const DAEMON_DIR_MODE = 0o700;

export interface DaemonPaths {
  readonly dir: string;
  readonly rmSocket: string;
  readonly apiSocket: string;
}

const octal = (mode: number): string => `0${(mode & 0o777).toString(8).padStart(3, '0')}`;

/** The absolute paths of DIR and its two sockets; refuses a DIR too long for them before touching anything. */
export function daemonPaths(dir: string): DaemonPaths {
  const abs = resolve(dir);
  const paths = { dir: abs, rmSocket: join(abs, RM_SOCKET_NAME), apiSocket: join(abs, API_SOCKET_NAME) };
  const longest = Math.max(Buffer.byteLength(paths.rmSocket), Buffer.byteLength(paths.apiSocket));
  if (longest > SUN_PATH_MAX) {
    throw new DaemonError('path-too-long', `The daemon directory ${abs} is too long: its socket paths would be ${longest} bytes and Unix sockets allow at most ${SUN_PATH_MAX}; choose a shorter --dir`);
  }
  return paths;
}

/**
 * mkdir -p, one component at a time: Node's recursive mkdir loops forever where mkdir fails with ENOENT under
 * a parent that exists (procfs, sysfs), and a daemon that hangs on a bad --dir is worse than one that says no.
 */
function mkdirEach(abs: string): void {
  const missing: string[] = [];
  for (let p = abs; !existsSync(p); p = dirname(p)) missing.unshift(p);
  for (const p of missing) mkdirSync(p, { mode: DAEMON_DIR_MODE });
}

/** Makes DIR ready for the sockets: creates it with mode 0700 when missing, else checks it is a private directory. */
export function prepareDaemonDir(dir: string): DaemonPaths {
  const paths = daemonPaths(dir);
  const abs = paths.dir;
  let st: Stats;
  try {
    st = statSync(abs);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new DaemonError('dir-unusable', `Cannot use ${abs} as the daemon directory: ${(e as Error).message}`, { cause: e });
    }
    try {
      mkdirEach(abs);
      // mkdir's mode passes through the umask; the directory must end up exactly owner-only.
      chmodSync(abs, DAEMON_DIR_MODE);
    } catch (err) {
      throw new DaemonError('dir-unusable', `Cannot create the daemon directory ${abs}: ${(err as Error).message}; choose a --dir you can write to`, { cause: err });
    }
    return paths;
  }
  if (!st.isDirectory()) {
    throw new DaemonError('not-a-directory', `${abs} exists and is not a directory; the daemon needs a directory for its sockets: choose another --dir`);
  }
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid) {
    throw new DaemonError('dir-not-private', `The daemon directory ${abs} belongs to uid ${st.uid}, not to you (uid ${uid}); choose a directory of your own for --dir`);
  }
  if ((st.mode & 0o077) !== 0) {
    throw new DaemonError('dir-not-private', `The daemon directory ${abs} has mode ${octal(st.mode)}, so group or others could reach its sockets; run 'chmod 700 ${abs}' or choose another --dir`);
  }
  return paths;
}
