// Named access to a device's u8 state fields, read and written in place in its SharedState bytes
// (no decode), since every register access of a byte-wide ISA device touches one of them.

export class ByteRegisters<K extends string> {
  readonly #b: Uint8Array;
  readonly #o: Readonly<Record<K, number>>;

  /** `offsets` is the state struct's `offsets`; K names only its u8 fields. */
  constructor(bytes: Uint8Array, offsets: Readonly<Record<K, number>>) {
    this.#b = bytes;
    this.#o = offsets;
  }

  get(k: K): number {
    return this.#b[this.#o[k]]!;
  }

  set(k: K, v: number): void {
    this.#b[this.#o[k]] = v;
  }
}
