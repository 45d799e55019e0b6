// One end of an RM RPC socket connection: whole packets in and out, each one message-queue message
// of at most RM_RPC_MESSAGE_SIZE bytes (gunyah.md §3, §3.2). Used by both the server and the client.

import type { SeqpacketSocket } from 'node-unix-socket';
import { assertNever } from '../../binary/assert-never.js';
import { RmTransportError } from './rm-transport-error.js';

/** RM `RM_RPC_MESSAGE_SIZE`, Linux `GUNYAH_RM_MSGQ_MSG_SIZE`: the largest message-queue message. */
export const RM_RPC_MESSAGE_SIZE = 240;

/**
 * Packets a connection holds that the peer has not read yet (beyond what the kernel buffers, ~200
 * packets): past this the peer is taken as stuck and dropped, so it cannot grow the daemon's memory.
 */
export const DEFAULT_MAX_PENDING_PACKETS = 1024;

// Reads are truncated to this size by the kernel (SOCK_SEQPACKET keeps boundaries and drops the
// rest), so any oversize packet still shows as oversize, while a connection costs 4 KiB instead of
// the library's default 256 KiB.
const RECEIVE_BUFFER_SIZE = 4096;

export type CloseReason =
  | { readonly kind: 'local' }
  | { readonly kind: 'peer' }
  | { readonly kind: 'error'; readonly error: RmTransportError };

export interface ConnectionOptions {
  /** Packets queued for a peer that does not read before it is dropped as 'peer-stalled'. */
  readonly maxPendingPackets?: number;
}

let nextId = 1;

export class SeqpacketConnection {
  /** Unique within the process; the server's and the clients' connections share one counter. */
  readonly id: number;
  readonly #socket: SeqpacketSocket;
  readonly #maxPending: number;
  readonly #packetHandlers: ((bytes: Uint8Array) => void)[] = [];
  readonly #closeHandlers: ((reason: CloseReason) => void)[] = [];
  readonly #errorHandlers: ((error: RmTransportError) => void)[] = [];
  /** Packets that arrived before the first onPacket, delivered to it in order. */
  #early: Uint8Array[] = [];
  #pending = 0;
  #closeReason: CloseReason | undefined;

  /** Takes over a connected socket whose reading has started. Only the server and client make these. */
  constructor(socket: SeqpacketSocket, opts: ConnectionOptions = {}) {
    this.id = nextId++;
    this.#socket = socket;
    this.#maxPending = opts.maxPendingPackets ?? DEFAULT_MAX_PENDING_PACKETS;
    socket.setInternalReadBufferSize(RECEIVE_BUFFER_SIZE);
    socket.on('data', (buf: Buffer) => this.#receive(buf));
    // recv() returning 0: the peer closed, shut down its writing side, or sent an empty packet —
    // SOCK_SEQPACKET cannot tell these apart, and the library never closes on its own after 'end'.
    socket.on('end', () => this.#finish({ kind: 'peer' }));
    socket.on('error', (e: Error) => {
      this.#finish({ kind: 'error', error: new RmTransportError('socket-failed', `RM connection ${this.id} failed: ${e.message}; it is closed`, { cause: e }) });
    });
    socket.on('close', () => this.#finish({ kind: 'peer' }));
  }

  get closed(): boolean {
    return this.#closeReason !== undefined;
  }

  /** Why the connection closed, once it has. */
  get closeReason(): CloseReason | undefined {
    return this.#closeReason;
  }

  /** Packets queued in this process for the peer, waiting for room in the kernel's buffer. */
  get pendingPackets(): number {
    return this.#pending;
  }

  /** Called with each packet, whole and in order; the bytes are the handler's to keep. */
  onPacket(cb: (bytes: Uint8Array) => void): void {
    this.#packetHandlers.push(cb);
    if (this.#early.length > 0 && this.#packetHandlers.length === 1) queueMicrotask(() => this.#flushEarly());
  }

  /** Called once when the connection closes; at once (in a microtask) if it already has. */
  onClose(cb: (reason: CloseReason) => void): void {
    this.#closeHandlers.push(cb);
    const reason = this.#closeReason;
    if (reason !== undefined) queueMicrotask(() => this.#call(cb, reason));
  }

  /**
   * Called with what the peer or the socket did wrong; never thrown. Without any handler the error
   * becomes a process warning. (The server installs one on each of its connections.)
   */
  onError(cb: (error: RmTransportError) => void): void {
    this.#errorHandlers.push(cb);
  }

  /**
   * Queues one packet. Throws RmTransportError for the caller's mistakes only (closed connection,
   * empty or oversize packet); trouble with the peer closes the connection and goes to onError.
   */
  send(bytes: Uint8Array): void {
    const reason = this.#closeReason;
    if (reason !== undefined) {
      throw new RmTransportError('connection-closed', `Cannot send on RM connection ${this.id}: it is closed (${describeClose(reason)}); check .closed or onClose before sending`);
    }
    if (bytes.length > RM_RPC_MESSAGE_SIZE) {
      throw new RmTransportError('packet-too-large', `Cannot send a ${bytes.length}-byte packet on RM connection ${this.id}: a message-queue message is at most ${RM_RPC_MESSAGE_SIZE} bytes; split the payload into fragments (gunyah.md §3.2)`);
    }
    if (bytes.length === 0) {
      throw new RmTransportError('packet-empty', `Cannot send an empty packet on RM connection ${this.id}: on SOCK_SEQPACKET the peer reads it as end-of-file; every RM message starts with an 8-byte header`);
    }
    if (this.#pending >= this.#maxPending) {
      this.#finish({ kind: 'error', error: new RmTransportError('peer-stalled', `RM connection ${this.id}: the peer has left ${this.#pending} packets unread; closing it`) });
      return;
    }
    // A copy: the library may hold the buffer until the kernel has room, and the caller may reuse theirs.
    const buf = Buffer.from(bytes);
    this.#pending++;
    try {
      // The library calls back at once when the kernel takes the packet, later when it had to queue it.
      this.#socket.write(buf, 0, buf.length, () => {
        this.#pending--;
      });
    } catch (e) {
      this.#pending--;
      this.#finish({ kind: 'error', error: new RmTransportError('socket-failed', `RM connection ${this.id}: send failed: ${(e as Error).message}; it is closed`, { cause: e }) });
    }
  }

  /** Closes the connection (idempotent); packets still queued for the peer are dropped. */
  close(): void {
    this.#finish({ kind: 'local' });
  }

  #receive(buf: Buffer): void {
    if (this.#closeReason !== undefined) return;
    if (buf.length > RM_RPC_MESSAGE_SIZE) {
      const size = buf.length >= RECEIVE_BUFFER_SIZE ? `${RECEIVE_BUFFER_SIZE}+` : String(buf.length);
      this.#report(new RmTransportError('received-too-large', `RM connection ${this.id}: dropped a ${size}-byte packet; message-queue messages are at most ${RM_RPC_MESSAGE_SIZE} bytes, so the peer is not speaking RM RPC`));
      return;
    }
    const bytes = new Uint8Array(buf);
    if (this.#packetHandlers.length === 0 || this.#early.length > 0) {
      if (this.#early.length >= this.#maxPending) {
        this.#finish({ kind: 'error', error: new RmTransportError('peer-stalled', `RM connection ${this.id}: ${this.#early.length} packets arrived and nothing called onPacket to read them; closing it`) });
        return;
      }
      this.#early.push(bytes);
      return;
    }
    this.#deliver(bytes);
  }

  #flushEarly(): void {
    const early = this.#early;
    this.#early = [];
    for (const bytes of early) {
      if (this.#closeReason !== undefined) return;
      this.#deliver(bytes);
    }
  }

  #deliver(bytes: Uint8Array): void {
    for (const cb of this.#packetHandlers) this.#call(cb, bytes);
  }

  #finish(reason: CloseReason): void {
    if (this.#closeReason !== undefined) return;
    this.#closeReason = reason;
    this.#early = [];
    try {
      this.#socket.destroy();
    } catch {
      // The library already tore the socket down after its own error.
    }
    if (reason.kind === 'error') this.#report(reason.error);
    for (const cb of this.#closeHandlers) this.#call(cb, reason);
  }

  /** Runs a user handler; what it throws is reported, so it never unwinds into the socket library. */
  #call<T>(cb: (arg: T) => void, arg: T): void {
    try {
      cb(arg);
    } catch (e) {
      this.#report(new RmTransportError('handler-failed', `A handler of RM connection ${this.id} threw: ${(e as Error).message}`, { cause: e }));
    }
  }

  #report(error: RmTransportError): void {
    if (this.#errorHandlers.length === 0) {
      process.emitWarning(error);
      return;
    }
    for (const cb of this.#errorHandlers) {
      try {
        cb(error);
      } catch (e) {
        process.emitWarning(new RmTransportError('handler-failed', `The onError handler of RM connection ${this.id} threw: ${(e as Error).message}`, { cause: e }));
      }
    }
  }
}

export function describeClose(reason: CloseReason): string {
  switch (reason.kind) {
    case 'local':
      return 'closed by this side';
    case 'peer':
      return 'closed by the peer';
    case 'error':
      return reason.error.message;
    default:
      return assertNever(reason, 'close reason');
  }
}
