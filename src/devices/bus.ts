// Address-range dispatch for port I/O and MMIO exits. Ranges never overlap; lookups are a binary
// search over sorted bases because this runs on every exit of the vCPU loop.

import type { BusDevice } from './device.js';
import { hex } from '../memory/address.js';

export interface BusRange {
  readonly name: string;
  readonly base: number;
  readonly length: number;
  readonly device: BusDevice;
  /** Serializes accesses from several vCPU threads (SharedState.locked), if the device needs it. */
  readonly lock?: <T>(fn: () => T) => T;
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

  /** Returns false when nothing is mapped at `addr`. */
  read(addr: number, data: Uint8Array): boolean {
    const r = this.find(addr);
    if (r === undefined) return false;
    if (r.lock) r.lock(() => r.device.read(addr - r.base, data));
    else r.device.read(addr - r.base, data);
    return true;
  }

  write(addr: number, data: Uint8Array): boolean {
    const r = this.find(addr);
    if (r === undefined) return false;
    if (r.lock) r.lock(() => r.device.write(addr - r.base, data));
    else r.device.write(addr - r.base, data);
    return true;
  }
}
