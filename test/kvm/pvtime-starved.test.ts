// PV time's stolen-time record grows when the vCPU thread is starved: bothy and a busy loop are pinned to
// the same CPU, so the vCPU thread waits on the run queue about half the time, and the guest sees it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { guestElf, guestSkipReason, runBothy, BOTHY_CLI } from '../support/bothy-process.js';

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

test('stolen-time accounting survives a snapshot: the restored record continues, never goes back, and keeps counting', { timeout: 150_000 }, async (t) => {
  const skip = guestSkipReason('pvtime') ?? (hasTaskset() ? undefined : 'taskset (util-linux) is not installed');
  if (skip) return t.skip(skip);
  const dir = mkdtempSync(join(tmpdir(), 'bothy-pvsnap-'));
  const sock = join(dir, 'api.sock');
  const snap = join(dir, 'snap');
  const child = spawn(process.execPath, [BOTHY_CLI, 'run', '--kernel', guestElf('pvtime'), '--cmdline', 'seconds=8', '--api-sock', sock, '--timeout', '60'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const killer = setTimeout(() => child.kill('SIGKILL'), 90_000);
  const closed = new Promise((r) => child.on('close', r));
  let before = '';
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        before += d;
        if (stolen(before).length >= 3) resolve();
      });
      child.on('close', () => reject(new Error(`the guest ended before its third report: ${before}`)));
    });
    const s = await runBothy(['ctl', '--api-sock', sock, 'snapshot', snap]);
    assert.equal(s.code, 0, s.stderr);
  } finally {
    child.kill('SIGTERM');
    await closed;
    clearTimeout(killer);
  }
  const hog = spawn('taskset', ['-c', '0', process.execPath, '-e', 'for (;;) {}'], { stdio: 'ignore' });
  try {
    const r = await runBothy(['restore', snap, '--timeout', '60'], { killAfterMs: 90_000, wrap: ['taskset', '-c', '0'] });
    // The guest itself fails (exit 1) if the value it reads ever goes back.
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const after = stolen(r.stdout);
    const atSnapshot = stolen(before).at(-1)!;
    assert.ok(after.length >= 3, r.stdout);
    assert.ok(after[0]! >= atSnapshot, `the restored record continues from ${atSnapshot}: ${after.join(', ')}`);
    assert.ok(after.at(-1)! > after[0]!, `the restored vCPU is still accounted: ${after.join(', ')}`);
  } finally {
    hog.kill('SIGKILL');
  }
});
