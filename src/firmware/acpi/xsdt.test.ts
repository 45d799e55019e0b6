import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildXsdt } from './xsdt.js';
import { SDT_HEADER } from './sdt-header.js';
import { sum8 } from '../../binary/checksum.js';
import { gpa } from '../../memory/address.js';

test('XSDT: header then 64-bit entries', () => {
  const t = buildXsdt([gpa(0x9fcd0), gpa(0x1_2345_6789)]);
  assert.equal(t.length, 36 + 16);
  assert.equal(sum8(t), 0);
  const h = SDT_HEADER.decode(t);
  assert.equal(Buffer.from(h.signature).toString('latin1'), 'XSDT');
  assert.equal(h.revision, 1);
  assert.equal(h.length, 52);
  const v = new DataView(t.buffer, t.byteOffset);
  assert.equal(v.getBigUint64(36, true), 0x9fcd0n);
  assert.equal(v.getBigUint64(44, true), 0x1_2345_6789n);
});
