import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MiB } from '../../memory/address.js';
import { parseBzImage, STARTUP_64_OFFSET } from './bzimage.js';
import { buildBzImage } from './kernel-fixtures.js';
import { LoaderError, type LoaderErrorCode } from './loader-error.js';

const MEM = 128 * MiB;
const code = (c: LoaderErrorCode, re?: RegExp) => (e: unknown) =>
  e instanceof LoaderError && e.code === c && (re === undefined || re.test(e.message));

test('a protocol 2.15 bzImage: load at 1 MiB, 64-bit entry at +0x200, kernel after the setup sectors', () => {
  const file = buildBzImage({ setupSects: 1, pmSize: 4096 });
  const bz = parseBzImage(file, MEM);
  assert.equal(bz.kind, 'bzimage');
  assert.equal(bz.version, 0x020f);
  assert.equal(bz.loadAddress, 0x100000);
  assert.equal(STARTUP_64_OFFSET, 0x200);
  assert.equal(bz.entry64, 0x100200);
  assert.equal(bz.kernel.length, 4096);
  assert.deepEqual(bz.kernel, file.subarray(2 * 512));
  // Relocatable, 2 MiB aligned, pref_address 16 MiB: head_64.S decompresses at max(2 MiB, 16 MiB).
  assert.equal(bz.end, 0x1000000 + 0x800000);
});

test('the setup header is 0x1f1 .. 0x202 + byte at 0x201, copied with code32_start set to the load address', () => {
  const file = buildBzImage({ headerEndByte: 0x6a, code32Start: 0x10000 });
  const bz = parseBzImage(file, MEM);
  assert.equal(bz.setupHeader.length, 0x202 + 0x6a - 0x1f1);
  const expected = file.slice(0x1f1, 0x26c);
  new DataView(expected.buffer).setUint32(0x214 - 0x1f1, 0x100000, true);
  assert.deepEqual(bz.setupHeader, expected);
  // A shorter (2.12-era) header, ending after handover_offset, is accepted too.
  assert.equal(parseBzImage(buildBzImage({ headerEndByte: 0x66 }), MEM).setupHeader.length, 0x268 - 0x1f1);
});

test('setup_sects 0 means 4', () => {
  const file = buildBzImage({ setupSects: 0, pmSize: 1024 });
  const bz = parseBzImage(file, MEM);
  assert.equal(file.length, 5 * 512 + 1024);
  assert.deepEqual(bz.kernel, file.subarray(5 * 512));
});

test('decompression address: non-relocatable kernels run at pref_address; relocatable ones at the aligned load address if higher', () => {
  const fixed = parseBzImage(buildBzImage({ relocatable: 0, prefAddress: 0x2000000n, initSize: 0x100000 }), MEM);
  assert.equal(fixed.end, 0x2100000);
  const aligned = parseBzImage(buildBzImage({ kernelAlignment: 0x400000, prefAddress: 0x200000n, initSize: 0x100000 }), MEM);
  assert.equal(aligned.end, 0x500000);
  // A kernel whose loaded image ends above its decompression window: end is the image end.
  const big = parseBzImage(buildBzImage({ pmSize: 0x400000, prefAddress: 0x100000n, kernelAlignment: 0x100000, initSize: 0x1000 }), MEM);
  assert.equal(big.end, 0x100000 + 0x400000);
});

test('refusals: no boot flag, no HdrS, protocol older than 2.12, no 64-bit entry, not LOADED_HIGH', () => {
  assert.throws(() => parseBzImage(buildBzImage({ bootFlag: 0x1234 }), MEM), code('not-a-kernel', /0xaa55/));
  assert.throws(() => parseBzImage(buildBzImage({ magic: 'HdrX' }), MEM), code('not-a-kernel', /HdrS/));
  assert.throws(() => parseBzImage(new Uint8Array(0x100), MEM), code('not-a-kernel'));
  assert.throws(() => parseBzImage(buildBzImage({ version: 0x020b }), MEM), code('unsupported', /2\.11 is older than 2\.12/));
  assert.doesNotThrow(() => parseBzImage(buildBzImage({ version: 0x020c }), MEM));
  assert.throws(() => parseBzImage(buildBzImage({ xloadflags: 0x2 }), MEM), code('unsupported', /XLF_KERNEL_64/));
  assert.throws(() => parseBzImage(buildBzImage({ loadflags: 0 }), MEM), code('unsupported', /zImage/));
});

test('refusals: truncated files and malformed header lengths', () => {
  const file = buildBzImage({ setupSects: 1, pmSize: 4096 });
  assert.throws(() => parseBzImage(file.subarray(0, 1024), MEM), code('truncated', /real-mode part/));
  assert.throws(() => parseBzImage(file.subarray(0, 0x240), MEM), code('truncated', /setup header/));
  assert.throws(() => parseBzImage(file.subarray(0, file.length - 16), MEM), code('truncated', /syssize/));
  assert.throws(() => parseBzImage(buildBzImage({ headerEndByte: 0x10 }), MEM), code('malformed', /setup header length/));
  assert.throws(() => parseBzImage(buildBzImage({ headerEndByte: 0xa0 }), MEM), code('malformed', /setup header length/));
  assert.throws(() => parseBzImage(buildBzImage({ kernelAlignment: 0x300000 }), MEM), code('malformed', /power of two/));
});

test('refusals: a kernel whose decompression window does not fit in memory says how much is needed', () => {
  assert.throws(
    () => parseBzImage(buildBzImage({ prefAddress: 0x1000000n, initSize: 0x2000000 }), 32 * MiB),
    code('does-not-fit', /up to 0x3000000 .*give the VM at least 48 MiB/),
  );
  assert.doesNotThrow(() => parseBzImage(buildBzImage({ prefAddress: 0x1000000n, initSize: 0x1000000 }), 32 * MiB));
  assert.throws(() => parseBzImage(buildBzImage({ pmSize: 4 * MiB, prefAddress: 0x100000n, initSize: 0 }), 4 * MiB), code('does-not-fit'));
});

test('header values of a Debian 6.1 cloud kernel (xloadflags 0x7f, init_size 0x3378000) need 68 MiB', () => {
  const real = { version: 0x020f, xloadflags: 0x7f, kernelAlignment: 0x200000, prefAddress: 0x1000000n, initSize: 0x3378000 };
  assert.equal(parseBzImage(buildBzImage(real), 128 * MiB).end, 0x4378000);
  assert.throws(() => parseBzImage(buildBzImage(real), 64 * MiB), code('does-not-fit', /at least 68 MiB/));
});
