import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSize } from './parse-size.js';

test('parseSize reads MiB by default and binary units', () => {
  assert.equal(parseSize('256'), 256 * 2 ** 20);
  assert.equal(parseSize('256M'), 256 * 2 ** 20);
  assert.equal(parseSize('2GiB'), 2 * 2 ** 30);
  assert.equal(parseSize('512k'), 512 * 1024);
});

test('parseSize explains what a size looks like', () => {
  assert.throws(() => parseSize('lots'), /'lots' is not a size: write a number of MiB or use a unit/);
  assert.throws(() => parseSize('-1M'), /not a size/);
});
