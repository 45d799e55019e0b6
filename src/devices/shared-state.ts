// Device registers live in a SharedArrayBuffer so every vCPU thread (and the main thread, for
// console input and snapshots) drives one device. Each block starts with a lock word, then the
// device's own struct; the bus takes the lock around every access.

import type { Fields, Struct, Values } from '../binary/struct.js';

const LOCK_BYTES = 8; // an Int32 lock word, padded so the struct starts 8-byte aligned

export class SharedState<F extends Fields> {
  readonly layout: Struct<F>;
  readonly buffer: SharedArrayBuffer | ArrayBuffer;
  readonly #lock: Int32Array;
  readonly #shared: boolean;
  /** The device's struct bytes. */
  readonly bytes: Uint8Array;
  readonly view: DataView;

  constructor(layout: Struct<F>, buffer?: SharedArrayBuffer | ArrayBuffer) {
    this.layout = layout;
    this.buffer = buffer ?? new SharedArrayBuffer(LOCK_BYTES + layout.size);
    if (this.buffer.byteLength !== LOCK_BYTES + layout.size) {
      throw new RangeError(`${layout.name}: state buffer is ${this.buffer.byteLength} bytes, want ${LOCK_BYTES + layout.size}`);
    }
    this.#lock = new Int32Array(this.buffer, 0, 1);
    this.#shared = this.buffer instanceof SharedArrayBuffer;
    this.bytes = new Uint8Array(this.buffer, LOCK_BYTES, layout.size);
    this.view = new DataView(this.buffer, LOCK_BYTES, layout.size);
  }

  get<K extends keyof F & string>(k: K): Values<F>[K] {
    return this.layout.get(this.bytes, k) as Values<F>[K];
  }
  set<K extends keyof F & string>(k: K, v: Values<F>[K]): void {
    this.layout.set(this.bytes, k, v as never);
  }

  /**
   * Takes the lock: a futex-style mutex (0 free, 1 held, 2 held with waiters) so the uncontended path —
   * every port exit — costs two atomics and no notify. Not reentrant. A no-op on a plain ArrayBuffer.
   */
  acquire(): void {
    if (!this.#shared) return;
    const l = this.#lock;
    let c = Atomics.compareExchange(l, 0, 0, 1);
    if (c === 0) return;
    if (c !== 2) c = Atomics.exchange(l, 0, 2);
    while (c !== 0) {
      // Bounded: a lost wake-up costs a retry, never a vCPU stuck for good.
      Atomics.wait(l, 0, 2, 50);
      c = Atomics.exchange(l, 0, 2);
    }
  }

  release(): void {
    if (!this.#shared) return;
    const l = this.#lock;
    if (Atomics.sub(l, 0, 1) !== 1) {
      Atomics.store(l, 0, 0);
      Atomics.notify(l, 0, 1);
    }
  }

  /** Runs `fn` holding the lock. */
  locked<T>(fn: () => T): T {
    this.acquire();
    try {
      return fn();
    } finally {
      this.release();
    }
  }

  /** The struct's bytes, copied under the lock: what a snapshot stores. */
  savedBytes(): Uint8Array {
    return this.locked(() => this.bytes.slice());
  }

  /**
   * A new shared block holding bytes a snapshot saved. Refuses another state version or size, naming
   * `what`, so a snapshot from another bothy is never half-loaded.
   */
  static fromSaved<F extends Fields>(layout: Struct<F>, currentVersion: number, saved: { readonly version: number; readonly state: Uint8Array }, what: string): SharedState<F> {
    if (saved.version !== currentVersion || saved.state.length !== layout.size) {
      throw new RangeError(`${what} state is version ${saved.version}, ${saved.state.length} bytes; this bothy has version ${currentVersion}, ${layout.size} bytes`);
    }
    const s = new SharedState(layout);
    s.bytes.set(saved.state);
    return s;
  }

  snapshot(): Values<F> {
    return this.locked(() => this.layout.decode(this.bytes));
  }
  restore(v: Values<F>): void {
    this.locked(() => this.layout.encode(v, this.bytes));
  }
}
