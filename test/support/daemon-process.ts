// `bothy daemon --dir DIR` as a child process for e2e tests and benches: waits for its ready line, keeps its
// output, and SIGKILLs it after a kill timer so no test can hang on a daemon that does not stop.

import { spawn, type ChildProcess } from 'node:child_process';
import { BOTHY_CLI } from './bothy-process.js';

export interface DaemonExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** True when the kill timer ended it. */
  readonly killed: boolean;
}

export interface DaemonProcess {
  readonly child: ChildProcess;
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** Settles once the process has ended (it never rejects). */
  readonly exited: Promise<DaemonExit>;
  /** The exit once it has happened, else undefined (checked without waiting). */
  readonly exit: () => DaemonExit | undefined;
}

export function readyLine(dir: string): string {
  return `bothy daemon: serving ${dir} (rm.sock, api.sock)`;
}

export function spawnDaemon(dir: string, opts: { killAfterMs?: number } = {}): DaemonProcess {
  const child = spawn(process.execPath, [BOTHY_CLI, 'daemon', '--dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let ended: DaemonExit | undefined;
  let killed = false;
  child.stdout!.on('data', (d: Buffer) => (out += d.toString('utf8')));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString('utf8')));
  const timer = setTimeout(() => {
    killed = true;
    child.kill('SIGKILL');
  }, opts.killAfterMs ?? 120_000);
  const exited = new Promise<DaemonExit>((done) => child.on('close', (code, signal) => {
    clearTimeout(timer);
    ended = { code, signal, killed };
    done(ended);
  }));
  return { child, stdout: () => out, stderr: () => err, exited, exit: () => ended };
}

/** Waits for the ready line; rejects with the daemon's stderr when it exits first or says nothing in time. */
export async function daemonReady(d: DaemonProcess, dir: string, ms = 30_000): Promise<void> {
  const line = readyLine(dir);
  const end = Date.now() + ms;
  while (!d.stdout().split('\n').includes(line)) {
    const e = d.exit();
    if (e !== undefined) throw new Error(`bothy daemon exited (${e.code ?? e.signal}) before it was ready: ${d.stderr().trim()}`);
    if (Date.now() > end) throw new Error(`bothy daemon not ready within ${ms} ms; stdout: ${d.stdout()} stderr: ${d.stderr()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
