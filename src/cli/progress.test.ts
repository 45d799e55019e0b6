import { test } from 'node:test';
import assert from 'node:assert/strict';
import { terminalProgress } from './progress.js';

function fakeStream(isTTY: boolean): NodeJS.WriteStream & { text: string } {
  const s = { isTTY, text: '', write(chunk: string) { s.text += chunk; return true; } };
  return s as unknown as NodeJS.WriteStream & { text: string };
}

test('progress draws one line in place on a terminal and ends it at 100%', () => {
  const s = fakeStream(true);
  const p = terminalProgress('snap', s)!;
  p(0, 4 * 2 ** 20);
  p(2 * 2 ** 20, 4 * 2 ** 20);
  p(2 * 2 ** 20 + 1, 4 * 2 ** 20); // same percentage: not redrawn
  p(4 * 2 ** 20, 4 * 2 ** 20);
  assert.equal(s.text.split('\r').length - 1, 3);
  assert.match(s.text, /snap \[#{15} {15}\] 50% \(2\/4 MiB\)/);
  assert.ok(s.text.endsWith('100% (4/4 MiB)\n'));
});

test('progress stays silent when the stream is not a terminal', () => {
  assert.equal(terminalProgress('snap', fakeStream(false)), undefined);
});
