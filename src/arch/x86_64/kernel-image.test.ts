import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MiB } from '../../memory/address.js';
import { kernelSegments, parseKernel, LoaderError } from './kernel-image.js';
import { buildBzImage, buildElf } from './kernel-fixtures.js';

const MEM = 128 * MiB;

test('parseKernel takes an ELF as ELF and copies its PT_LOAD segments', () => {
  const elf = buildElf({ entry: 0x100000n, segments: [{ paddr: 0x100000n, data: Uint8Array.of(0xf4), memsz: 0x1000 }] });
  const k = parseKernel(elf, MEM);
  assert.equal(k.kind, 'elf');
  assert.deepEqual(kernelSegments(k), [{ gpa: 0x100000, data: Uint8Array.of(0xf4), memSize: 0x1000 }]);
});

test('parseKernel falls back to bzImage and copies the protected-mode kernel to its load address', () => {
  const bz = buildBzImage({ setupSects: 2, pmSize: 512 });
  const k = parseKernel(bz, MEM);
  assert.equal(k.kind, 'bzimage');
  const segs = kernelSegments(k);
  assert.equal(segs.length, 1);
  assert.equal(segs[0]!.gpa, 0x100000);
  assert.equal(segs[0]!.memSize, 512);
  assert.deepEqual(segs[0]!.data, bz.subarray(3 * 512));
});

test('ELF errors are not masked by the bzImage fallback (Firecracker only falls back on bad ELF magic)', () => {
  const elf32 = buildElf({ entry: 0x100000n, segments: [{ paddr: 0x100000n, data: Uint8Array.of(1) }], eiClass: 1 });
  assert.throws(() => parseKernel(elf32, MEM), (e: unknown) => e instanceof LoaderError && e.code === 'unsupported');
});

test('anything else is not a kernel, with a message naming both formats', () => {
  for (const junk of [new Uint8Array(0), new Uint8Array(4096), new TextEncoder().encode('hello')]) {
    assert.throws(
      () => parseKernel(junk, MEM),
      (e: unknown) => e instanceof LoaderError && e.code === 'not-a-kernel' && e.name === 'LoaderError' && /ELF.*bzImage/.test(e.message),
    );
  }
});
