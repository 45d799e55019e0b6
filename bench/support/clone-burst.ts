// One burst of clones, run by bench/support/clone-probe.ts in a fresh process so its RSS figures start from a
// clean heap: vCPU workers warmed ahead, then N Vm.restore of one snapshot, timed to every clone's first exit
// from KVM_RUN, with /proc/self memory read before the workers, once they are warm, and once all clones run.

import { openSync, closeSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertNever } from '../../src/binary/assert-never.js';
import { BenchError } from './bench-error.js';
import { waitFirstExit, startVcpuWorkers, fixedPool, type BothyModules, type BothyVm, type BothyWorkerPool } from './bothy-vm.js';
import { procMemory, type ProcMemory } from './proc-memory.js';

/**
 * 'fixed': workers started ahead and handed out with no refill (the restores alone).
 * 'pool': WorkerPool(count) warmed ahead, as the API stands: each take() starts a replacement during the burst.
 */
export type PoolKind = 'fixed' | 'pool';

/** The line bench/support/clone-probe.ts prints its Burst on. */
export const CLONE_PROBE_TAG = 'CLONE-PROBE ';
export const POOL_KINDS: readonly PoolKind[] = ['fixed', 'pool'];

export function isPoolKind(s: string | undefined): s is PoolKind {
  return s === 'fixed' || s === 'pool';
}

export interface Burst {
  /** Starting the workers → all warm (not part of the burst). */
  readonly warmMs: number;
  /** First Vm.restore called → the last one resolved. */
  readonly restoresMs: number;
  /** First Vm.restore called → the last clone's first exit from KVM_RUN. */
  readonly allFirstExitMs: number;
  readonly beforeWorkers: ProcMemory;
  readonly workersWarm: ProcMemory;
  /** Once every clone has printed its restored line. */
  readonly clonesRunning: ProcMemory;
}

export interface BurstOptions {
  readonly kind: PoolKind;
  readonly snapshot: string;
  readonly count: number;
  readonly memMiB: number;
  /** Where each clone's console file goes. */
  readonly work: string;
  /** What a clone prints once it runs after its restore. */
  readonly restoredLine: string;
  readonly timeoutMs: number;
}

async function warmPool(b: BothyModules, kind: PoolKind, count: number): Promise<BothyWorkerPool> {
  switch (kind) {
    case 'fixed': return fixedPool(b, await startVcpuWorkers(b, count));
    case 'pool': {
      const pool = new b.WorkerPool(count);
      await pool.ready();
      return pool;
    }
    default: return assertNever(kind, 'pool kind');
  }
}

export async function runBurst(b: BothyModules, o: BurstOptions): Promise<Burst> {
  const guestKb = o.memMiB * 1024;
  const beforeWorkers = procMemory(process.pid, guestKb);
  const w0 = performance.now();
  const pool = await warmPool(b, o.kind, o.count);
  const warmMs = performance.now() - w0;
  const workersWarm = procMemory(process.pid, guestKb);
  // One console file per clone: clones writing to one fd interleave their bytes mid-line.
  const consoles = Array.from({ length: o.count }, (_, i) => join(o.work, `${o.kind}-${i}.console`));
  const fds = consoles.map((p) => openSync(p, 'w'));
  const vms: BothyVm[] = [];
  let reasons: Awaited<BothyVm['exited']>[] = [];
  let burst: Burst;
  try {
    const t0 = process.hrtime.bigint();
    for (const fd of fds) vms.push(await b.Vm.restore(o.snapshot, { consoleFd: fd, consolePrefix: '', pool }));
    const restored = process.hrtime.bigint();
    const firsts = await Promise.all(vms.map((vm) => waitFirstExit(b, vm, o.timeoutMs)));
    const last = firsts.reduce((a, t) => (t > a ? t : a));
    const printed = (): number => consoles.filter((p) => readFileSync(p, 'latin1').includes(o.restoredLine)).length;
    const deadline = performance.now() + o.timeoutMs;
    while (printed() < o.count) {
      if (performance.now() > deadline) throw new BenchError('unexpected-output', `${printed()} of ${o.count} clones printed '${o.restoredLine.trim()}' within ${o.timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
    const clonesRunning = procMemory(process.pid, guestKb);
    const mapped = clonesRunning.guestMappings - workersWarm.guestMappings;
    if (mapped !== o.count) throw new BenchError('unexpected-output', `found ${mapped} new mappings of ${o.memMiB} MiB for ${o.count} clones: the guest-page figures would be wrong`);
    burst = { warmMs, restoresMs: Number(restored - t0) / 1e6, allFirstExitMs: Number(last - t0) / 1e6, beforeWorkers, workersWarm, clonesRunning };
  } finally {
    reasons = await Promise.all(vms.map((vm) => vm.stop()));
    await pool.close();
    for (const fd of fds) closeSync(fd);
  }
  const ended = reasons.find((r) => r.kind !== 'stopped');
  if (ended) throw new BenchError('run-failed', `a clone ended by itself: ${b.describeExit(ended)}`);
  return burst;
}
