import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goalMet, type BenchRow } from './bench-result.js';

const row = (ratio: number | undefined, goal?: BenchRow['goal']): BenchRow => ({ metric: 'm', bothy: '', baseline: '', ratio, ...(goal ? { goal } : {}) });

test('a goal is met on its side of the value, boundary included', () => {
  assert.equal(goalMet(row(0.9, { op: '>=', value: 0.9 })), true);
  assert.equal(goalMet(row(0.89, { op: '>=', value: 0.9 })), false);
  assert.equal(goalMet(row(0.5, { op: '<=', value: 0.5 })), true);
  assert.equal(goalMet(row(4.1, { op: '<=', value: 0.5 })), false);
});

test('no goal or no ratio: nothing to judge', () => {
  assert.equal(goalMet(row(1.2)), undefined);
  assert.equal(goalMet(row(undefined, { op: '>=', value: 0.9 })), undefined);
});
