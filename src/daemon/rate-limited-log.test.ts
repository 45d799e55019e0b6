// The daemon's log under a flood: the first lines of each window pass, the rest are counted and the count
// is written once the window is over (or at flush).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rateLimitedLog } from './rate-limited-log.js';

test('passes the first lines of a window, counts the rest, and says how many at the next window', () => {
  let t = 0;
  const lines: string[] = [];
  const log = rateLimitedLog((l) => lines.push(l), { linesPerWindow: 3, windowMs: 1000, now: () => t });
  for (let i = 0; i < 10; i++) log(`line ${i}`);
  assert.deepEqual(lines, ['line 0', 'line 1', 'line 2']);
  t = 1000;
  log('later');
  assert.deepEqual(lines.slice(3), ['(7 more lines not logged: over 3 in 1000 ms)', 'later']);
});

test('flush writes the count held back so far, once', () => {
  const lines: string[] = [];
  const log = rateLimitedLog((l) => lines.push(l), { linesPerWindow: 1, now: () => 0 });
  log('a');
  log('b');
  log.flush();
  log.flush();
  assert.deepEqual(lines, ['a', '(1 more line not logged: over 1 in 1000 ms)']);
});

test('under the limit every line passes and flush adds nothing', () => {
  const lines: string[] = [];
  const log = rateLimitedLog((l) => lines.push(l), { linesPerWindow: 5, now: () => 0 });
  for (const l of ['a', 'b', 'c']) log(l);
  log.flush();
  assert.deepEqual(lines, ['a', 'b', 'c']);
});
