// An interrupt line whose last driven level is kept in a u8 of the device's SharedState, so the
// line only sees changes (an edge-triggered ISA pin must not see a level re-driven by another
// vCPU's model object) and a restored device can re-drive the level the snapshot implies.

import type { IrqLine } from './irq.js';

export class LatchedIrq implements IrqLine {
  readonly #b: Uint8Array;
  readonly #at: number;
  readonly #line: IrqLine | undefined;

  /** `line` may be absent (a device left unwired); the level is still kept. */
  constructor(bytes: Uint8Array, at: number, line: IrqLine | undefined) {
    this.#b = bytes;
    this.#at = at;
    this.#line = line;
  }

  /** The level last driven. */
  get high(): boolean {
    return this.#b[this.#at] !== 0;
  }

  /** Drives the line only when `high` differs from the level last driven. */
  setLevel(high: boolean): void {
    if (high === this.high) return;
    this.redrive(high);
  }

  /** Records and drives `high` unconditionally: after a restore the new line has no memory of the old one. */
  redrive(high: boolean): void {
    this.#b[this.#at] = high ? 1 : 0;
    this.#line?.setLevel(high);
  }
}
