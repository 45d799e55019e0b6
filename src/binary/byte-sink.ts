// A growable little/big-endian byte writer for building tables (ACPI, FDT, snapshots) with
// back-patching of lengths and checksums once the content is known.

export class ByteSink {
  #buf = new Uint8Array(256);
  #view = new DataView(this.#buf.buffer);
  #len = 0;

  get length(): number {
    return this.#len;
  }

  #reserve(n: number): number {
    const at = this.#len;
    const need = at + n;
    if (need > this.#buf.length) {
      let cap = this.#buf.length * 2;
      while (cap < need) cap *= 2;
      const next = new Uint8Array(cap);
      next.set(this.#buf.subarray(0, this.#len));
      this.#buf = next;
      this.#view = new DataView(next.buffer);
    }
    this.#len = need;
    return at;
  }

  u8(v: number): this {
    const at = this.#reserve(1);
    this.#view.setUint8(at, v);
    return this;
  }
  u16le(v: number): this {
    const at = this.#reserve(2);
    this.#view.setUint16(at, v, true);
    return this;
  }
  u32le(v: number): this {
    const at = this.#reserve(4);
    this.#view.setUint32(at, v >>> 0, true);
    return this;
  }
  u64le(v: bigint): this {
    const at = this.#reserve(8);
    this.#view.setBigUint64(at, BigInt.asUintN(64, v), true);
    return this;
  }
  u16be(v: number): this {
    const at = this.#reserve(2);
    this.#view.setUint16(at, v, false);
    return this;
  }
  u32be(v: number): this {
    const at = this.#reserve(4);
    this.#view.setUint32(at, v >>> 0, false);
    return this;
  }
  u64be(v: bigint): this {
    const at = this.#reserve(8);
    this.#view.setBigUint64(at, BigInt.asUintN(64, v), false);
    return this;
  }
  bytes(b: Uint8Array): this {
    const at = this.#reserve(b.length);
    this.#buf.set(b, at);
    return this;
  }
  /** ASCII text, no terminator. */
  ascii(s: string): this {
    const at = this.#reserve(s.length);
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c > 0x7f) throw new RangeError(`non-ASCII character in ${JSON.stringify(s)}`);
      this.#buf[at + i] = c;
    }
    return this;
  }
  zeros(n: number): this {
    this.#reserve(n); // fresh capacity is already zero
    return this;
  }
  /** Pads with zeros until the length is a multiple of `n`. */
  align(n: number): this {
    const rem = this.#len % n;
    return rem === 0 ? this : this.zeros(n - rem);
  }

  patchU8(at: number, v: number): void {
    this.#view.setUint8(at, v);
  }
  patchU32le(at: number, v: number): void {
    this.#view.setUint32(at, v >>> 0, true);
  }
  patchU32be(at: number, v: number): void {
    this.#view.setUint32(at, v >>> 0, false);
  }

  /** A copy of what was written. */
  toBytes(): Uint8Array {
    return this.#buf.slice(0, this.#len);
  }
}
