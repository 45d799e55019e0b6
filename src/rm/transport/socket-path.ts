// Where the RM RPC socket may live: sun_path's length limit, and taking over a path only from a
// socket nobody listens on any more (a daemon that died without removing it).

import { lstatSync, unlinkSync } from 'node:fs';
import { connect } from 'node:net';
import { assertNever } from '../../binary/assert-never.js';
import { RmTransportError } from './rm-transport-error.js';

/** sun_path is 108 bytes on Linux, including the terminating NUL. */
export const SUN_PATH_MAX = 107;

export function checkSocketPathLength(path: string, doing: string): void {
  const n = Buffer.byteLength(path);
  if (n > SUN_PATH_MAX) {
    throw new RmTransportError('path-too-long', `Cannot ${doing} ${path}: the path is ${n} bytes and Unix sockets allow at most ${SUN_PATH_MAX}; use a shorter directory`);
  }
}

export type Occupant =
  | { readonly kind: 'nobody' }
  | { readonly kind: 'stream' }
  | { readonly kind: 'other-type' }
  | { readonly kind: 'unknown'; readonly code: string };

/**
 * Who holds a socket file, asked with a stream connect because Node reports its errno faithfully:
 * ECONNREFUSED means no socket is bound to the file; EPROTOTYPE means a socket of another type (such
 * as our SOCK_SEQPACKET) is; a completed connect means a stream server is.
 */
export function occupant(path: string): Promise<Occupant> {
  return new Promise((done) => {
    const s = connect({ path });
    s.once('connect', () => {
      s.destroy();
      done({ kind: 'stream' });
    });
    s.once('error', (e: NodeJS.ErrnoException) => {
      s.destroy();
      if (e.code === 'ECONNREFUSED' || e.code === 'ENOENT') done({ kind: 'nobody' });
      else if (e.code === 'EPROTOTYPE') done({ kind: 'other-type' });
      else done({ kind: 'unknown', code: e.code ?? e.message });
    });
  });
}

/** Makes `path` free to bind: nothing there, or a stale socket (which is removed). `role` names it in messages. */
export async function claimSocketPath(path: string, role = 'the RM socket'): Promise<void> {
  let isSocket: boolean;
  try {
    isSocket = lstatSync(path).isSocket();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new RmTransportError('path-taken', `Cannot use ${path} for ${role}: ${(e as Error).message}`, { cause: e });
  }
  if (!isSocket) {
    throw new RmTransportError('path-taken', `Cannot listen on ${path}: it exists and is not a socket; remove it or choose another directory`);
  }
  const who = await occupant(path);
  switch (who.kind) {
    case 'nobody':
      unlinkSync(path);
      return;
    case 'stream':
    case 'other-type':
      throw new RmTransportError('socket-in-use', `Cannot listen on ${path}: another process is listening there (another bothy daemon?); stop it or choose another directory`);
    case 'unknown':
      throw new RmTransportError('listen-failed', `Cannot listen on ${path}: cannot tell whether another process listens there (${who.code}); if none does, remove the file`);
    default:
      return assertNever(who, 'socket occupant');
  }
}
