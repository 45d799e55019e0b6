// (e) Clones: 32 VMs from one 256 MiB snapshot in one process (Vm.restore ×32, workers warmed ahead): time to every
// clone's first exit, and RSS per clone beyond its guest pages next to an empty node Worker's, each burst in a fresh
// process (bench/support/clone-probe.ts) so memory an earlier burst freed cannot flatter the next. ~25 s; quick ~12 s.

import { fileURLToPath } from 'node:url';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { guestElf } from '../test/support/bothy-process.js';
import type { BenchResult, BenchRow } from './support/bench-result.js';
import { BenchError, tail } from './support/bench-error.js';
import { loadBothy, snapshotIdleGuest, VMGENID_GUEST } from './support/bothy-vm.js';
import { CLONE_PROBE_TAG, POOL_KINDS, type Burst, type PoolKind } from './support/clone-burst.js';
import type { ProcMemory } from './support/proc-memory.js';
import { rssDelta, type RssFields } from './support/worker-rss.js';
import { skipReason } from './support/requirements.js';
import { spread, fmt, fmtSpread } from './support/stats.js';
import { textTable } from './support/text-table.js';
import { timedSpawn } from './support/timed-spawn.js';

export interface CloneOptions {
  readonly count: number;
  readonly memMiB: number;
  /** Bursts per pool kind (interleaved, each in its own process). */
  readonly reps: number;
  /** Empty workers alive at once when measuring one's RSS. */
  readonly emptyWorkers: number;
}

export const CLONE_DEFAULTS: CloneOptions = { count: 32, memMiB: 256, reps: 2, emptyWorkers: 8 };
export const CLONE_QUICK: CloneOptions = { count: 32, memMiB: 256, reps: 1, emptyWorkers: 4 };

/** Its `restored` line in every clone's console is the proof each clone ran. */
const GUEST = VMGENID_GUEST;
const TOTAL_GOAL_MS = 1000;
const PER_CLONE_GOAL_MIB = 12;
const TIMEOUT_MS = 30_000;
const PROBE = fileURLToPath(new URL('./support/clone-probe.js', import.meta.url));

const LABELS: Record<PoolKind, string> = { fixed: 'pre-started workers, no refill', pool: 'WorkerPool(count), refills on take()' };

/** Runs bench/support/clone-probe.js with `args` and returns what it printed after its tag. */
async function probe<T>(what: string, args: readonly string[]): Promise<T> {
  const r = await timedSpawn(process.execPath, [PROBE, ...args], { killAfterMs: 3 * TIMEOUT_MS });
  const line = r.stdout.split('\n').find((l) => l.startsWith(CLONE_PROBE_TAG));
  if (r.killed) throw new BenchError('did-not-exit', `the clone probe (${what}) did not finish in ${3 * TIMEOUT_MS} ms:\n${tail(r.stderr)}`);
  if (r.code !== 0 || line === undefined) throw new BenchError('run-failed', `the clone probe (${what}) failed (exit ${r.code ?? r.signal}):\n${tail(r.stderr || r.stdout, 12)}`);
  return JSON.parse(line.slice(CLONE_PROBE_TAG.length)) as T;
}

function burstInChild(kind: PoolKind, snapshot: string, o: CloneOptions, work: string): Promise<Burst> {
  return probe<Burst>(LABELS[kind], [kind, String(o.count), String(o.memMiB), snapshot, work, GUEST.restored, String(TIMEOUT_MS)]);
}

export async function cloneBench(opts: CloneOptions = CLONE_DEFAULTS, log: (line: string) => void = console.log): Promise<BenchResult> {
  const name = 'clone';
  const why = await skipReason(['kvm', 'gcc'], [GUEST.name]);
  if (why) return { kind: 'skipped', name, reason: why };
  const started = performance.now();
  const work = mkdtempSync(join(tmpdir(), 'bothy-bench-clone-'));
  try {
    log(`clone: ${opts.count} clones of a ${opts.memMiB} MiB ${GUEST.name}.elf snapshot (1 vCPU), each burst in a fresh process; ` +
      `${opts.reps} burst(s) with each of: ${POOL_KINDS.map((k) => LABELS[k]).join('; ')}`);
    const snap = await snapshotIdleGuest(await loadBothy(), {
      elf: guestElf(GUEST.name), cmdline: GUEST.cmdline, memMiB: opts.memMiB, ready: GUEST.ready, dir: join(work, 'snapshot'), timeoutMs: TIMEOUT_MS,
    });
    const empty = await probe<RssFields>('empty workers', ['empty', String(opts.emptyWorkers)]);
    const bursts: Record<PoolKind, Burst[]> = { fixed: [], pool: [] };
    for (let rep = 0; rep < opts.reps; rep++) for (const k of POOL_KINDS) bursts[k].push(await burstInChild(k, snap.dir, opts, work));
    return report(name, opts, bursts, empty, (performance.now() - started) / 1000, log);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function report(name: string, o: CloneOptions, bursts: Record<PoolKind, Burst[]>, empty: RssFields, seconds: number, log: (line: string) => void): BenchResult {
  const med = (k: PoolKind, f: (x: Burst) => number): number => spread(bursts[k].map(f)).median;
  const mib = (kb: number): string => `${fmt(kb / 1024, 2)} MiB`;
  const ms = (k: PoolKind, f: (x: Burst) => number): string => fmtSpread(spread(bursts[k].map(f)), 'ms', 0);
  const perClone = (k: PoolKind, from: (x: Burst) => ProcMemory, to: (x: Burst) => ProcMemory, field: keyof RssFields): number =>
    med(k, (x) => rssDelta(from(x), to(x), o.count)[field]);
  const guestPer = (k: PoolKind, field: 'guestRss' | 'guestAnon'): number => med(k, (x) => (x.clonesRunning[field] - x.workersWarm[field]) / o.count);
  const beyondGuest = (k: PoolKind): number =>
    med(k, (x) => (x.clonesRunning.VmRSS - x.beforeWorkers.VmRSS - (x.clonesRunning.guestRss - x.workersWarm.guestRss)) / o.count);

  const timing: [string, (k: PoolKind) => string][] = [
    ['workers warmed ahead (not in the burst)', (k) => ms(k, (x) => x.warmMs)],
    [`first Vm.restore → the last of ${o.count} resolved`, (k) => ms(k, (x) => x.restoresMs)],
    [`first Vm.restore → all ${o.count} first exits`, (k) => ms(k, (x) => x.allFirstExitMs)],
    ['  per clone', (k) => `${fmt(med(k, (x) => x.allFirstExitMs) / o.count, 1)} ms`],
  ];
  log(textTable(['median (min–max)', ...POOL_KINDS.map((k) => LABELS[k])], timing.map(([l, f]) => [l, ...POOL_KINDS.map(f)])));

  const fields: (keyof RssFields)[] = ['VmRSS', 'RssAnon', 'RssFile', 'RssShmem'];
  const memRows: string[][] = [];
  for (const f of fields) {
    memRows.push([`${f}: warm vCPU worker`, ...POOL_KINDS.map((k) => mib(perClone(k, (x) => x.beforeWorkers, (x) => x.workersWarm, f))), mib(empty[f])]);
    memRows.push([`${f}: restored VM`, ...POOL_KINDS.map((k) => mib(perClone(k, (x) => x.workersWarm, (x) => x.clonesRunning, f))), '']);
  }
  memRows.push(['guest RAM mapping Rss (pages the clone maps)', ...POOL_KINDS.map((k) => mib(guestPer(k, 'guestRss'))), '']);
  memRows.push(['  of which Anonymous (pages the guest wrote)', ...POOL_KINDS.map((k) => mib(guestPer(k, 'guestAnon'))), '']);
  memRows.push(['VmRSS per clone beyond its guest mapping', ...POOL_KINDS.map((k) => mib(beyondGuest(k))), '']);
  log(`RSS added per clone (ΔRSS ÷ ${o.count}, medians), next to one empty node Worker (${o.emptyWorkers} alive at once in a fresh process):`);
  log(textTable(['per clone', ...POOL_KINDS.map((k) => LABELS[k]), 'empty Worker'], memRows));
  log('  Guest pages read from the snapshot are page cache, held once by the host, but RssFile counts them once per');
  log("  clone that maps them. WorkerPool's 'restored VM' rows include the replacement workers its take() started.");

  const rows: BenchRow[] = [];
  for (const k of POOL_KINDS) {
    const total = med(k, (x) => x.allFirstExitMs);
    const beyond = beyondGuest(k);
    rows.push({
      metric: `${o.count} clones → all first exits, ${LABELS[k]} (< ${TOTAL_GOAL_MS} ms: ${total < TOTAL_GOAL_MS ? 'met' : 'NOT met'})`,
      bothy: `${fmt(total, 0)} ms`, baseline: '-', ratio: undefined,
    });
    rows.push({
      metric: `VmRSS per clone beyond guest pages, ${LABELS[k]} (≤ ${PER_CLONE_GOAL_MIB} MiB: ${beyond / 1024 <= PER_CLONE_GOAL_MIB ? 'met' : 'NOT met'})`,
      bothy: mib(beyond), baseline: mib(empty.VmRSS), ratio: beyond / empty.VmRSS,
    });
  }
  return { kind: 'done', name, baseline: 'one empty node Worker', seconds, rows };
}
