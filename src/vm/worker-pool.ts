// Pre-started vCPU worker threads. Starting a Node worker (and loading koffi in it) costs tens of
// milliseconds; a VM that takes a warm worker from here starts in the time of its KVM setup alone.

import { Worker } from 'node:worker_threads';

export const VCPU_WORKER_URL = new URL('./vcpu-worker.js', import.meta.url);

/** Replies a fresh worker sends once it has loaded and is waiting for its VcpuWorkerInit. */
export const WORKER_READY = 'ready';
const REFILL_DELAY_MS = 50;

interface Spare {
  readonly worker: Worker;
  /** Resolves once the worker has loaded (said it is ready) or died. */
  readonly loaded: Promise<void>;
  isLoaded: boolean;
}

export class WorkerPool {
  readonly #size: number;
  readonly #refills: boolean;
  /** Untaken workers, loading or loaded, oldest first. */
  #spares: Spare[] = [];
  #closed = false;
  #refill: NodeJS.Timeout | undefined;

  /** `refill: false` hands out the first `size` workers and starts no more. */
  constructor(size: number, opts: { refill?: boolean } = {}) {
    this.#size = size;
    this.#refills = opts.refill ?? true;
    this.#fill();
  }

  /** Resolves once `n` spares have loaded (for benchmarks and daemons that want a ready pool). */
  async ready(n = this.#size): Promise<void> {
    while (this.#spares.filter((s) => s.isLoaded).length < Math.min(n, this.#size)) await new Promise((r) => setTimeout(r, 5));
  }

  /**
   * A loaded spare if there is one, else one still loading (its init waits in its queue), else a new
   * worker. The pool refills once takes pause for REFILL_DELAY_MS: starting replacements during a burst of
   * restores would compete with the restores for the CPUs (measured: 32 clones took 3.2 s instead of 0.8 s).
   */
  take(): Worker {
    const i = this.#spares.findIndex((s) => s.isLoaded);
    const spare = i >= 0 ? this.#spares.splice(i, 1)[0] : this.#spares.shift();
    const w = spare?.worker ?? new Worker(VCPU_WORKER_URL);
    if (this.#refills) {
      if (this.#refill) clearTimeout(this.#refill);
      this.#refill = setTimeout(() => {
        this.#refill = undefined;
        this.#fill();
      }, REFILL_DELAY_MS);
      this.#refill.unref();
    }
    return w;
  }

  #fill(): void {
    while (!this.#closed && this.#spares.length < this.#size) {
      const worker = new Worker(VCPU_WORKER_URL);
      worker.unref();
      const spare: Spare = {
        worker,
        isLoaded: false,
        loaded: new Promise<void>((resolve) => {
          worker.once('message', () => resolve());
          worker.once('exit', () => resolve());
        }).then(() => {
          spare.isLoaded = true;
        }),
      };
      this.#spares.push(spare);
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
    const spares = this.#spares.splice(0);
    await Promise.all(spares.map((s) => s.loaded));
    await Promise.all(spares.map((s) => s.worker.terminate()));
  }
}
