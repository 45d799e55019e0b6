import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GiB, MiB } from '../../memory/address.js';
import { buildE820, checkRamSize, ramRegions, E820_RAM, E820_RESERVED, E820_ACPI, E820_NVS, E820_UNUSABLE, E820_PMEM } from './e820.js';
import { LoaderError } from './loader-error.js';

test('e820 type values are the ACPI address range types', () => {
  assert.deepEqual([E820_RAM, E820_RESERVED, E820_ACPI, E820_NVS, E820_UNUSABLE, E820_PMEM], [1, 2, 3, 4, 5, 7]);
});

test('e820 for 128 MiB: low RAM, the system region reserved, RAM from 1 MiB', () => {
  assert.deepEqual(buildE820(128 * MiB), [
    { addr: 0, size: 0x9fc00, type: E820_RAM },
    { addr: 0x9fc00, size: 0xe0000 - 0x9fc00, type: E820_RESERVED },
    { addr: 0x100000, size: 128 * MiB - 0x100000, type: E820_RAM },
  ]);
});

test('e820 for exactly 3 GiB stops at the MMIO gap with no high entry', () => {
  const map = buildE820(3 * GiB);
  assert.equal(map.length, 3);
  assert.deepEqual(map[2], { addr: 0x100000, size: 3 * GiB - 0x100000, type: E820_RAM });
});

test('e820 for 6 GiB continues RAM at 4 GiB after the gap', () => {
  const map = buildE820(6 * GiB);
  assert.equal(map.length, 4);
  assert.deepEqual(map[2], { addr: 0x100000, size: 3 * GiB - 0x100000, type: E820_RAM });
  assert.deepEqual(map[3], { addr: 4 * GiB, size: 3 * GiB, type: E820_RAM });
});

test('ramRegions are the KVM slots below and above the gap', () => {
  assert.deepEqual(ramRegions(256 * MiB), [{ gpa: 0, size: 256 * MiB }]);
  assert.deepEqual(ramRegions(5 * GiB), [
    { gpa: 0, size: 3 * GiB },
    { gpa: 4 * GiB, size: 2 * GiB },
  ]);
});

test('memory sizes that are not positive, page-multiple and above 1 MiB are refused', () => {
  for (const bad of [0, -4096, 1.5, Number.NaN, 128 * MiB + 1, 1 * MiB, 512 * 1024]) {
    assert.throws(
      () => checkRamSize(bad),
      (e: unknown) => e instanceof LoaderError && e.code === 'bad-memory-size',
      `size ${bad}`,
    );
    assert.throws(() => buildE820(bad), LoaderError);
  }
  assert.throws(() => ramRegions(1 * MiB), /more than 1 MiB/);
  assert.throws(() => ramRegions(4097), /multiple of 4 KiB/);
});
