import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gpa, GiB, MiB } from '../../memory/address.js';
import { initrdAddress } from './initrd.js';
import { LoaderError, type LoaderErrorCode } from './loader-error.js';

const code = (c: LoaderErrorCode, re?: RegExp) => (e: unknown) =>
  e instanceof LoaderError && e.code === c && (re === undefined || re.test(e.message));

test('the initrd goes page-aligned at the top of RAM', () => {
  assert.equal(initrdAddress(128 * MiB, 0x1000, gpa(0x200000)), 128 * MiB - 0x1000);
  assert.equal(initrdAddress(128 * MiB, 0x1001, gpa(0x200000)), 128 * MiB - 0x2000);
  assert.equal(initrdAddress(128 * MiB, 1, gpa(0x200000)) % 4096, 0);
});

test('with more than 3 GiB the initrd stays below the MMIO gap', () => {
  assert.equal(initrdAddress(8 * GiB, 0x100000, gpa(0x200000)), 3 * GiB - 0x100000);
});

test('an initrd that would overlap the kernel, or exceed low RAM, is refused with a size hint', () => {
  assert.throws(() => initrdAddress(32 * MiB, 20 * MiB, gpa(16 * MiB)), code('does-not-fit', /give the VM at least 37 MiB/));
  assert.throws(() => initrdAddress(8 * GiB, 3 * GiB, gpa(0x200000)), code('does-not-fit', /smaller initrd/));
  // Exactly touching the kernel end is fine.
  assert.equal(initrdAddress(32 * MiB, 16 * MiB, gpa(16 * MiB)), 16 * MiB);
  assert.throws(() => initrdAddress(32 * MiB, 16 * MiB + 1, gpa(16 * MiB)), code('does-not-fit'));
});

test('empty initrds and bad memory sizes are refused', () => {
  assert.throws(() => initrdAddress(32 * MiB, 0, gpa(0x200000)), code('bad-initrd'));
  assert.throws(() => initrdAddress(32 * MiB, -5, gpa(0x200000)), code('bad-initrd'));
  assert.throws(() => initrdAddress(12345, 10, gpa(0x200000)), code('bad-memory-size'));
});
