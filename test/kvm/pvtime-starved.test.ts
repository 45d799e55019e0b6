// PV time's stolen-time record grows when the vCPU thread is starved: bothy and a busy loop are pinned to
// the same CPU, so the vCPU thread waits on the run queue about half the time, and the guest sees it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { guestElf, guestSkipReason, runBothy } from '../support/bothy-process.js';

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const stolen = (out: string): bigint[] => [...out.matchAll(/pvtime: stolen (\d+)/g)].map((m) => BigInt(m[1]!));

test('a starved vCPU thread shows up as growing stolen time in the guest\'s PV-time record', { timeout: 120_000 }, async (t) => {
  const skip = guestSkipReason('pvtime') ?? (hasTaskset() ? undefined : 'taskset (util-linux) is not installed');
  if (skip) return t.skip(skip);
  const hog = spawn('taskset', ['-c', '0', process.execPath, '-e', 'for (;;) {}'], { stdio: 'ignore' });
  try {
    const r = await runBothy(['run', '--kernel', guestElf('pvtime'), '--cmdline', 'seconds=3', '--timeout', '60'], {
      killAfterMs: 90_000,
      // Pinning bothy's whole process pins its vCPU thread; the hog shares that CPU.
      wrap: ['taskset', '-c', '0'],
    });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const s = stolen(r.stdout);
    assert.ok(s.length >= 3, r.stdout);
    assert.ok(s.at(-1)! > s[0]!, `stolen time grows: ${s.join(', ')}`);
    // Half of three seconds is the expectation; a tenth of a second is far below it and far above zero.
    assert.ok(s.at(-1)! > 100_000_000n, `a starved vCPU loses real time: ${s.join(', ')}`);
  } finally {
    hog.kill('SIGKILL');
  }
});
