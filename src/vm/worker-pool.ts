// Pre-started vCPU worker threads. Starting a Node worker (and loading koffi in it) costs tens of
// milliseconds; a VM that takes a warm worker from here starts in the time of its KVM setup alone.

import { Worker } from 'node:worker_threads';

export const VCPU_WORKER_URL = new URL('./vcpu-worker.js', import.meta.url);

/** Replies a fresh worker sends once it has loaded and is waiting for its VcpuWorkerInit. */
export const WORKER_READY = 'ready';

export class WorkerPool {
  readonly #size: number;
  #warm: Worker[] = [];
  #starting = 0;
  #closed = false;

  constructor(size: number) {
    this.#size = size;
    this.#fill();
  }

  /** Resolves once `n` workers are warm (for benchmarks and daemons that want a ready pool). */
  async ready(n = this.#size): Promise<void> {
    while (this.#warm.length < Math.min(n, this.#size)) await new Promise((r) => setTimeout(r, 5));
  }

  /** A warm worker if there is one, else a new one (which queues its init until it has loaded). */
  take(): Worker {
    const w = this.#warm.shift() ?? new Worker(VCPU_WORKER_URL);
    this.#fill();
    return w;
  }

  #fill(): void {
    while (!this.#closed && this.#warm.length + this.#starting < this.#size) {
      this.#starting++;
      const w = new Worker(VCPU_WORKER_URL);
      w.once('message', () => {
        this.#starting--;
        if (this.#closed) void w.terminate();
        else this.#warm.push(w);
      });
      w.unref();
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(this.#warm.splice(0).map((w) => w.terminate()));
  }
}
