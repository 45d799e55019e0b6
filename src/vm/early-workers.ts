// vCPU workers started at process start, before the rest of bothy has loaded; the first VM takes them.
// Kept free of heavy imports on purpose: it is loaded first.

import { WorkerPool } from './worker-pool.js';
import { ffiInitLock } from '../kvm/ffi-init-lock.js';

let pool: WorkerPool | undefined;

export const earlyWorkers = {
  prestart(n: number): void {
    // The workers declare their koffi functions under this lock; it must exist before they start.
    ffiInitLock();
    pool ??= new WorkerPool(n, { refill: false });
  },
  /** The pool to hand a VM, if workers were started early. */
  get pool(): WorkerPool | undefined {
    return pool;
  },
  async close(): Promise<void> {
    await pool?.close();
  },
};
