// First-fit allocators for MMIO windows and GSIs: devices never choose their own address or line;
// the VM builder asks here and wires what it gets.

import { MemoryError } from './memory-error.js';
import { type Gpa, type Gsi, gpa, gsi, hex } from './address.js';

export class AddressAllocator {
  readonly #start: number;
  readonly #end: number;
  #used: { base: number; size: number; owner: string }[] = [];

  constructor(start: Gpa, end: Gpa) {
    this.#start = start;
    this.#end = end;
  }

  allocate(size: number, align: number, owner: string): Gpa {
    if (size <= 0 || align <= 0 || (align & (align - 1)) !== 0) {
      throw new MemoryError('bad-size', `${owner}: cannot allocate ${size} bytes aligned to ${align}`);
    }
    let cursor = this.#start;
    for (const u of [...this.#used].sort((a, b) => a.base - b.base)) {
      const base = Math.ceil(cursor / align) * align;
      if (base + size <= u.base) return this.#take(base, size, owner);
      cursor = Math.max(cursor, u.base + u.size);
    }
    const base = Math.ceil(cursor / align) * align;
    if (base + size <= this.#end) return this.#take(base, size, owner);
    throw new MemoryError('exhausted', `${owner}: no ${hex(size)}-byte window left in ${hex(this.#start)}–${hex(this.#end)}`);
  }

  #take(base: number, size: number, owner: string): Gpa {
    this.#used.push({ base, size, owner });
    return gpa(base);
  }

  get allocations(): readonly { base: number; size: number; owner: string }[] {
    return this.#used;
  }
}

export class GsiAllocator {
  #next: number;
  readonly #end: number;

  constructor(start: Gsi, end: Gsi) {
    this.#next = start;
    this.#end = end;
  }

  allocate(owner: string): Gsi {
    if (this.#next > this.#end) throw new MemoryError('exhausted', `${owner}: no free GSI (all of ${this.#end} used)`);
    return gsi(this.#next++);
  }
}
