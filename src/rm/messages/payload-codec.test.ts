import { test } from 'node:test';
import assert from 'node:assert/strict';
import { struct, u16le, u32le, u8 } from '../../binary/struct.js';
import { RM_ERROR, RmError } from '../rm-error.js';
import { align4, EMPTY, fixedCodec, LENGTH_PREFIXED_PADDED, msgInvalid } from './payload-codec.js';

const S = struct('sample', { a: u16le, res0: u8, pad: u8, b: u32le });

test('fixedCodec: exact length, mustBeZero refused, ignored fields decoded as found and optional on encode', () => {
  const c = fixedCodec(S, { mustBeZero: ['res0'], ignored: ['pad'] });
  assert.equal(c.size, 8);
  assert.deepEqual([...c.encode({ a: 0x1234, b: 0xdeadbeef })], [0x34, 0x12, 0, 0, 0xef, 0xbe, 0xad, 0xde]);
  assert.deepEqual([...c.encode({ a: 1, b: 2, pad: 9 })], [1, 0, 0, 9, 2, 0, 0, 0]);
  assert.deepEqual(c.decode(Uint8Array.from([1, 0, 0, 9, 2, 0, 0, 0])), { kind: 'ok', value: { a: 1, pad: 9, b: 2 } });
  const wrong = (n: number) => c.decode(new Uint8Array(n));
  for (const n of [0, 7, 9]) assert.deepEqual(wrong(n), msgInvalid(`sample must be 8 bytes, got ${n}`));
  assert.deepEqual(c.decode(Uint8Array.from([1, 0, 5, 0, 2, 0, 0, 0])), msgInvalid('sample.res0 must be 0, got 5'));
  assert.throws(() => c.encode({ a: 0x10000, b: 0 }), (e: unknown) => e instanceof RmError && e.code === 'INVALID_FIELD' && e.cause instanceof RangeError);
});

test('fixedCodec check runs after the length and zero checks', () => {
  const c = fixedCodec(S, { check: (v) => (v.a > 10 ? { kind: 'invalid', rmCode: RM_ERROR.ARGUMENT_INVALID, reason: 'a > 10' } : undefined) });
  assert.equal(c.decode(new Uint8Array(8)).kind, 'ok');
  assert.deepEqual(c.decode(Uint8Array.from([11, 0, 0, 0, 0, 0, 0, 0])), { kind: 'invalid', rmCode: 6, reason: 'a > 10' });
  assert.equal(c.decode(new Uint8Array(3).fill(11)).kind === 'invalid' && c.decode(new Uint8Array(3)).kind === 'invalid', true);
});

test('EMPTY takes only a zero-length payload', () => {
  assert.deepEqual(EMPTY.decode(new Uint8Array(0)), { kind: 'ok', value: {} });
  assert.deepEqual(EMPTY.decode(new Uint8Array(4)), msgInvalid('expected an empty payload, got 4 bytes'));
  assert.equal(EMPTY.encode({}).length, 0);
});

test('LENGTH_PREFIXED_PADDED: u16 len, u16 pad, bytes, zero pad to 4; RM check order', () => {
  assert.deepEqual([0, 1, 2, 3, 4, 5].map(align4), [0, 4, 4, 4, 4, 8]);
  const b = LENGTH_PREFIXED_PADDED.encode(Uint8Array.from([0x61, 0x62, 0x63, 0x64, 0x65]), 't');
  assert.deepEqual([...b], [5, 0, 0, 0, 0x61, 0x62, 0x63, 0x64, 0x65, 0, 0, 0]);
  assert.deepEqual(LENGTH_PREFIXED_PADDED.decode(b, 't'), { kind: 'ok', value: Uint8Array.from([0x61, 0x62, 0x63, 0x64, 0x65]) });
  assert.deepEqual(LENGTH_PREFIXED_PADDED.decode(Uint8Array.from([0, 0, 7, 7]), 't'), { kind: 'ok', value: new Uint8Array(0) });
  assert.equal(LENGTH_PREFIXED_PADDED.decode(b.subarray(0, 3), 't').kind, 'invalid');
  const trailing = Uint8Array.from([...b, 0, 0, 0, 0]);
  assert.deepEqual(LENGTH_PREFIXED_PADDED.decode(trailing, 't'), msgInvalid('t of 5 bytes needs a 12-byte payload, got 16'));
  const dirty = b.slice();
  dirty[11] = 1;
  assert.deepEqual(LENGTH_PREFIXED_PADDED.decode(dirty, 't'), msgInvalid('t padding must be zero'));
  // Too long is ARGUMENT_INVALID even when the length also mismatches: RM checks it first.
  assert.deepEqual(LENGTH_PREFIXED_PADDED.decode(Uint8Array.from([80, 0, 0, 0]), 't', 79), { kind: 'invalid', rmCode: RM_ERROR.ARGUMENT_INVALID, reason: 't of 80 bytes exceeds 79' });
  assert.throws(() => LENGTH_PREFIXED_PADDED.encode(new Uint8Array(0x10000), 't'), RmError);
});

test('fixedCodec.encode refuses a missing field instead of writing zero', () => {
  const c = fixedCodec(S, { mustBeZero: ['res0'], ignored: ['pad'] });
  assert.throws(() => c.encode({ a: 1 } as never), (e: unknown) => e instanceof RmError && e.code === 'INVALID_FIELD' && /sample\.b is missing/.test(e.message));
});
