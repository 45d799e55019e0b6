import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodePkgLength, pkgLengthFor, PKG_LENGTH_MAX } from './pkg-length.js';
import { AcpiError } from '../acpi-error.js';

/** Decoder written from §20.2.4, independent of the encoder. */
function decode(b: Uint8Array): { total: number; size: number } {
  const lead = b[0] ?? 0;
  const follow = lead >> 6;
  if (follow === 0) return { total: lead & 0x3f, size: 1 };
  let total = lead & 0x0f;
  for (let i = 0; i < follow; i++) total |= (b[1 + i] ?? 0) << (4 + 8 * i);
  return { total, size: 1 + follow };
}

test('PkgLength golden bytes at the encoding boundaries', () => {
  assert.deepEqual([...encodePkgLength(0)], [0x00]);
  assert.deepEqual([...encodePkgLength(63)], [0x3f]);
  assert.deepEqual([...encodePkgLength(64)], [0x40, 0x04]);
  assert.deepEqual([...encodePkgLength(4095)], [0x4f, 0xff]);
  assert.deepEqual([...encodePkgLength(4096)], [0x80, 0x00, 0x01]);
  assert.deepEqual([...encodePkgLength(0xf_ffff)], [0x8f, 0xff, 0xff]);
  assert.deepEqual([...encodePkgLength(0x10_0000)], [0xc0, 0x00, 0x00, 0x01]);
  assert.deepEqual([...encodePkgLength(PKG_LENGTH_MAX)], [0xcf, 0xff, 0xff, 0xff]);
});

test('PkgLength for content counts its own bytes', () => {
  // 62 bytes of content + 1 length byte = 63: still one byte.
  assert.deepEqual([...pkgLengthFor(62)], [0x3f]);
  // 63 + 1 = 64 does not fit one byte, so two bytes: 65.
  assert.deepEqual([...pkgLengthFor(63)], [0x41, 0x04]);
  // 4093 + 2 = 4095 fits two bytes; 4094 + 2 = 4096 does not, so three bytes: 4097.
  assert.deepEqual([...pkgLengthFor(4093)], [0x4f, 0xff]);
  assert.deepEqual([...pkgLengthFor(4094)], [0x81, 0x00, 0x01]);
});

test('PkgLength round-trips through an independent decoder', () => {
  for (const n of [0, 1, 61, 62, 63, 64, 200, 4092, 4093, 4094, 4095, 0xf_fffc, 0xf_fffd, 0xf_fffe, 1 << 20, PKG_LENGTH_MAX - 4]) {
    const b = pkgLengthFor(n);
    const d = decode(b);
    assert.equal(d.size, b.length, `size for ${n}`);
    assert.equal(d.total, n + b.length, `total for ${n}`);
  }
});

test('PkgLength rejects lengths it cannot encode', () => {
  assert.throws(() => encodePkgLength(PKG_LENGTH_MAX + 1), (e: unknown) => e instanceof AcpiError && e.code === 'too-large');
  assert.throws(() => pkgLengthFor(PKG_LENGTH_MAX), (e: unknown) => e instanceof AcpiError && e.code === 'too-large');
  assert.throws(() => encodePkgLength(-1), AcpiError);
});
