import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeNameString, nameSeg, path } from './name-string.js';
import { amlBytes } from './aml-term.js';
import { AcpiError } from '../acpi-error.js';
import { hexBytes as h } from '../../../binary/test-bytes.js';

const isBadName = (e: unknown): boolean => e instanceof AcpiError && e.code === 'bad-name';

test('NameSeg pads short names with underscores', () => {
  assert.deepEqual([...nameSeg('_SB')], h('5F 53 42 5F'));
  assert.deepEqual([...nameSeg('COM1')], h('43 4F 4D 31'));
  assert.deepEqual([...nameSeg('A')], h('41 5F 5F 5F'));
});

test('NameSeg rejects what AML cannot hold', () => {
  for (const bad of ['', 'com1', '1ABC', 'ABCDE', 'A-B', 'É']) assert.throws(() => nameSeg(bad), isBadName, bad);
});

test('NameString prefixes: root, parent, dual and multi name paths', () => {
  assert.deepEqual([...encodeNameString('_HID')], h('5F 48 49 44'));
  assert.deepEqual([...encodeNameString('\\_SB.COM1')], h('5C 2E 5F 53 42 5F 43 4F 4D 31'));
  assert.deepEqual([...encodeNameString('\\_SB_.COM1')], h('5C 2E 5F 53 42 5F 43 4F 4D 31'));
  assert.deepEqual(
    [...encodeNameString('\\_SB.PCI0.ISA')],
    h('5C 2F 03 5F 53 42 5F 50 43 49 30 49 53 41 5F'),
  );
  assert.deepEqual([...encodeNameString('^FOO')], h('5E 46 4F 4F 5F'));
  assert.deepEqual([...encodeNameString('^^A.B')], h('5E 5E 2E 41 5F 5F 5F 42 5F 5F 5F'));
  assert.deepEqual([...encodeNameString('\\')], h('5C 00'));
  assert.deepEqual([...encodeNameString('\\_S5')], h('5C 5F 53 35 5F'));
});

test('NameString rejects malformed paths', () => {
  for (const bad of ['\\^A', 'A..B', 'A.', '\\_SB.com1', '^\\A']) assert.throws(() => encodeNameString(bad), isBadName, bad);
});

test('path() emits the NameString as a term', () => {
  assert.deepEqual([...amlBytes(path('\\_SB.PWRB'))], h('5C 2E 5F 53 42 5F 50 57 52 42'));
});
