import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GuestMemory } from './guest-memory.js';
import { AddressAllocator, GsiAllocator } from './allocator.js';
import { gpa, gsi, MiB } from './address.js';

test('guest memory maps regions from one memfd and a second mapping sees the same bytes', () => {
  const mem = GuestMemory.create([
    { name: 'low', gpa: gpa(0), size: 1 * MiB },
    { name: 'high', gpa: gpa(4 * MiB), size: 1 * MiB },
  ]);
  mem.write(gpa(4 * MiB + 10), Uint8Array.of(1, 2, 3));
  const other = GuestMemory.map(mem.descriptor);
  assert.deepEqual([...other.read(gpa(4 * MiB + 10), 3)], [1, 2, 3]);
  assert.equal(mem.size, 2 * MiB);
});

test('guest memory refuses accesses outside RAM and overlapping or unaligned regions', () => {
  const mem = GuestMemory.create([{ name: 'ram', gpa: gpa(0), size: 1 * MiB }]);
  assert.throws(() => mem.read(gpa(1 * MiB - 1), 2), /not inside guest RAM \('ram' 0x0–0xfffff\)/);
  assert.throws(
    () => GuestMemory.create([{ name: 'ram', gpa: gpa(0), size: 2 * MiB }, { name: 'rom', gpa: gpa(1 * MiB), size: 4096 }]),
    /'rom' at 0x100000: overlaps region 'ram' \(0x0–0x200000\)/,
  );
  assert.throws(() => GuestMemory.create([{ name: 'odd', gpa: gpa(0), size: 100 }]), /4 KiB-aligned/);
});

test('address allocator is first-fit with alignment and reports exhaustion', () => {
  const a = new AddressAllocator(gpa(0x1000), gpa(0x5000));
  assert.equal(a.allocate(0x100, 0x1000, 'a'), 0x1000);
  assert.equal(a.allocate(0x1000, 0x1000, 'b'), 0x2000);
  assert.equal(a.allocate(0x10, 0x10, 'c'), 0x1100);
  assert.throws(() => a.allocate(0x3000, 0x1000, 'd'), /d: no 0x3000-byte window/);
  const g = new GsiAllocator(gsi(5), gsi(6));
  assert.deepEqual([g.allocate('x'), g.allocate('y')], [5, 6]);
  assert.throws(() => g.allocate('z'), /no free GSI/);
});
