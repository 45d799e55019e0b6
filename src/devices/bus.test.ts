import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Bus } from './bus.js';
import type { BusDevice } from './device.js';

function probe(tag: number): BusDevice & { seen: number[] } {
  const seen: number[] = [];
  return {
    seen,
    read: (o, d) => d.fill(tag + o),
    write: (o) => void seen.push(o),
  };
}

test('bus dispatches to the range holding the address, with offsets relative to its base', () => {
  const bus = new Bus('pio');
  const a = probe(0x10);
  const b = probe(0x20);
  bus.insert({ name: 'b', base: 0x3f8, length: 8, device: b });
  bus.insert({ name: 'a', base: 0x60, length: 1, device: a });
  const d = new Uint8Array(1);
  assert.equal(bus.read(0x3fa, d), true);
  assert.equal(d[0], 0x22);
  assert.equal(bus.write(0x60, d), true);
  assert.deepEqual(a.seen, [0]);
  assert.equal(bus.read(0x3f7, d), false);
  assert.equal(bus.read(0x400, d), false);
});

test('bus refuses overlapping ranges and names both', () => {
  const bus = new Bus('mmio');
  bus.insert({ name: 'ram-hole', base: 0x1000, length: 0x1000, device: probe(0) });
  assert.throws(
    () => bus.insert({ name: 'uart', base: 0x1ff0, length: 0x20, device: probe(0) }),
    /'uart' at 0x1ff0–0x200f: overlaps 'ram-hole' \(0x1000–0x1fff\)/,
  );
});
