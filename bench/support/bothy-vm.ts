// bothy's VM API in the bench process, for the in-process restore and clone benches: its modules loaded on
// demand (so the other benches' runner stays light and a broken src/ fails only these benches), snapshots
// of an idle micro-guest (boot, wait for its idle line, snapshot, stop), and a VM's first exit from KVM_RUN.

import { closeSync, openSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { BenchError, tail } from './bench-error.js';

export interface BothyModules {
  readonly Vm: typeof import('../../src/vm/vm.js').Vm;
  readonly WorkerPool: typeof import('../../src/vm/worker-pool.js').WorkerPool;
  readonly VmShellPool: typeof import('../../src/vm/vm-shell-pool.js').VmShellPool;
  readonly readSnapshot: typeof import('../../src/snapshot/snapshot-files.js').readSnapshot;
  readonly VCPU_WORKER_URL: URL;
  readonly randomUuidV4: typeof import('../../src/devices/vmgenid/uuid.js').randomUuidV4;
  readonly describeExit: typeof import('../../src/vm/exit-reason.js').describeExit;
  readonly MEMORY_FILE: string;
}

export type BothyVm = import('../../src/vm/vm.js').Vm;
export type BothyWorkerPool = import('../../src/vm/worker-pool.js').WorkerPool;

/**
 * The guest both restore benches snapshot: idle once it prints `ready` (a whole line, or the snapshot may
 * catch it mid-line and a restore print the rest first); after a restore it takes the generation-ID interrupt
 * and prints `restored` at once, so its first exit and first console byte come right after it runs.
 */
export const VMGENID_GUEST = { name: 'vmgenid', cmdline: '', ready: /^vmgenid tick 1 [^\n]*\n/m, restored: 'vmgenid: interrupt 1 new id ' } as const;

export async function loadBothy(): Promise<BothyModules> {
  const [{ Vm }, { WorkerPool, VCPU_WORKER_URL }, { randomUuidV4 }, { describeExit }, { MEMORY_FILE, readSnapshot }, { VmShellPool }] = await Promise.all([
    import('../../src/vm/vm.js'), import('../../src/vm/worker-pool.js'), import('../../src/devices/vmgenid/uuid.js'),
    import('../../src/vm/exit-reason.js'), import('../../src/snapshot/snapshot-files.js'), import('../../src/vm/vm-shell-pool.js'),
  ]);
  return { Vm, WorkerPool, VmShellPool, readSnapshot, VCPU_WORKER_URL, randomUuidV4, describeExit, MEMORY_FILE };
}

export interface IdleSnapshotOptions {
  readonly elf: string;
  readonly cmdline: string;
  readonly memMiB: number;
  /** Matches console output that says the guest is idle (its timer ticking, HLT in between); match up to
   * the end of a line, or the snapshot may catch the guest mid-line and its restore print the rest first. */
  readonly ready: RegExp;
  /** Written here; the source VM's console goes to `${dir}.console`. */
  readonly dir: string;
  readonly timeoutMs: number;
}

export interface IdleSnapshot {
  readonly dir: string;
  /** Vm.start → the ready output in the console file. */
  readonly bootMs: number;
  /** vm.snapshot(): pause, write state and memory (zero pages skipped), fsync, resume. */
  readonly snapshotMs: number;
}

/** Boots a 1-vCPU VM of the size given, waits for its ready output, snapshots it to `dir` and stops it. */
export async function snapshotIdleGuest(b: BothyModules, o: IdleSnapshotOptions): Promise<IdleSnapshot> {
  const consolePath = `${o.dir}.console`;
  const fd = openSync(consolePath, 'w');
  const consoleText = (): string => readFileSync(consolePath, 'latin1');
  const t0 = performance.now();
  const vm = b.Vm.start({
    memSize: o.memMiB * 2 ** 20, vcpus: 1, kernel: readFileSync(o.elf), kernelName: o.elf, cmdline: o.cmdline,
    boot: 'auto', consoleFd: fd, consolePrefix: '', vmgenid: b.randomUuidV4(),
  });
  let ended: string | undefined;
  void vm.exited.then((r) => (ended = b.describeExit(r)));
  try {
    while (!o.ready.test(consoleText())) {
      if (ended !== undefined) throw new BenchError('unexpected-output', `the ${o.memMiB} MiB source VM ended (${ended}) before printing a match for ${o.ready}:\n${tail(consoleText())}`);
      if (performance.now() - t0 > o.timeoutMs) throw new BenchError('unexpected-output', `the ${o.memMiB} MiB source VM printed nothing matching ${o.ready} within ${o.timeoutMs} ms:\n${tail(consoleText())}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    const bootMs = performance.now() - t0;
    const t1 = performance.now();
    await vm.snapshot(o.dir);
    return { dir: o.dir, bootMs, snapshotMs: performance.now() - t1 };
  } finally {
    await vm.stop();
    closeSync(fd);
  }
}

/** The bytes a snapshot's memory file takes on disk (zero pages are left as holes): st_blocks × 512 (stat(2)). */
export function snapshotDiskBytes(b: BothyModules, dir: string): number {
  return statSync(join(dir, b.MEMORY_FILE)).blocks * 512;
}

/**
 * Resolves with process.hrtime.bigint() of the VM's first exit from KVM_RUN (recorded by its vCPU worker,
 * so this wait's own granularity does not enter the figure); fails if the VM ends first or `timeoutMs` passes.
 */
export async function waitFirstExit(b: BothyModules, vm: BothyVm, timeoutMs: number): Promise<bigint> {
  const deadline = performance.now() + timeoutMs;
  let ended: string | undefined;
  void vm.exited.then((r) => (ended = b.describeExit(r)));
  for (;;) {
    const t = vm.firstExitNs;
    if (t !== undefined) return t;
    if (ended !== undefined) throw new BenchError('run-failed', `a restored VM ended before its first exit from KVM_RUN: ${ended}`);
    if (performance.now() > deadline) throw new BenchError('did-not-exit', `a restored VM made no exit from KVM_RUN within ${timeoutMs} ms`);
    // Timers, not setImmediate: a busy main thread would take a CPU from the vCPU being timed.
    await new Promise((r) => setTimeout(r, 1));
  }
}

/** Starts `n` vCPU workers and resolves once each has loaded (its first message), as WorkerPool warms them. */
export async function startVcpuWorkers(b: BothyModules, n: number): Promise<Worker[]> {
  return Promise.all(Array.from({ length: n }, () => new Promise<Worker>((resolve, reject) => {
    const w = new Worker(b.VCPU_WORKER_URL);
    w.once('message', () => {
      w.unref();
      resolve(w);
    });
    w.once('error', reject);
  })));
}

/**
 * A WorkerPool that hands out the workers it was given and never refills: WorkerPool.take() starts a
 * replacement at once, so in a burst of N restores N new workers would start alongside them. Timing a clone
 * burst with this one shows the restores alone; the real pool's figures show the refill's share.
 */
export function fixedPool(b: BothyModules, workers: Worker[]): BothyWorkerPool {
  class FixedPool extends b.WorkerPool {
    override take(): Worker {
      return workers.shift() ?? new Worker(b.VCPU_WORKER_URL);
    }

    override async close(): Promise<void> {
      await super.close();
      await Promise.all(workers.splice(0).map((w) => w.terminate()));
    }
  }
  return new FixedPool(0);
}
