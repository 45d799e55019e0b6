// (d) Restore latency of an idle 1-vCPU micro-guest's snapshot, 256 MiB and 2 GiB: warm (Vm.restore in this process
// with a WorkerPool → first exit from KVM_RUN) and cold (`bothy restore` spawn → first stdout byte), against QEMU
// microvm's incoming migration of the same size (spawn → running; vmm-notes.md §9.4). ~25 s; quick ~15 s.

import { mkdtempSync, rmSync, openSync, closeSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BOTHY_CLI, guestElf } from '../test/support/bothy-process.js';
import type { BenchResult, BenchRow } from './support/bench-result.js';
import { BenchError, tail } from './support/bench-error.js';
import {
  loadBothy, snapshotIdleGuest, snapshotDiskBytes, waitFirstExit, VMGENID_GUEST, type BothyModules, type IdleSnapshot,
} from './support/bothy-vm.js';
import { saveIdleQemu, timeQemuIncoming, type QemuGuest, type QemuIncoming, type QemuSaved } from './support/qemu-migration.js';
import { hasTool, skipReason } from './support/requirements.js';
import { spread, fmt, fmtSpread, type Spread } from './support/stats.js';
import { textTable } from './support/text-table.js';
import { timedSpawn } from './support/timed-spawn.js';
import { phasesFromTrace, type PhaseName, type Phases } from './support/strace-phases.js';

export interface RestoreLatencyOptions {
  readonly sizesMiB: readonly number[];
  /** In-process restores per size (interleaved across sizes). */
  readonly warmReps: number;
  /** `bothy restore` processes and QEMU -incoming processes per size. */
  readonly coldReps: number;
}

export const RESTORE_LATENCY_DEFAULTS: RestoreLatencyOptions = { sizesMiB: [256, 2048], warmReps: 20, coldReps: 5 };
export const RESTORE_LATENCY_QUICK: RestoreLatencyOptions = { sizesMiB: [256, 2048], warmReps: 3, coldReps: 1 };

/**
 * bothy restores the vmgenid guest, which prints at once after a restore. QEMU runs the demo's idle loop
 * (microvm builds no devicetree, which the vmgenid guest needs), which would print only at its next one-second
 * tick: the same runtime idling the same way (PIT at 100 Hz, HLT in between).
 */
const BOTHY_GUEST = VMGENID_GUEST;
const QEMU_GUEST = { name: 'demo', append: 'idle', ready: 'tick 1\n', resumed: /tick \d+/ } as const;
const WARM_GOAL_MS = 10;
const WARM_GOAL_RATIO = 0.1;
const KILL_AFTER_MS = 30_000;
const FIRST_EXIT_TIMEOUT_MS = 5_000;

interface Warm {
  /** Vm.restore called → the vCPU entering KVM_RUN: the guest's first instruction (the figure). */
  readonly firstEntryMs: number;
  /** Vm.restore called → the vCPU's first exit from KVM_RUN (includes the guest's own emulated handler). */
  readonly firstExitMs: number;
  /** Vm.restore called → its promise resolved (snapshot read, KVM VM built, worker handed its init). */
  readonly returnedMs: number;
  /** vm.stop() → exited (vCPU out of KVM_RUN, KVM VM and mappings torn down). */
  readonly stopMs: number;
}

interface PerSize {
  readonly mib: number;
  readonly snapshot: IdleSnapshot;
  readonly snapshotDisk: number;
  readonly qemuSaved: QemuSaved;
  readonly warm: Warm[];
  readonly coldFirstByteMs: number[];
  readonly qemu: QemuIncoming[];
}

function sizeLabel(mib: number): string {
  return mib >= 1024 && mib % 1024 === 0 ? `${mib / 1024} GiB` : `${mib} MiB`;
}

type Shells = InstanceType<BothyModules['VmShellPool']>;

async function warmRestore(b: BothyModules, pool: InstanceType<BothyModules['WorkerPool']>, shells: Shells, dir: string, consoleFd: number): Promise<Warm> {
  // A full pool: the worker being refilled after the last take() is not still starting on the other CPU.
  await pool.ready();
  // Let the shell pool's background refill (a KVM VM and its memory slot) finish before timing the next.
  await new Promise((r) => setTimeout(r, 30));
  const t0 = process.hrtime.bigint();
  const vm = await b.Vm.restore(dir, { consoleFd, consolePrefix: '', pool, shells });
  const returned = process.hrtime.bigint();
  let first: bigint | undefined;
  let failure: unknown;
  try {
    first = await waitFirstExit(b, vm, FIRST_EXIT_TIMEOUT_MS);
  } catch (e) {
    failure = e;
  }
  const s0 = performance.now();
  const reason = await vm.stop();
  const stopMs = performance.now() - s0;
  if (first === undefined) throw failure;
  if (reason.kind !== 'stopped') throw new BenchError('run-failed', `a restored VM ended by itself: ${b.describeExit(reason)}`);
  return { firstEntryMs: Number((vm.firstEntryNs ?? first) - t0) / 1e6, firstExitMs: Number(first - t0) / 1e6, returnedMs: Number(returned - t0) / 1e6, stopMs };
}

function restoreArgs(dir: string, timeoutS: number): string[] {
  return [BOTHY_CLI, 'restore', dir, '--quiet', '--timeout', String(timeoutS)];
}

async function coldRestore(dir: string): Promise<number> {
  const r = await timedSpawn(process.execPath, restoreArgs(dir, KILL_AFTER_MS / 2000), {
    killAfterMs: KILL_AFTER_MS,
    onStdout: (soFar, child) => {
      if (soFar.includes('\n')) child.kill('SIGINT');
    },
  });
  if (r.killed) throw new BenchError('did-not-exit', `bothy restore did not stop on SIGINT:\n${tail(r.stdout + r.stderr)}`);
  // The first byte must be the restored guest's own: its generation-ID interrupt line.
  if (r.firstByteMs === undefined || !r.stdout.startsWith(BOTHY_GUEST.restored)) {
    throw new BenchError('unexpected-output', `bothy restore ${dir} did not start its output with '${BOTHY_GUEST.restored.trim()}' (exit ${r.code ?? r.signal}):\n${tail(r.stdout + r.stderr)}`);
  }
  return r.firstByteMs;
}

/** The phases of bench/support/strace-phases.ts as they read for a restore, up to the guest's first byte. */
const COLD_PHASES: readonly (readonly [PhaseName, string])[] = [
  ['toKvmOpen', 'spawn → /dev/kvm opened (node bootstrap, module graph incl. koffi, argv, snapshot state read)'],
  ['vmBuild', '/dev/kvm → KVM_CREATE_VCPU (KVM VM, irqchip, PIT, memory file mapped, memory slots)'],
  ['toWorkerThread', 'KVM_CREATE_VCPU → vCPU thread created (vCPU/VM/device state, Vm constructor, new Worker)'],
  ['workerToFirstRun', "vCPU thread created → first KVM_RUN (isolate, koffi and the worker's module graph)"],
  ['guestToFirstByte', 'first KVM_RUN → first console byte (vmgenid interrupt, guest prints)'],
];

/** One cold restore under strace (bench/support/strace-phases.ts); stopped by bothy's own watchdog after 1 s. */
async function tracedColdRestore(dir: string, work: string): Promise<Phases | undefined> {
  const out = join(work, 'cold.trace');
  const r = await timedSpawn('strace', ['-f', '-ttt', '-qq', '--seccomp-bpf', '-e', 'trace=ioctl,write,clone3,clone,exit_group', '-o', out, process.execPath, ...restoreArgs(dir, 1)], {
    killAfterMs: KILL_AFTER_MS,
  });
  if (r.killed || !r.stdout.startsWith(BOTHY_GUEST.restored)) return undefined;
  return phasesFromTrace(readFileSync(out, 'utf8'), r.spawnedAt, r.spawnedAt + r.exitMs);
}

export async function restoreLatencyBench(opts: RestoreLatencyOptions = RESTORE_LATENCY_DEFAULTS, log: (line: string) => void = console.log): Promise<BenchResult> {
  const name = 'restore-latency';
  const why = await skipReason(['kvm', 'gcc', 'qemu'], [BOTHY_GUEST.name, QEMU_GUEST.name]);
  if (why) return { kind: 'skipped', name, reason: why };
  const started = performance.now();
  const b = await loadBothy();
  const work = mkdtempSync(join(tmpdir(), 'bothy-bench-restore-'));
  const consoleFd = openSync(join(work, 'restored.console'), 'w');
  const pool = new b.WorkerPool(1);
  const shells = new b.VmShellPool(1);
  try {
    log(`restore-latency: bothy ${BOTHY_GUEST.name}.elf / QEMU ${QEMU_GUEST.name}.elf ${QEMU_GUEST.append}, 1 vCPU, ${opts.sizesMiB.map(sizeLabel).join(' and ')}; ` +
      `snapshots taken once the guest ticks; ${opts.warmReps} warm restores, ${opts.coldReps} cold restores and QEMU -incoming runs per size, interleaved`);
    const sizes: PerSize[] = [];
    for (const mib of opts.sizesMiB) {
      const snapshot = await snapshotIdleGuest(b, {
        elf: guestElf(BOTHY_GUEST.name), cmdline: BOTHY_GUEST.cmdline, memMiB: mib, ready: BOTHY_GUEST.ready,
        dir: join(work, `bothy-${mib}`), timeoutMs: KILL_AFTER_MS,
      });
      const qemuSaved = await saveIdleQemu(qemuGuest(mib, work, 'source'), QEMU_GUEST.ready, join(work, `qemu-${mib}.migration`));
      sizes.push({ mib, snapshot, snapshotDisk: snapshotDiskBytes(b, snapshot.dir), qemuSaved, warm: [], coldFirstByteMs: [], qemu: [] });
    }

    await pool.ready();
    // Pre-built VM shells (KVM VM, irqchip, PIT, memory slots, vCPUs) for each snapshot's shape: the work
    // that grows with RAM size happens here, ahead of the restore request.
    for (const s of sizes) shells.prewarm((await b.readSnapshot(s.snapshot.dir)).state.machine);
    // One unmeasured restore per size: the first in a process also compiles the restore path.
    for (const s of sizes) await warmRestore(b, pool, shells, s.snapshot.dir, consoleFd);
    for (let rep = 0; rep < opts.warmReps; rep++) for (const s of sizes) s.warm.push(await warmRestore(b, pool, shells, s.snapshot.dir, consoleFd));
    await pool.close();
    shells.close();

    for (let rep = 0; rep < opts.coldReps; rep++) {
      for (const s of sizes) {
        s.coldFirstByteMs.push(await coldRestore(s.snapshot.dir));
        // The first run of each size also waits for the guest's next tick: proof QEMU restored it, not rebooted it.
        s.qemu.push(await timeQemuIncoming(qemuGuest(s.mib, work, `dest-${rep}`), s.qemuSaved.file, rep === 0 ? QEMU_GUEST.resumed : undefined));
      }
    }
    const traced = hasTool('strace') ? { phases: await tracedColdRestore(sizes[0]!.snapshot.dir, work) } : undefined;
    return report(name, opts, sizes, traced, (performance.now() - started) / 1000, log);
  } finally {
    await pool.close();
    shells.close();
    closeSync(consoleFd);
    rmSync(work, { recursive: true, force: true });
  }
}

function qemuGuest(mib: number, work: string, tag: string): QemuGuest {
  return { elf: guestElf(QEMU_GUEST.name), append: QEMU_GUEST.append, memMiB: mib, qmpSocket: join(work, `qmp-${mib}-${tag}.sock`), killAfterMs: KILL_AFTER_MS };
}

function report(
  name: string, opts: RestoreLatencyOptions, sizes: readonly PerSize[], traced: { readonly phases: Phases | undefined } | undefined,
  seconds: number, log: (line: string) => void,
): BenchResult {
  const warm = (s: PerSize, f: (w: Warm) => number): Spread => spread(s.warm.map(f));
  const cold = (s: PerSize): Spread => spread(s.coldFirstByteMs);
  const qemu = (s: PerSize, f: (q: QemuIncoming) => number): Spread => spread(s.qemu.map(f));
  const ms = (x: Spread): string => fmtSpread(x, 'ms', 1);
  const mb = (bytes: number): string => `${fmt(bytes / 2 ** 20, 1)} MiB`;
  const first = sizes[0]!;
  const last = sizes[sizes.length - 1]!;
  const flat = (f: (s: PerSize) => number): string => (sizes.length > 1 ? `${fmt(f(last) / f(first), 2)}×` : '-');
  const table: [string, (s: PerSize) => string, string][] = [
    ['bothy warm: Vm.restore → first guest instruction', (s) => ms(warm(s, (w) => w.firstEntryMs)), flat((s) => warm(s, (w) => w.firstEntryMs).median)],
    ['bothy warm: Vm.restore → first exit', (s) => ms(warm(s, (w) => w.firstExitMs)), flat((s) => warm(s, (w) => w.firstExitMs).median)],
    ['  of which Vm.restore() resolved', (s) => ms(warm(s, (w) => w.returnedMs)), flat((s) => warm(s, (w) => w.returnedMs).median)],
    ['bothy warm: vm.stop() → exited (teardown)', (s) => ms(warm(s, (w) => w.stopMs)), flat((s) => warm(s, (w) => w.stopMs).median)],
    ['bothy cold: `bothy restore` spawn → first byte', (s) => ms(cold(s)), flat((s) => cold(s).median)],
    ['QEMU -incoming: spawn → QMP up', (s) => ms(qemu(s, (q) => q.qmpMs)), flat((s) => qemu(s, (q) => q.qmpMs).median)],
    ['QEMU -incoming: spawn → running', (s) => ms(qemu(s, (q) => q.runningMs)), flat((s) => qemu(s, (q) => q.runningMs).median)],
    ['bothy source: boot → idle line; snapshot', (s) => `${fmt(s.snapshot.bootMs, 0)} ms; ${fmt(s.snapshot.snapshotMs, 0)} ms`, ''],
    ['bothy snapshot memory file on disk', (s) => mb(s.snapshotDisk), ''],
    ['QEMU source: migrate → completed; stream size', (s) => `${fmt(s.qemuSaved.migrateMs, 0)} ms; ${mb(s.qemuSaved.bytes)}`, ''],
  ];
  log(textTable(['median (min–max)', ...sizes.map((s) => sizeLabel(s.mib)), `${sizeLabel(last.mib)} ÷ ${sizeLabel(first.mib)}`], table.map(([label, f, r]) => [label, ...sizes.map(f), r])));
  if (traced === undefined) log('bothy cold restore under strace: skipped (strace is not installed)');
  else {
    const { phases } = traced;
    log(`bothy cold restore of the ${sizeLabel(first.mib)} snapshot under strace (one run; the trace slows every phase):`);
    log(phases ? textTable(['phase', 'ms'], COLD_PHASES.map(([p, label]) => [label, fmt(phases[p], 1)])) : '  unavailable: the traced run failed or lacked a marker');
  }
  const noResume = sizes.reduce((n, s) => n + s.qemu.filter((q) => !q.sawResume).length, 0);
  if (noResume) log(`  ${noResume} QEMU run(s) were already running at the first query-status: their time is an upper bound`);

  const rows: BenchRow[] = [];
  for (const s of sizes) {
    const w = warm(s, (x) => x.firstEntryMs).median;
    const c = cold(s).median;
    const q = qemu(s, (x) => x.runningMs).median;
    const met = w <= WARM_GOAL_MS ? 'met' : 'NOT met';
    log(`  ${sizeLabel(s.mib)}: bothy warm / QEMU ${fmt(w / q, 3)}× (goal ≤ ${WARM_GOAL_RATIO}×), bothy cold / QEMU ${fmt(c / q, 2)}×, warm median ${fmt(w, 1)} ms (goal ≤ ${WARM_GOAL_MS} ms: ${met})`);
    rows.push({
      metric: `warm restore → first guest instruction, ${sizeLabel(s.mib)} (≤ ${WARM_GOAL_MS} ms: ${met})`,
      bothy: `${fmt(w, 1)} ms`, baseline: `${fmt(q, 1)} ms`, ratio: w / q, goal: { op: '<=', value: WARM_GOAL_RATIO },
    });
    rows.push({ metric: `cold \`bothy restore\` → first byte, ${sizeLabel(s.mib)}`, bothy: `${fmt(c, 0)} ms`, baseline: `${fmt(q, 1)} ms`, ratio: c / q });
  }
  if (sizes.length > 1) {
    const ratio = (f: (s: PerSize) => number): number => f(last) / f(first);
    rows.push({
      metric: `warm restore ${sizeLabel(last.mib)} ÷ ${sizeLabel(first.mib)} (flat = 1)`,
      bothy: `${fmt(ratio((s) => warm(s, (x) => x.firstEntryMs).median), 2)}×`,
      baseline: `${fmt(ratio((s) => qemu(s, (x) => x.runningMs).median), 2)}×`,
      ratio: undefined,
    });
  }
  log(`  (${opts.warmReps} warm, ${opts.coldReps} cold and QEMU runs per size)`);
  return { kind: 'done', name, baseline: 'QEMU microvm -incoming, spawn → running', seconds, rows };
}
