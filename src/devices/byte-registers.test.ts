import { test } from 'node:test';
import assert from 'node:assert/strict';
import { struct, u8, u16le } from '../binary/struct.js';
import { ByteRegisters } from './byte-registers.js';

const Layout = struct('byte-registers-test', { a: u8, wide: u16le, b: u8 });

test('test layout: a, a u16 the registers do not name, then b', () => {
  assert.equal(Layout.size, 4);
});

test('get and set address the named u8 fields in place', () => {
  const bytes = Layout.encode({ a: 1, wide: 0x1234, b: 2 });
  const r = new ByteRegisters<'a' | 'b'>(bytes, Layout.offsets);
  assert.equal(r.get('a'), 1);
  assert.equal(r.get('b'), 2);
  r.set('b', 0x7f);
  assert.deepEqual(Layout.decode(bytes), { a: 1, wide: 0x1234, b: 0x7f });
});
