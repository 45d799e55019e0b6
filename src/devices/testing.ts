// Test doubles for device models: an IRQ line that records its level history, and byte/event sinks.

import type { IrqLine } from './irq.js';
import type { DeviceWiring, SystemEvent } from './device.js';

export class RecordingIrqLine implements IrqLine {
  level = false;
  readonly history: boolean[] = [];
  setLevel(high: boolean): void {
    this.level = high;
    this.history.push(high);
  }
  /** Number of low→high transitions seen. */
  get rises(): number {
    let n = 0;
    let prev = false;
    for (const h of this.history) {
      if (h && !prev) n++;
      prev = h;
    }
    return n;
  }
}

export function recordingWiring(): DeviceWiring & {
  irq: RecordingIrqLine;
  out: number[];
  events: SystemEvent[];
} {
  const irq = new RecordingIrqLine();
  const out: number[] = [];
  const events: SystemEvent[] = [];
  return {
    irq,
    out,
    events,
    output: (b) => out.push(...b),
    system: (e) => events.push(e),
  };
}

/** Little-endian access helpers for driving a BusDevice in tests. */
export function rd(dev: { read(o: number, d: Uint8Array): void }, offset: number, size = 1): number {
  const d = new Uint8Array(size);
  dev.read(offset, d);
  let v = 0;
  for (let i = size - 1; i >= 0; i--) v = v * 256 + d[i]!;
  return v;
}

export function wr(dev: { write(o: number, d: Uint8Array): void }, offset: number, value: number, size = 1): void {
  const d = new Uint8Array(size);
  for (let i = 0; i < size; i++) d[i] = Math.floor(value / 256 ** i) & 0xff;
  dev.write(offset, d);
}
