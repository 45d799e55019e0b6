import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildDsdt } from './dsdt.js';
import { SDT_HEADER } from './sdt-header.js';
import { sum8 } from '../../binary/checksum.js';
import * as aml from './aml/index.js';
import type { ByteSink } from '../../binary/byte-sink.js';
import { hexBytes as h } from '../../binary/test-bytes.js';


function indexOf(hay: Uint8Array, needle: readonly number[]): number {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

test('DSDT: revision 2, \\_S5 and power button, then each device in order', () => {
  const a = { appendAml: (out: ByteSink) => aml.name('\\AAAA', 1).encodeInto(out) };
  const b = { appendAml: (out: ByteSink) => aml.name('\\BBBB', 2).encodeInto(out) };
  const t = buildDsdt([a, b]);
  assert.equal(sum8(t), 0);
  const hd = SDT_HEADER.decode(t);
  assert.equal(Buffer.from(hd.signature).toString('latin1'), 'DSDT');
  assert.equal(hd.revision, 2);
  assert.equal(hd.length, t.length);

  // Name(\_S5_, Package(4){5, 0, 0, 0}): SLP_TYPa = ACPI_S5_SLP_TYP.
  const s5 = indexOf(t, h('08 5C 5F 53 35 5F 12 07 04 0A 05 00 00 00'));
  assert.equal(s5, SDT_HEADER.size);
  const pwrb = indexOf(t, h('5B 82 1B 5C 2E 5F 53 42 5F 50 57 52 42 08 5F 48 49 44 0C 41 D0 0C 0C 08 5F 55 49 44 00'));
  assert.ok(pwrb > s5);
  const ia = indexOf(t, h('08 5C 41 41 41 41 01'));
  const ib = indexOf(t, h('08 5C 42 42 42 42 0A 02'));
  assert.ok(ia > pwrb && ib > ia, 'devices follow the fixed content in order');
  assert.equal(ib + 8, t.length);
});
