// Pre-started vCPU worker threads. Starting a Node worker (and loading koffi in it) costs tens of
// milliseconds; a VM that takes a warm worker from here starts in the time of its KVM setup alone.

import { Worker } from 'node:worker_threads';

export const VCPU_WORKER_URL = new URL('./vcpu-worker.js', import.meta.url);

/** Replies a fresh worker sends once it has loaded and is waiting for its VcpuWorkerInit. */
export const WORKER_READY = 'ready';
const REFILL_DELAY_MS = 50;

export class WorkerPool {
  readonly #size: number;
  #warm: Worker[] = [];
  /** Workers still loading; each resolves when it has said it is ready. */
  #starting = new Set<Promise<Worker>>();
  #closed = false;
  #refill: NodeJS.Timeout | undefined;

  constructor(size: number) {
    this.#size = size;
    this.#fill();
  }

  /** Resolves once `n` workers are warm (for benchmarks and daemons that want a ready pool). */
  async ready(n = this.#size): Promise<void> {
    while (this.#warm.length < Math.min(n, this.#size)) await new Promise((r) => setTimeout(r, 5));
  }

  /**
   * A warm worker if there is one, else a new one (which queues its init until it has loaded). The pool
   * refills once takes pause for REFILL_DELAY_MS: starting replacements during a burst of restores would
   * compete with the restores for the CPUs (measured: 32 clones took 3.2 s instead of 0.8 s).
   */
  take(): Worker {
    const w = this.#warm.shift() ?? new Worker(VCPU_WORKER_URL);
    if (this.#refill) clearTimeout(this.#refill);
    this.#refill = setTimeout(() => {
      this.#refill = undefined;
      this.#fill();
    }, REFILL_DELAY_MS);
    this.#refill.unref();
    return w;
  }

  #fill(): void {
    while (!this.#closed && this.#warm.length + this.#starting.size < this.#size) {
      const w = new Worker(VCPU_WORKER_URL);
      w.unref();
      const loaded = new Promise<Worker>((resolve) => {
        w.once('message', () => resolve(w));
        w.once('exit', () => resolve(w));
      });
      this.#starting.add(loaded);
      void loaded.then(() => {
        this.#starting.delete(loaded);
        if (!this.#closed) this.#warm.push(w);
      });
    }
  }

  /**
   * Terminates the spare workers. Ones still loading are waited for first: koffi aborts the whole process
   * if its native module is torn down mid-initialization (seen as SIGABRT when a process exited right
   * after a burst of restores, while the pool was refilling).
   */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#refill) clearTimeout(this.#refill);
    const loading = await Promise.all([...this.#starting]);
    await Promise.all([...this.#warm.splice(0), ...loading].map((w) => w.terminate()));
  }
}
