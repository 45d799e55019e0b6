// The RM RPC socket's connecting side (tests, the CLI, the VM Manager client): one SOCK_SEQPACKET
// connection whose packets are message-queue messages (gunyah.md §3).

import { lstatSync } from 'node:fs';
import { resolve } from 'node:path';
import { SeqpacketSocket } from 'node-unix-socket';
import { assertNever } from '../../binary/assert-never.js';
import { RmTransportError } from './rm-transport-error.js';
import { SeqpacketConnection, type ConnectionOptions } from './seqpacket-connection.js';
import { checkSocketPathLength, occupant } from './socket-path.js';

export interface ConnectOptions extends ConnectionOptions {
  /**
   * Gives up when the connection is not up by then. A Unix connect completes or fails at once, so
   * this only guards against the library never calling back.
   */
  readonly timeoutMs?: number;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 5000;

/** Connects to the RM socket at `path`; rejects with RmTransportError ('path-too-long', 'connect-failed'). */
export async function connectSeqpacket(path: string, opts: ConnectOptions = {}): Promise<SeqpacketConnection> {
  const abs = resolve(path);
  checkSocketPathLength(abs, 'connect to');
  const connectionOpts: ConnectionOptions = opts.maxPendingPackets !== undefined ? { maxPendingPackets: opts.maxPendingPackets } : {};
  const timeoutMs = opts.timeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  return await new Promise((done, fail) => {
    const socket = new SeqpacketSocket();
    let settled = false;
    const failWith = (why: string, cause: unknown): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      try {
        socket.destroy();
      } catch {
        // Never connected: nothing to close.
      }
      fail(new RmTransportError('connect-failed', `Cannot connect to the RM socket ${abs}: ${why}`, { cause }));
    };
    const onEarlyError = (e: Error): void => void whyNot(abs).then((why) => failWith(why, e));
    socket.on('error', onEarlyError);
    const timer = setTimeout(() => failWith(`no answer within ${timeoutMs} ms; is the daemon stuck?`, undefined), timeoutMs);
    try {
      socket.connect(abs, () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.off('error', onEarlyError);
        done(new SeqpacketConnection(socket, connectionOpts));
      });
    } catch (e) {
      void whyNot(abs).then((why) => failWith(why, e));
    }
  });
}

/**
 * Explains a failed connect from the file and a probe of it: node-unix-socket 0.2.7 reports every
 * connect failure as "No such file or directory", whatever the errno was.
 */
async function whyNot(path: string): Promise<string> {
  try {
    if (!lstatSync(path).isSocket()) return 'it is not a socket';
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'no socket there; is the bothy daemon running?';
    return (e as Error).message;
  }
  const who = await occupant(path);
  switch (who.kind) {
    case 'nobody':
      return 'nobody listens there (a socket left behind by a daemon that died?)';
    case 'stream':
      return 'a stream socket listens there, not the RM\'s SOCK_SEQPACKET socket; check the path';
    case 'other-type':
      return 'a socket is bound there but did not take the connection: its backlog is full (is the daemon stuck?) or it is not a listening SOCK_SEQPACKET socket';
    case 'unknown':
      return `connect failed (${who.code})`;
    default:
      return assertNever(who, 'socket occupant');
  }
}
