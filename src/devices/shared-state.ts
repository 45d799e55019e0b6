// Device registers live in a SharedArrayBuffer so every vCPU thread (and the main thread, for
// console input and snapshots) drives one device. Each block starts with a lock word, then the
// device's own struct; the bus takes the lock around every access.

import type { Fields, Struct, Values } from '../binary/struct.js';

const LOCK_BYTES = 8; // an Int32 lock word, padded so the struct starts 8-byte aligned

export class SharedState<F extends Fields> {
  readonly layout: Struct<F>;
  readonly buffer: SharedArrayBuffer | ArrayBuffer;
  readonly #lock: Int32Array;
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
    this.bytes = new Uint8Array(this.buffer, LOCK_BYTES, layout.size);
    this.view = new DataView(this.buffer, LOCK_BYTES, layout.size);
  }

  get<K extends keyof F & string>(k: K): Values<F>[K] {
    return this.layout.get(this.bytes, k) as Values<F>[K];
  }
  set<K extends keyof F & string>(k: K, v: Values<F>[K]): void {
    this.layout.set(this.bytes, k, v as never);
  }

  /** Runs `fn` holding the lock. Not reentrant. Works on a plain ArrayBuffer too (single thread). */
  locked<T>(fn: () => T): T {
    if (this.buffer instanceof SharedArrayBuffer) {
      while (Atomics.compareExchange(this.#lock, 0, 0, 1) !== 0) Atomics.wait(this.#lock, 0, 1, 1);
      try {
        return fn();
      } finally {
        Atomics.store(this.#lock, 0, 0);
        Atomics.notify(this.#lock, 0, 1);
      }
    }
    return fn();
  }

  snapshot(): Values<F> {
    return this.locked(() => this.layout.decode(this.bytes));
  }
  restore(v: Values<F>): void {
    this.locked(() => this.layout.encode(v, this.bytes));
  }
}
