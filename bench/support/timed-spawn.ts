// Spawns one process under a kill timer and times it from the parent: spawn → first stdout byte → exit,
// plus the CPU it used (user and system), read from this process's cutime/cstime (proc(5) /proc/[pid]/stat),
// which the kernel adds a child's times to when it is reaped. Benches run one child at a time, so the
// difference belongs to that child.

import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface TimedRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** True when the kill timer had to end the process. */
  readonly killed: boolean;
  /** When the process was spawned, in epoch milliseconds (comparable with a child's performance marks). */
  readonly spawnedAt: number;
  /** Milliseconds from spawn to the first stdout byte; undefined when it printed nothing. */
  readonly firstByteMs: number | undefined;
  /** Milliseconds from spawn until the process was reaped. */
  readonly exitMs: number;
  readonly userMs: number;
  readonly sysMs: number;
}

export interface TimedSpawnOptions {
  /** The process is SIGKILLed after this long. */
  readonly killAfterMs: number;
  /** Called for every stdout chunk with the output so far (to read /proc while it runs, or stop it). */
  readonly onStdout?: (soFar: string, child: ChildProcess) => void;
  readonly env?: NodeJS.ProcessEnv;
}

let clockTicks: number | undefined;

/** USER_HZ: the unit of the CPU times in /proc/[pid]/stat. */
export function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** CPU milliseconds of this process's reaped children so far (cutime and cstime, fields 16 and 17). */
function childCpuMs(): { user: number; sys: number } {
  const stat = readFileSync('/proc/self/stat', 'latin1');
  // Fields after the command name, which may itself hold spaces and parentheses; field 3 is index 0.
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const tick = 1000 / ticksPerSecond();
  return { user: Number(f[13]) * tick, sys: Number(f[14]) * tick };
}

export function timedSpawn(cmd: string, args: readonly string[], opts: TimedSpawnOptions): Promise<TimedRun> {
  return new Promise((resolve, reject) => {
    const cpu0 = childCpuMs();
    const t0 = performance.now();
    const spawnedAt = performance.timeOrigin + t0;
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: opts.env ?? process.env });
    let stdout = '';
    let stderr = '';
    let firstByteMs: number | undefined;
    let exitMs = 0;
    let cpu = { user: 0, sys: 0 };
    let killed = false;
    child.stdout.on('data', (d: Buffer) => {
      firstByteMs ??= performance.now() - t0;
      stdout += d.toString('latin1');
      opts.onStdout?.(stdout, child);
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('latin1')));
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, opts.killAfterMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('exit', () => {
      exitMs = performance.now() - t0;
      const cpu1 = childCpuMs();
      cpu = { user: cpu1.user - cpu0.user, sys: cpu1.sys - cpu0.sys };
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, killed, spawnedAt, firstByteMs, exitMs, userMs: cpu.user, sysMs: cpu.sys });
    });
  });
}
