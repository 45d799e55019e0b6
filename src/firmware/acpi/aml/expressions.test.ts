import { test } from 'node:test';
import assert from 'node:assert/strict';
import { add, call, lGreater, lLess, lOr, store, subtract, toInteger } from './expressions.js';
import { arg, local } from './args-locals.js';
import { notify } from './statements.js';
import { path } from './name-string.js';
import { amlBytes, type AmlTerm } from './aml-term.js';
import { AcpiError } from '../acpi-error.js';
import { hexBytes as h } from '../../../binary/test-bytes.js';

const bytes = (...t: AmlTerm[]): number[] => [...amlBytes(...t)];

test('Arg0-6 and Local0-7', () => {
  assert.deepEqual(bytes(arg(0), arg(6), local(0), local(7)), h('68 6E 60 67'));
  assert.throws(() => arg(7), AcpiError);
  assert.throws(() => local(8), AcpiError);
  assert.throws(() => arg(-1), AcpiError);
});

test('a missing target is NullName', () => {
  assert.deepEqual(bytes(add(local(0), 1)), h('72 60 01 00'));
  assert.deepEqual(bytes(subtract(local(0), 2, local(0))), h('74 60 0A 02 60'));
  assert.deepEqual(bytes(toInteger('5')), h('99 0D 35 00 00'));
  assert.deepEqual(bytes(store(0x10, local(1))), h('70 0A 10 61'));
});

test('logical comparisons', () => {
  assert.deepEqual(bytes(lOr(lGreater(arg(0), 1), lLess(arg(0), 0))), h('91 94 68 01 95 68 00'));
});

test('method invocation is the path followed by its arguments', () => {
  assert.deepEqual(bytes(call('\\_SB.COM1._STA')), h('5C 2F 03 5F 53 42 5F 43 4F 4D 31 5F 53 54 41'));
  assert.deepEqual(bytes(call('FOO', [1, arg(0)])), h('46 4F 4F 5F 01 68'));
  assert.throws(() => call('FOO', [1, 2, 3, 4, 5, 6, 7, 8]), AcpiError);
});

test('Notify takes a SuperName and a value', () => {
  assert.deepEqual(bytes(notify(path('\\_SB.PWRB'), 0x80)), h('86 5C 2E 5F 53 42 5F 50 57 52 42 0A 80'));
});
