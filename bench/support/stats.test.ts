import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spread, median, fmt, fmtSpread } from './stats.js';

test('median of an odd and an even count, whatever the order', () => {
  assert.equal(median([5, 1, 3]), 3);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.deepEqual(spread([9, 2, 4]), { median: 4, min: 2, max: 9, n: 3 });
});

test('no values is an error, not NaN', () => {
  assert.throws(() => spread([]), RangeError);
});

test('formatting: one value has no range; an empty unit adds no space', () => {
  assert.equal(fmt(0.456, 2), '0.46');
  assert.equal(fmtSpread(spread([7]), 'ms', 0), '7 ms');
  assert.equal(fmtSpread(spread([1, 2, 3]), 'ms', 0), '2 ms (1–3)');
  assert.equal(fmtSpread(spread([1, 2, 3]), '', 1), '2.0 (1.0–3.0)');
});
