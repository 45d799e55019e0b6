// Address-range dispatch for port I/O and MMIO exits. Ranges never overlap; lookups are a binary
// search over sorted bases because this runs on every exit of the vCPU loop.

import type { BusDevice } from './device.js';
import { hex } from '../memory/address.js';

export interface BusRange {
  readonly name: string;
  readonly base: number;
  readonly length: number;
  readonly device: BusDevice;
  /** Serializes accesses from several vCPU threads (a SharedState), if the device needs it. */
  readonly lock?: BusLock;
}

export interface BusLock {
  acquire(): void;
  release(): void;
}

export class BusError extends Error {
  override readonly name = 'BusError';
}

export class Bus {
  readonly kind: 'pio' | 'mmio';
  #ranges: BusRange[] = [];

  constructor(kind: 'pio' | 'mmio') {
    this.kind = kind;
  }

  insert(range: BusRange): void {
    if (range.length <= 0) throw new BusError(`${range.name}: empty ${this.kind} range`);
    const end = range.base + range.length;
    for (const r of this.#ranges) {
      if (range.base < r.base + r.length && r.base < end) {
        throw new BusError(
          `Cannot place '${range.name}' at ${hex(range.base)}–${hex(end - 1)}: overlaps '${r.name}' (${hex(r.base)}–${hex(r.base + r.length - 1)})`,
        );
      }
    }
    this.#ranges.push(range);
    this.#ranges.sort((a, b) => a.base - b.base);
  }

  get ranges(): readonly BusRange[] {
    return this.#ranges;
  }

  find(addr: number): BusRange | undefined {
    const rs = this.#ranges;
    let lo = 0;
    let hi = rs.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const r = rs[mid]!;
      if (addr < r.base) hi = mid - 1;
      else if (addr >= r.base + r.length) lo = mid + 1;
      else return r;
    }
    return undefined;
  }

  /** Returns false when nothing is mapped at `addr`. No closure per access: this runs on every exit. */
  read(addr: number, data: Uint8Array): boolean {
    const r = this.find(addr);
    if (r === undefined) return false;
    const lock = r.lock;
    lock?.acquire();
    try {
      r.device.read(addr - r.base, data);
    } finally {
      lock?.release();
    }
    return true;
  }

  write(addr: number, data: Uint8Array): boolean {
    const r = this.find(addr);
    if (r === undefined) return false;
    const lock = r.lock;
    lock?.acquire();
    try {
      r.device.write(addr - r.base, data);
    } finally {
      lock?.release();
    }
    return true;
  }
}
