// QEMU's save and restore of a running guest, the baseline of bothy's snapshot restore: an idle microvm guest
// migrated with QMP `migrate` to "exec:cat > FILE" (QEMU 7.2 has no file: URI), then a new QEMU started with
// -incoming "exec:cat FILE" timed from spawn until it runs — the procedure of shared/reference/vmm-notes.md §9.4
// and vmgenid.md §6, there on q35/TCG, here on microvm with KVM and the micro-guests.

import { statSync } from 'node:fs';
import { BenchError, tail } from './bench-error.js';
import { Qmp } from './qmp.js';
import { qemuDemoArgs } from './qemu-demo.js';
import { QEMU } from './requirements.js';
import { timedSpawn, type TimedRun } from './timed-spawn.js';

export interface QemuGuest {
  readonly elf: string;
  readonly append: string;
  readonly memMiB: number;
  /** A unix socket path for QMP (must not exist). */
  readonly qmpSocket: string;
  readonly killAfterMs: number;
}

export interface QemuSaved {
  readonly file: string;
  /** Size of the migration stream (zero pages go as one flag each, not as 4 KiB). */
  readonly bytes: number;
  /** QMP migrate → query-migrate 'completed'. */
  readonly migrateMs: number;
}

export interface QemuIncoming {
  /** Spawn → the QMP socket accepted and capabilities were negotiated. */
  readonly qmpMs: number;
  /** Spawn → the RESUME event (vCPUs started after the incoming migration) or the first query-status 'running'. */
  readonly runningMs: number;
  /** False when QEMU was already running at the first query (runningMs is then an upper bound). */
  readonly sawResume: boolean;
}

const MIGRATE_POLL_MS = 10;
/** Above any rate this machine reaches: QEMU's default cap (128 MiB/s in 7.2) would time the cap, not QEMU. */
const UNCAPPED_BANDWIDTH = 2 ** 40;

function qemuArgs(g: QemuGuest, extra: readonly string[]): string[] {
  return [...qemuDemoArgs(g.elf, g.append, g.memMiB), '-qmp', `unix:${g.qmpSocket},server=on,wait=off`, ...extra];
}

/** The shell word for a path in an exec: migration URI (QEMU runs it with /bin/sh -c). */
function shellQuote(path: string): string {
  return `'${path.replaceAll("'", "'\\''")}'`;
}

function ended(what: string, r: TimedRun): BenchError {
  return new BenchError('run-failed', `${what} ended early (${r.killed ? 'killed by the watchdog' : `exit ${r.code ?? r.signal}`}):\n${tail(r.stderr || r.stdout)}`);
}

/** Asks QEMU to quit and waits for the process; a QEMU the watchdog had to kill is an error. */
async function quit(what: string, qmp: Qmp, run: Promise<TimedRun>): Promise<TimedRun> {
  // QEMU may close the socket before it answers 'quit'.
  await qmp.execute('quit').catch(() => {});
  qmp.close();
  const r = await run;
  if (r.killed) throw new BenchError('did-not-exit', `${what} did not quit on QMP 'quit':\n${tail(r.stderr || r.stdout)}`);
  return r;
}

/** Runs `body`; if it throws, QEMU is asked to quit (its watchdog is the fallback) before the error goes on. */
async function quitOnError<T>(what: string, qmp: Qmp, run: Promise<TimedRun>, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (e) {
    await quit(what, qmp, run).catch(() => {});
    throw e;
  }
}

/** Boots the guest under QEMU, waits for `readyLine` on its serial console, migrates it to `file` and quits. */
export async function saveIdleQemu(g: QemuGuest, readyLine: string, file: string): Promise<QemuSaved> {
  const what = `QEMU (${g.memMiB} MiB source)`;
  let ready!: () => void;
  const idle = new Promise<'idle'>((resolve) => (ready = () => resolve('idle')));
  const run = timedSpawn(QEMU, qemuArgs(g, []), {
    killAfterMs: g.killAfterMs,
    onStdout: (soFar) => {
      // QEMU's serial console on stdio ends lines with CR LF.
      if (soFar.replaceAll('\r', '').includes(readyLine)) ready();
    },
  });
  if ((await Promise.race([idle, run.then(() => 'ended' as const)])) === 'ended') {
    const r = await run;
    throw new BenchError('unexpected-output', `${what} never printed '${readyLine.trim()}':\n${tail(r.stdout + r.stderr)}`);
  }
  const qmp = await Qmp.connect(g.qmpSocket, performance.now() + g.killAfterMs);
  const migrateMs = await quitOnError(what, qmp, run, async () => {
    await qmp.execute('migrate-set-parameters', { 'max-bandwidth': UNCAPPED_BANDWIDTH });
    const t0 = performance.now();
    await qmp.execute('migrate', { uri: `exec:cat > ${shellQuote(file)}` });
    for (;;) {
      const m = await qmp.execute<{ status?: string; 'error-desc'?: string }>('query-migrate');
      if (m.status === 'completed') return performance.now() - t0;
      if (m.status === 'failed' || m.status === 'cancelled') throw new BenchError('run-failed', `${what}: migration to ${file} ${m.status}: ${m['error-desc'] ?? ''}`);
      if (performance.now() - t0 > g.killAfterMs) throw new BenchError('did-not-exit', `${what}: migration to ${file} still '${m.status}' after ${g.killAfterMs} ms`);
      await new Promise((r) => setTimeout(r, MIGRATE_POLL_MS));
    }
  });
  await quit(what, qmp, run);
  return { file, bytes: statSync(file).size, migrateMs };
}

/**
 * Starts a QEMU with -incoming from `file` and times it from spawn until its vCPUs run. With `verify`, it
 * then also waits for console output matching it (proof the guest carried on), outside the timing.
 */
export async function timeQemuIncoming(g: QemuGuest, file: string, verify?: RegExp): Promise<QemuIncoming> {
  const what = `QEMU -incoming (${g.memMiB} MiB)`;
  let printed!: () => void;
  const verified = new Promise<void>((resolve) => (printed = resolve));
  const t0 = performance.now();
  const run = timedSpawn(QEMU, qemuArgs(g, ['-incoming', `exec:cat ${shellQuote(file)}`]), {
    killAfterMs: g.killAfterMs,
    onStdout: (soFar) => {
      if (verify?.test(soFar)) printed();
    },
  });
  const early = run.then((r) => Promise.reject(ended(what, r)));
  early.catch(() => {});
  const qmp = await Promise.race([Qmp.connect(g.qmpSocket, t0 + g.killAfterMs), early]);
  const qmpMs = performance.now() - t0;
  const { runningAt, sawResume } = await quitOnError(what, qmp, run, async () => {
    let runningAt: number | undefined;
    let sawResume = false;
    while (runningAt === undefined) {
      const resume = qmp.event('RESUME');
      if (resume) {
        runningAt = resume.receivedAt;
        sawResume = true;
        break;
      }
      const { status } = await qmp.execute<{ status: string }>('query-status');
      if (status === 'running') {
        runningAt = qmp.event('RESUME')?.receivedAt ?? performance.now();
        sawResume = qmp.event('RESUME') !== undefined;
      } else if (status === 'paused' || status === 'postmigrate') {
        // An incoming migration of a running source normally starts the vCPUs itself; some setups leave it paused.
        await qmp.execute('cont');
      } else if (status !== 'inmigrate' && status !== 'prelaunch') {
        throw new BenchError('run-failed', `${what}: status '${status}' while waiting for the incoming migration to finish`);
      }
      if (performance.now() - t0 > g.killAfterMs) throw new BenchError('did-not-exit', `${what}: not running after ${g.killAfterMs} ms (status '${status}')`);
      // Wake at the RESUME event if it comes first; the poll interval keeps QEMU's main loop (which also reads
      // the migration stream) mostly free of our queries.
      if (runningAt === undefined) await qmp.nextEvent(2);
    }
    if (verify !== undefined) {
      if ((await Promise.race([verified.then(() => 'ok' as const), run.then(() => 'ended' as const)])) === 'ended') {
        const r = await run;
        throw new BenchError('unexpected-output', `${what} printed nothing matching ${verify} after the migration:\n${tail(r.stdout + r.stderr)}`);
      }
    }
    return { runningAt, sawResume };
  });
  await quit(what, qmp, run);
  return { qmpMs, runningMs: runningAt - t0, sawResume };
}
