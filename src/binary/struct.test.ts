import { test } from 'node:test';
import assert from 'node:assert/strict';
import { struct, u8, u16le, u32le, u64le, u32be, bytes } from './struct.js';
import { ByteSink } from './byte-sink.js';
import { checksum8, sum8 } from './checksum.js';

const Demo = struct('demo', { a: u8, b: u16le, c: u32le, d: u64le, e: u32be, f: bytes(3) });

test('struct computes offsets and size from field sizes', () => {
  assert.equal(Demo.size, 1 + 2 + 4 + 8 + 4 + 3);
  assert.deepEqual(Demo.offsets, { a: 0, b: 1, c: 3, d: 7, e: 15, f: 19 });
});

test('struct encodes little- and big-endian fields and decodes them back', () => {
  const v = { a: 1, b: 0x0203, c: 0x04050607, d: 0x08090a0b0c0d0e0fn, e: 0x10111213, f: Uint8Array.of(0x14, 0x15) };
  const buf = Demo.encode(v);
  assert.deepEqual(
    [...buf],
    [1, 3, 2, 7, 6, 5, 4, 0xf, 0xe, 0xd, 0xc, 0xb, 0xa, 9, 8, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0],
  );
  assert.deepEqual(Demo.decode(buf), { ...v, f: Uint8Array.of(0x14, 0x15, 0) });
  assert.equal(Demo.get(buf, 'c'), 0x04050607);
  Demo.set(buf, 'b', 0xbeef);
  assert.equal(Demo.get(buf, 'b'), 0xbeef);
});

test('struct rejects out-of-range values and short buffers with the field name', () => {
  assert.throws(() => Demo.encode({ a: 256 }), /demo\.a/);
  assert.throws(() => Demo.encode({ d: -1n }), /demo\.d/);
  assert.throws(() => Demo.decode(new Uint8Array(4)), /need 22 bytes/);
});

test('ByteSink grows, aligns and patches', () => {
  const s = new ByteSink();
  s.u8(1).u16le(0x0302).u32be(0x04050607).ascii('AB').align(4);
  s.patchU32le(0, 0xaabbccdd);
  for (let i = 0; i < 1000; i++) s.u8(i & 0xff);
  const b = s.toBytes();
  assert.equal(b.length, 12 + 1000);
  assert.deepEqual([...b.subarray(0, 12)], [0xdd, 0xcc, 0xbb, 0xaa, 5, 6, 7, 0x41, 0x42, 0, 0, 0]);
  assert.equal(b[12 + 999], 999 & 0xff);
});

test('checksum8 makes the byte sum zero', () => {
  const data = Uint8Array.of(1, 2, 3, 250, 0);
  data[4] = checksum8(data);
  assert.equal(sum8(data), 0);
});
