// Runs the bothy CLI as a child process under a kill timer, for tests and benches: the test-side
// watchdog that backs up bothy's own --timeout, so no test can hang on a livelocked KVM_RUN.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Repository root (this file runs from dist/test/support/). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const BOTHY_CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

export function guestElf(name: string): string {
  return fileURLToPath(new URL(`../../../guests/build/${name}.elf`, import.meta.url));
}

export interface BothyRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** True when the test-side kill timer had to end the process. */
  readonly killed: boolean;
  readonly ms: number;
}

export interface RunOpts {
  /** Test-side kill timer (the process is SIGKILLed after this). */
  readonly killAfterMs?: number;
  /** Written to stdin once `waitFor` appears on stdout (or at once), then stdin is closed. */
  readonly input?: string;
  readonly waitFor?: string;
  /** Called for every stdout chunk with the output so far; may send input. */
  readonly onStdout?: (soFar: string, write: (s: string) => void) => void;
  readonly env?: NodeJS.ProcessEnv;
  /** A command to run bothy under, e.g. ['taskset', '-c', '0']. */
  readonly wrap?: readonly string[];
}

export function runBothy(args: readonly string[], opts: RunOpts = {}): Promise<BothyRun> {
  const start = Date.now();
  return new Promise((resolve, reject) => {
    const [cmd, ...pre] = [...(opts.wrap ?? []), process.execPath];
    const child = spawn(cmd!, [...pre, BOTHY_CLI, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: opts.env ?? process.env });
    let stdout = '';
    let stderr = '';
    let killed = false;
    let sent = false;
    const write = (s: string): void => void child.stdin.write(s);
    const send = (): void => {
      if (sent || opts.input === undefined) return;
      sent = true;
      child.stdin.write(opts.input);
    };
    if (opts.input !== undefined && opts.waitFor === undefined) send();
    child.stdin.on('error', () => {});
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString('latin1');
      if (opts.waitFor !== undefined && stdout.includes(opts.waitFor)) send();
      opts.onStdout?.(stdout, write);
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('latin1')));
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, opts.killAfterMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, killed, ms: Date.now() - start });
    });
  });
}

/** Why KVM tests can't run here, or undefined when they can. */
export function kvmSkipReason(): string | undefined {
  if (!existsSync('/dev/kvm')) return '/dev/kvm is absent on this machine; KVM tests need a host with KVM';
  return undefined;
}

export function guestSkipReason(...names: string[]): string | undefined {
  const missing = names.filter((n) => !existsSync(guestElf(n)));
  return missing.length ? `micro-guests not built (${missing.join(', ')}): run 'npm run build' (needs gcc)` : kvmSkipReason();
}
