// A minimal QMP client (QEMU Machine Protocol, qemu docs/interop/qmp-spec.rst): newline-delimited JSON on
// a unix socket — the server's greeting, qmp_capabilities, then commands answered in order by "return" or
// "error"; asynchronous "event" messages are kept for whoever waits on them.

import { createConnection, type Socket } from 'node:net';
import { BenchError } from './bench-error.js';

export interface QmpEvent {
  readonly event: string;
  readonly data?: unknown;
  /** QEMU's wall clock when it emitted the event (qmp-spec §2.5). */
  readonly timestamp: { readonly seconds: number; readonly microseconds: number };
}

/** An event and when this side read it (performance.now() milliseconds: no clock shared with QEMU needed). */
export interface ReceivedEvent extends QmpEvent {
  readonly receivedAt: number;
}

interface Pending {
  readonly command: string;
  readonly resolve: (v: unknown) => void;
  readonly reject: (e: Error) => void;
}

/** One parsed QMP message: the greeting, a command's answer, or an event. */
type QmpMessage =
  | { readonly QMP: unknown }
  | { readonly return: unknown; readonly id?: number }
  | { readonly error: { readonly class: string; readonly desc: string }; readonly id?: number }
  | QmpEvent;

export class Qmp {
  readonly #sock: Socket;
  readonly #pending = new Map<number, Pending>();
  readonly #events: ReceivedEvent[] = [];
  readonly #eventWaiters = new Set<() => void>();
  readonly #greeting: Promise<void>;
  #greeted!: () => void;
  #greetingFailed!: (e: Error) => void;
  #nextId = 1;
  #buffered = '';
  #closed: Error | undefined;

  private constructor(sock: Socket) {
    this.#sock = sock;
    this.#greeting = new Promise((resolve, reject) => {
      this.#greeted = resolve;
      this.#greetingFailed = reject;
    });
    sock.setEncoding('utf8');
    sock.on('data', (chunk: string) => this.#onData(chunk));
    sock.on('close', () => this.#fail(new BenchError('run-failed', 'QMP: QEMU closed the monitor socket')));
    sock.on('error', (e) => this.#fail(new BenchError('run-failed', `QMP: ${e.message}`)));
  }

  /**
   * Connects to a QMP socket QEMU is still creating: retries every `pollMs` while the socket is absent or
   * refuses, until `deadline` (performance.now() milliseconds); then reads the greeting and leaves
   * capabilities negotiation, so commands and events flow.
   */
  static async connect(path: string, deadline: number, pollMs = 1): Promise<Qmp> {
    for (;;) {
      const sock = await new Promise<Socket | NodeJS.ErrnoException>((resolve) => {
        const s = createConnection(path);
        s.once('connect', () => resolve(s));
        s.once('error', (e) => resolve(e));
      });
      if (!(sock instanceof Error)) {
        const qmp = new Qmp(sock);
        await qmp.#greeting;
        await qmp.execute('qmp_capabilities');
        return qmp;
      }
      if (sock.code !== 'ENOENT' && sock.code !== 'ECONNREFUSED') throw new BenchError('run-failed', `QMP: cannot connect to ${path}: ${sock.message}`);
      if (performance.now() > deadline) throw new BenchError('run-failed', `QMP: ${path} did not accept a connection in time (is QEMU running with -qmp unix:${path},server=on,wait=off?)`);
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }

  /** Runs one command; rejects with its QMP error class and description. */
  execute<T = unknown>(command: string, args?: Readonly<Record<string, unknown>>): Promise<T> {
    if (this.#closed) return Promise.reject(this.#closed);
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { command, resolve: resolve as (v: unknown) => void, reject });
      this.#sock.write(`${JSON.stringify({ execute: command, ...(args ? { arguments: args } : {}), id })}\n`);
    });
  }

  /** The first event named `name` received so far, if any. */
  event(name: string): ReceivedEvent | undefined {
    return this.#events.find((e) => e.event === name);
  }

  /** Resolves at the next event (any), or after `ms`, whichever comes first. */
  nextEvent(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#eventWaiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#eventWaiters.add(done);
    });
  }

  close(): void {
    this.#closed ??= new BenchError('run-failed', 'QMP: the connection was closed by the bench');
    this.#sock.destroy();
  }

  #onData(chunk: string): void {
    this.#buffered += chunk;
    let nl: number;
    while ((nl = this.#buffered.indexOf('\n')) >= 0) {
      const line = this.#buffered.slice(0, nl).trim();
      this.#buffered = this.#buffered.slice(nl + 1);
      if (line) this.#onMessage(JSON.parse(line) as QmpMessage);
    }
  }

  #onMessage(m: QmpMessage): void {
    if ('QMP' in m) {
      this.#greeted();
    } else if ('event' in m) {
      this.#events.push({ ...m, receivedAt: performance.now() });
      for (const w of [...this.#eventWaiters]) w();
    } else {
      const p = m.id === undefined ? undefined : this.#pending.get(m.id);
      if (!p) return;
      this.#pending.delete(m.id!);
      if ('error' in m) p.reject(new BenchError('run-failed', `QMP ${p.command}: ${m.error.class}: ${m.error.desc}`));
      else p.resolve(m.return);
    }
  }

  #fail(e: Error): void {
    this.#closed ??= e;
    this.#greetingFailed(this.#closed);
    for (const p of this.#pending.values()) p.reject(this.#closed);
    this.#pending.clear();
  }
}
