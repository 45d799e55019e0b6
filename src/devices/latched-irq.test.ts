import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RecordingIrqLine } from './testing.js';
import { LatchedIrq } from './latched-irq.js';

const AT = 1;

function make() {
  const b = new Uint8Array(3);
  const line = new RecordingIrqLine();
  return { b, line, irq: new LatchedIrq(b, AT, line) };
}

test('setLevel drives the line only on a change and keeps the level in the state byte', () => {
  const { b, line, irq } = make();
  irq.setLevel(false);
  assert.deepEqual(line.history, []);
  irq.setLevel(true);
  irq.setLevel(true);
  assert.equal(b[AT], 1);
  assert.equal(irq.high, true);
  irq.setLevel(false);
  assert.deepEqual(line.history, [true, false]);
  assert.equal(b[AT], 0);
  assert.deepEqual([b[0], b[2]], [0, 0]);
});

test('redrive drives and records the level even when it is unchanged', () => {
  const { b, line, irq } = make();
  irq.redrive(false);
  b[AT] = 1;
  irq.redrive(true);
  assert.deepEqual(line.history, [false, true]);
  assert.equal(b[AT], 1);
});

test('a second latch over the same byte (another thread) knows the line is already high', () => {
  const { b, line, irq } = make();
  irq.setLevel(true);
  const other = new LatchedIrq(b, AT, line);
  other.setLevel(true);
  assert.deepEqual(line.history, [true]);
});

test('with no line wired the level is still kept', () => {
  const b = new Uint8Array(3);
  const irq = new LatchedIrq(b, AT, undefined);
  irq.setLevel(true);
  assert.equal(irq.high, true);
  irq.redrive(false);
  assert.equal(b[AT], 0);
});
