// Test helpers for the RM socket transport: waits that fail instead of hanging, a packet inbox, and
// peers in child processes (a daemon killed before cleanup, a client that never reads).

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CloseReason, SeqpacketConnection } from './seqpacket-connection.js';

const WAIT_MS = 5000;

/** A fresh directory of mode 0700, like the daemon's run directory. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'bothy-rm-'));
}

/** Settles like `p`, or rejects naming `what` when it has not settled within a few seconds. */
export function within<T>(p: Promise<T>, what: string | (() => string), ms = WAIT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error(`timed out after ${ms} ms waiting for ${typeof what === 'string' ? what : what()}`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

export function closeOf(connection: SeqpacketConnection, what: string): Promise<CloseReason> {
  return within(new Promise((done) => connection.onClose(done)), what);
}

/** Collects a connection's packets so a test can wait for the next few. */
export class Inbox {
  readonly packets: Uint8Array[] = [];
  #waiters: (() => void)[] = [];

  constructor(connection: SeqpacketConnection) {
    connection.onPacket((bytes) => {
      this.packets.push(bytes);
      for (const w of this.#waiters) w();
    });
  }

  /** Waits until `count` packets have arrived in all, and returns them. */
  async upTo(count: number, what: string): Promise<Uint8Array[]> {
    await within(new Promise<void>((done) => {
      const check = (): void => {
        if (this.packets.length >= count) done();
      };
      this.#waiters.push(check);
      check();
    }), () => `${what} (${this.packets.length} of ${count} so far)`);
    return this.packets.slice(0, count);
  }
}

export const nativeModulePath = createRequire(import.meta.url).resolve('node-unix-socket');

/** Runs CommonJS `code` in a child node with `nus` bound to node-unix-socket. */
export function nodeChild(code: string): ChildProcess {
  const prelude = `const nus = require(${JSON.stringify(nativeModulePath)});\n`;
  return spawn(process.execPath, ['-e', prelude + code], { stdio: ['ignore', 'pipe', 'inherit'] });
}

/** Waits for `line` on the child's stdout. */
export function childSays(child: ChildProcess, line: string): Promise<void> {
  return within(new Promise((done, fail) => {
    let out = '';
    child.stdout?.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.split('\n').includes(line)) done();
    });
    child.once('exit', (code, signal) => fail(new Error(`child exited (${code ?? signal}) before saying ${line}`)));
  }), `the child to say ${line}`);
}

export function exitOf(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return within(new Promise((done) => child.once('exit', () => done())), 'the child to exit');
}
