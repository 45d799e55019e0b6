import { test } from 'node:test';
import assert from 'node:assert/strict';
import { struct, u8, u32le } from '../binary/struct.js';
import { bumpCounter } from './counter.js';

const Layout = struct('counter-test', { before: u8, n: u32le, after: u8 });

test('test layout: one u32le counter between two bytes', () => {
  assert.equal(Layout.size, 6);
});

test('bumpCounter adds one little-endian, touching nothing else', () => {
  const bytes = Layout.encode({ before: 0xaa, n: 0x00ff, after: 0xbb });
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  bumpCounter(view, Layout.offsets.n);
  assert.deepEqual(Layout.decode(bytes), { before: 0xaa, n: 0x0100, after: 0xbb });
});

test('bumpCounter wraps at 2^32 instead of throwing', () => {
  const bytes = Layout.encode({ n: 0xffff_ffff });
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  bumpCounter(view, Layout.offsets.n);
  assert.equal(Layout.get(bytes, 'n'), 0);
});
