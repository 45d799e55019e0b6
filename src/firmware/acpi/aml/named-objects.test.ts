// Golden bytes below were produced by compiling the equivalent ASL with iasl 20200925 (ACPI 6.5 §20).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { device, method, name, scope } from './named-objects.js';
import { eisaId } from './eisa-id.js';
import { one, pkg, zero } from './data-objects.js';
import { arg, local } from './args-locals.js';
import { ifThen, notify, ret } from './statements.js';
import { add, and, lAnd, lEqual, lNot, or, store, toInteger } from './expressions.js';
import { path } from './name-string.js';
import { amlBytes, type AmlTerm } from './aml-term.js';
import { AcpiError } from '../acpi-error.js';
import { hexBytes as h } from '../../../binary/test-bytes.js';

const bytes = (...t: AmlTerm[]): number[] => [...amlBytes(...t)];

test('Name objects', () => {
  assert.deepEqual(bytes(name('_UID', 0)), h('08 5F 55 49 44 00'));
  assert.deepEqual(bytes(name('_HID', eisaId('PNP0501'))), h('08 5F 48 49 44 0C 41 D0 05 01'));
  assert.deepEqual(bytes(name('_DDN', 'COM1')), h('08 5F 44 44 4E 0D 43 4F 4D 31 00'));
  assert.deepEqual(bytes(name('_S5', pkg([5, 0, 0, 0]))), h('08 5F 53 35 5F 12 07 04 0A 05 00 00 00'));
});

test('Scope and Device wrap their terms in a PkgLength', () => {
  assert.deepEqual(bytes(scope('\\_SB', [])), h('10 06 5C 5F 53 42 5F'));
  assert.deepEqual(bytes(device('PWRB', [])), h('5B 82 05 50 57 52 42'));
  assert.deepEqual(
    bytes(device('COM1', [name('_UID', zero)])),
    h('5B 82 0B 43 4F 4D 31 08 5F 55 49 44 00'),
  );
});

test('Device PkgLength grows to two bytes past 63', () => {
  // 4 name bytes + 58 content bytes = 62 → one byte; one more content byte needs two.
  const filler = (n: number) => [name('BUF_', pkg(new Array<number>(n).fill(0)))];
  // name(5) + PackageOp(1) + PkgLength(1) + NumElements(1) + n zeros
  const small = bytes(device('DEV0', filler(58 - 8)));
  assert.equal(small[2], 62 + 1);
  const big = bytes(device('DEV0', filler(58 - 8 + 1)));
  assert.deepEqual(big.slice(2, 4), [0x40 | ((63 + 2) & 0xf), (63 + 2) >> 4]);
  assert.equal(big.length, 2 + 2 + 63);
});

test('Method: flags carry arg count, serialize flag and sync level', () => {
  assert.deepEqual(bytes(method('_STA', 0, [ret(0x0f)])), h('14 09 5F 53 54 41 00 A4 0A 0F'));
  assert.deepEqual(
    bytes(
      method('TST1', 2, [ifThen(lAnd(lEqual(arg(0), one), lNot(arg(1))), [ret(one)], [ret(zero)])], { serialized: true }),
    ),
    h('14 14 54 53 54 31 0A A0 09 90 93 68 01 92 69 A4 01 A1 03 A4 00'),
  );
  assert.equal(bytes(method('M', 7, [], { serialized: true, syncLevel: 15 }))[6], 0xff);
  assert.throws(() => method('M', 8, []), AcpiError);
  assert.throws(() => method('M', 0, [], { syncLevel: 16 }), AcpiError);
});

test('Method body with Store, Add, And, Or, Notify, ToInteger', () => {
  assert.deepEqual(
    bytes(
      method('TST2', 1, [
        store(arg(0), local(0)),
        add(local(0), 0x1234, local(1)),
        and(local(1), 0xff, local(2)),
        or(local(2), 0x12345678, local(3)),
        notify(path('COM1'), 0x80),
        ret(toInteger(local(3))),
      ]),
    ),
    h(`14 27 54 53 54 32 01 70 68 60 72 60 0B 34 12 61 7B 61 0A FF 62 7D 62 0C 78 56 34 12 63
       86 43 4F 4D 31 0A 80 A4 99 63 00`),
  );
});

test('If without Else', () => {
  assert.deepEqual(bytes(ifThen(arg(0), [ret(1)])), h('A0 04 68 A4 01'));
});
