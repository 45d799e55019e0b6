// Runtime paths of the micro-guests under bothy on real KVM that vmm-core.test.ts does not cover: ring 3
// (native loop, #UD return, #PF with CR2) through both boot entries, and the exit-bench command line.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runBothy, guestElf, guestSkipReason } from '../support/bothy-process.js';

const run = (guest: string, extra: readonly string[]) =>
  runBothy(['run', '--kernel', guestElf(guest), '--timeout', '60', ...extra], { killAfterMs: 90_000 });

for (const boot of ['linux64', 'pvh'] as const) {
  test(`ring3 (${boot} entry): CPL3 loop, store, and #PF reported back to ring 0`, async (t) => {
    const skip = guestSkipReason('ring3');
    if (skip) return t.skip(skip);
    const r = await run('ring3', ['--boot', boot, '--cmdline', 'n=10000000']);
    assert.equal(r.killed, false);
    assert.match(r.stdout, /ring3: sum\(1\.\.10000000\) = 50000005000000 \(ok\)/);
    assert.match(r.stdout, /ring3: store to 0x[0-9a-f]+ ok/);
    assert.match(r.stdout, /ring3: store to 0x140000000 -> vector 14 err=0x6 cr2=0x140000000 \(ok\)/);
    assert.match(r.stdout, /ring3: pass/);
    assert.equal(r.code, 0, r.stderr);
  });
}

test('exit-bench does count= port-0x80 exits and exits 0', async (t) => {
  const skip = guestSkipReason('exit-bench');
  if (skip) return t.skip(skip);
  const r = await run('exit-bench', ['--cmdline', 'count=2000']);
  assert.equal(r.killed, false);
  assert.match(r.stdout, /exit-bench: 2000 outb to port 0x80/);
  assert.match(r.stdout, /exit-bench: done/);
  assert.equal(r.code, 0, r.stderr);
});
