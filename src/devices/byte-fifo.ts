// A byte ring buffer kept inside a device's SharedState bytes (head and count are u8 fields beside
// the buffer), so the queue lives in the snapshot and every thread's model object sees the same one.

/** Where the FIFO's fields sit in the state bytes (a struct's `offsets`). */
export interface ByteFifoFields {
  readonly head: number;
  readonly count: number;
  readonly data: number;
}

export class ByteFifo {
  readonly capacity: number;
  readonly #b: Uint8Array;
  readonly #head: number;
  readonly #count: number;
  readonly #data: Uint8Array;

  constructor(bytes: Uint8Array, at: ByteFifoFields, capacity: number) {
    this.capacity = capacity;
    this.#b = bytes;
    this.#head = at.head;
    this.#count = at.count;
    this.#data = bytes.subarray(at.data, at.data + capacity);
  }

  /** Bytes queued; clamped so a damaged snapshot can never index outside the buffer. */
  get count(): number {
    return Math.min(this.#b[this.#count]!, this.capacity);
  }

  /** Appends `v` unless the FIFO is full; returns whether it was taken. */
  push(v: number): boolean {
    const count = this.count;
    if (count === this.capacity) return false;
    this.#data[(this.#b[this.#head]! + count) % this.capacity] = v;
    this.#b[this.#count] = count + 1;
    return true;
  }

  /** Queues what fits of `input` and returns how many bytes it took. */
  pushFrom(input: Uint8Array): number {
    const n = Math.min(input.length, this.capacity - this.count);
    for (let i = 0; i < n; i++) this.push(input[i]!);
    return n;
  }

  /** Removes and returns the oldest byte; 0 when empty (what an empty data register reads). */
  pop(): number {
    const count = this.count;
    if (count === 0) return 0;
    const head = this.#b[this.#head]! % this.capacity;
    this.#b[this.#head] = (head + 1) % this.capacity;
    this.#b[this.#count] = count - 1;
    return this.#data[head]!;
  }

  clear(): void {
    this.#b[this.#head] = 0;
    this.#b[this.#count] = 0;
  }
}
