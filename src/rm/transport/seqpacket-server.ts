// The RM RPC socket's listening side: a Unix SOCK_SEQPACKET socket whose packets are message-queue
// messages (gunyah.md §3), owner-only by file mode, replacing only a stale socket file.

import { chmodSync, lstatSync, unlinkSync } from 'node:fs';
import { resolve } from 'node:path';
import { SeqpacketServer as NativeServer, type SeqpacketSocket } from 'node-unix-socket';
import { RmTransportError } from './rm-transport-error.js';
import { SeqpacketConnection, type ConnectionOptions } from './seqpacket-connection.js';
import { checkSocketPathLength, claimSocketPath } from './socket-path.js';

export interface SeqpacketServerOptions extends ConnectionOptions {
  /** File mode of the socket; whoever may connect can drive the RM, so owner-only by default. */
  readonly mode?: number;
  /** Connections the kernel holds before they are accepted. */
  readonly backlog?: number;
}

export type ServerErrorHandler = (error: RmTransportError, connection: SeqpacketConnection | undefined) => void;

export class SeqpacketServer {
  /** The absolute path of the socket file. */
  readonly path: string;
  readonly #native: NativeServer;
  /** The socket file's inode, so close() removes our file and never a successor's. */
  readonly #ino: number;
  readonly #opts: ConnectionOptions;
  readonly #connections = new Map<number, SeqpacketConnection>();
  readonly #connectionHandlers: ((connection: SeqpacketConnection) => void)[] = [];
  readonly #errorHandlers: ServerErrorHandler[] = [];
  /** Connections accepted before the first onConnection, announced to it. */
  #unannounced: SeqpacketConnection[] = [];
  #closed = false;

  /** Takes over a listening native server; use listenSeqpacket. */
  constructor(native: NativeServer, path: string, ino: number, opts: ConnectionOptions) {
    this.path = path;
    this.#native = native;
    this.#ino = ino;
    this.#opts = opts;
    native.on('connection', (socket: SeqpacketSocket) => this.#accept(socket));
    native.on('error', (e: Error) => {
      this.#report(new RmTransportError('socket-failed', `RM socket ${path}: accepting a connection failed: ${e.message}`, { cause: e }), undefined);
    });
  }

  /** The open connections, oldest first (for notifications to every client). */
  get connections(): readonly SeqpacketConnection[] {
    return [...this.#connections.values()];
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Called with each new connection; register its onPacket/onClose before returning. */
  onConnection(cb: (connection: SeqpacketConnection) => void): void {
    this.#connectionHandlers.push(cb);
    if (this.#unannounced.length > 0 && this.#connectionHandlers.length === 1) {
      queueMicrotask(() => {
        const waiting = this.#unannounced;
        this.#unannounced = [];
        for (const c of waiting) if (!c.closed) this.#announce(c);
      });
    }
  }

  /**
   * Called with what clients or the socket did wrong (and which connection, when one did); never
   * thrown. Without any handler the error becomes a process warning.
   */
  onError(cb: ServerErrorHandler): void {
    this.#errorHandlers.push(cb);
  }

  /** Stops listening, closes every connection and removes the socket file. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#native.close();
    } catch (e) {
      this.#report(new RmTransportError('socket-failed', `RM socket ${this.path}: closing the listener failed: ${(e as Error).message}`, { cause: e }), undefined);
    }
    for (const c of this.#connections.values()) c.close();
    this.#connections.clear();
    this.#unannounced = [];
    try {
      if (lstatSync(this.path).ino === this.#ino) unlinkSync(this.path);
    } catch {
      // Already removed by someone else: nothing of ours is left to clean up.
    }
  }

  #accept(socket: SeqpacketSocket): void {
    if (this.#closed) {
      socket.destroy();
      return;
    }
    const connection = new SeqpacketConnection(socket, this.#opts);
    connection.onError((e) => this.#report(e, connection));
    connection.onClose(() => this.#connections.delete(connection.id));
    this.#connections.set(connection.id, connection);
    if (this.#connectionHandlers.length === 0) this.#unannounced.push(connection);
    else this.#announce(connection);
  }

  #announce(connection: SeqpacketConnection): void {
    for (const cb of this.#connectionHandlers) {
      try {
        cb(connection);
      } catch (e) {
        this.#report(new RmTransportError('handler-failed', `The onConnection handler threw for RM connection ${connection.id}: ${(e as Error).message}`, { cause: e }), connection);
      }
    }
  }

  #report(error: RmTransportError, connection: SeqpacketConnection | undefined): void {
    if (this.#errorHandlers.length === 0) {
      process.emitWarning(error);
      return;
    }
    for (const cb of this.#errorHandlers) {
      try {
        cb(error, connection);
      } catch (e) {
        process.emitWarning(new RmTransportError('handler-failed', `The onError handler of RM socket ${this.path} threw: ${(e as Error).message}`, { cause: e }));
      }
    }
  }
}

/**
 * Listens on `path`: refuses a path another process listens on or that is not a socket, removes a
 * stale socket file, binds, sets the file mode (default 0600), and listens.
 */
export async function listenSeqpacket(path: string, opts: SeqpacketServerOptions = {}): Promise<SeqpacketServer> {
  const abs = resolve(path);
  checkSocketPathLength(abs, 'listen on');
  await claimSocketPath(abs);
  const native = new NativeServer();
  try {
    native.listen(abs, opts.backlog ?? 64);
  } catch (e) {
    closeQuietly(native);
    // Another process may have bound the path between the claim and bind.
    throw new RmTransportError('listen-failed', `Cannot listen on ${abs}: ${(e as Error).message}; check the directory exists and is writable, and that no other daemon uses it`, { cause: e });
  }
  let ino: number;
  try {
    // Until chmod the socket has the umask's mode; connecting needs write permission, which the
    // usual umasks (022, 077) deny to others, and the daemon's directory is 0700 anyway.
    chmodSync(abs, opts.mode ?? 0o600);
    ino = lstatSync(abs).ino;
  } catch (e) {
    closeQuietly(native);
    try {
      unlinkSync(abs);
    } catch {
      // Nothing more to undo.
    }
    throw new RmTransportError('listen-failed', `Cannot set the mode of ${abs}: ${(e as Error).message}`, { cause: e });
  }
  const connectionOpts: ConnectionOptions = opts.maxPendingPackets !== undefined ? { maxPendingPackets: opts.maxPendingPackets } : {};
  return new SeqpacketServer(native, abs, ino, connectionOpts);
}

function closeQuietly(native: NativeServer): void {
  try {
    native.close();
  } catch {
    // A server that never listened has nothing to close.
  }
}
