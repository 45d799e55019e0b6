import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buffer, integer, one, ones, operand, pkg, string, zero } from './data-objects.js';
import { eisaId, eisaIdValue } from './eisa-id.js';
import { path } from './name-string.js';
import { amlBytes, type AmlTerm } from './aml-term.js';
import { AcpiError } from '../acpi-error.js';
import { hexBytes as h } from '../../../binary/test-bytes.js';

const bytes = (...t: AmlTerm[]): number[] => [...amlBytes(...t)];
const isBadValue = (e: unknown): boolean => e instanceof AcpiError && e.code === 'bad-value';

test('integers take the smallest encoding', () => {
  assert.deepEqual(bytes(integer(0)), h('00'));
  assert.deepEqual(bytes(integer(1)), h('01'));
  assert.deepEqual(bytes(integer(2)), h('0A 02'));
  assert.deepEqual(bytes(integer(0xff)), h('0A FF'));
  assert.deepEqual(bytes(integer(0x100)), h('0B 00 01'));
  assert.deepEqual(bytes(integer(0xffff)), h('0B FF FF'));
  assert.deepEqual(bytes(integer(0x1_0000)), h('0C 00 00 01 00'));
  assert.deepEqual(bytes(integer(0xffff_ffff)), h('0C FF FF FF FF'));
  assert.deepEqual(bytes(integer(0x1_0000_0000)), h('0E 00 00 00 00 01 00 00 00'));
  assert.deepEqual(bytes(integer(0xffff_ffff_ffff_ffffn)), h('0E FF FF FF FF FF FF FF FF'));
  assert.deepEqual(bytes(integer(0x3f8n)), h('0B F8 03'));
});

test('integers outside 0..2^64-1 or unsafe doubles are rejected', () => {
  assert.throws(() => integer(-1), isBadValue);
  assert.throws(() => integer(1.5), isBadValue);
  assert.throws(() => integer(2 ** 53), isBadValue);
  assert.throws(() => integer(1n << 64n), isBadValue);
});

test('Zero, One, Ones', () => {
  assert.deepEqual(bytes(zero, one, ones), h('00 01 FF'));
});

test('strings are NUL-terminated ASCII', () => {
  assert.deepEqual(bytes(string('COM1')), h('0D 43 4F 4D 31 00'));
  assert.deepEqual(bytes(string('')), h('0D 00'));
  assert.throws(() => string('caf\u00e9'), isBadValue);
  assert.throws(() => string('a\0b'), isBadValue);
});

test('buffers carry their size as an integer after the PkgLength', () => {
  assert.deepEqual(bytes(buffer(Uint8Array.of(1, 2, 3))), h('11 06 0A 03 01 02 03'));
  // 100 bytes: content = 0A 64 + 100 = 102, two-byte PkgLength 104 = 0x68.
  const big = bytes(buffer(new Uint8Array(100)));
  assert.deepEqual(big.slice(0, 5), h('11 48 06 0A 64'));
  assert.equal(big.length, 1 + 2 + 2 + 100);
});

test('packages: NumElements then the elements', () => {
  assert.deepEqual(bytes(pkg([5, 0, 0, 0])), h('12 07 04 0A 05 00 00 00'));
  assert.deepEqual(bytes(pkg(['A', path('\\_SB')])), h('12 0A 02 0D 41 00 5C 5F 53 42 5F'));
  assert.deepEqual(bytes(pkg([])), h('12 02 00'));
  assert.throws(() => pkg(new Array<number>(256).fill(0)), (e: unknown) => e instanceof AcpiError && e.code === 'too-large');
});

test('operand() maps JS values to Integer and String', () => {
  assert.deepEqual(bytes(operand(7), operand(7n), operand('x'), operand(ones)), h('0A 07 0A 07 0D 78 00 FF'));
});

test('EISAID compression', () => {
  assert.equal(eisaIdValue('PNP0501'), 0x0105d041);
  assert.deepEqual(bytes(eisaId('PNP0501')), h('0C 41 D0 05 01'));
  assert.deepEqual(bytes(eisaId('PNP0303')), h('0C 41 D0 03 03'));
  assert.deepEqual(bytes(eisaId('PNP0C0C')), h('0C 41 D0 0C 0C'));
  // A=1: vendor bits 00001 00001 00001 = 0x0421.
  assert.deepEqual(bytes(eisaId('AAA0001')), h('0C 04 21 00 01'));
  for (const bad of ['pnp0501', 'PNP050', 'PNP05011', 'PNP0g01', 'P1P0501']) assert.throws(() => eisaId(bad), isBadValue, bad);
});
