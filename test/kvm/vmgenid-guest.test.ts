// The VM Generation ID as a guest sees it, end to end through the CLI: the vmgenid micro-guest finds the
// device in its DTB and reads the ID; after snapshot → restore it takes the interrupt, reads the new ID,
// and its counter continues; two clones report different IDs and both keep counting.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { runBothy, guestElf, guestSkipReason, BOTHY_CLI } from '../support/bothy-process.js';

const A = '324e6eaf-d1d1-4bf6-bf41-b9bb6c91fb87';
const B = '0f8fad5b-d9cb-469f-a165-70867728950e';

test('the guest reads the ID it was given from the DTB', async (t) => {
  const skip = guestSkipReason('vmgenid');
  if (skip) return t.skip(skip);
  const r = await runBothy(['run', '--kernel', guestElf('vmgenid'), '--cmdline', 'once', '--vmgenid', A, '--timeout', '60'], { killAfterMs: 90_000 });
  assert.match(r.stdout, new RegExp(`vmgenid: id ${A} at 0xdf000 gsi 5`));
  assert.equal(r.code, 0, r.stderr);
});

/** Runs the vmgenid guest with an API socket, snapshots it once its counter reached `tick`, then stops it. */
async function snapshotAtTick(dir: string, tick: number): Promise<void> {
  const sock = join(dir, 'api.sock');
  const snap = join(dir, 'snap');
  const child = spawn(process.execPath, [BOTHY_CLI, 'run', '--kernel', guestElf('vmgenid'), '--vmgenid', A, '--api-sock', sock, '--timeout', '60'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const killer = setTimeout(() => child.kill('SIGKILL'), 90_000);
  let out = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d;
      if (out.includes(`vmgenid tick ${tick} `)) resolve();
    });
    child.on('close', () => reject(new Error(`guest ended before tick ${tick}: ${out}`)));
  });
  const ctl = await runBothy(['ctl', '--api-sock', sock, 'snapshot', snap]);
  assert.equal(ctl.code, 0, ctl.stderr);
  child.kill('SIGTERM');
  await new Promise((r) => child.on('close', r));
  clearTimeout(killer);
}

test('after restore the guest gets the interrupt and the new ID, and its counter continues', async (t) => {
  const skip = guestSkipReason('vmgenid');
  if (skip) return t.skip(skip);
  const dir = mkdtempSync(join(tmpdir(), 'bothy-vgg-'));
  await snapshotAtTick(dir, 2);
  const r = await runBothy(['restore', join(dir, 'snap'), '--vmgenid', B, '--timeout', '4'], { killAfterMs: 60_000 });
  assert.match(r.stdout, new RegExp(`vmgenid: interrupt 1 new id ${B}`));
  const ticks = [...r.stdout.matchAll(/vmgenid tick (\d+) id (\S+) irqs (\d+)/g)];
  assert.ok(ticks.length >= 1, r.stdout);
  assert.ok(Number(ticks[0]![1]) >= 3, 'the counter continues from the snapshot, not from 1');
  assert.deepEqual(new Set(ticks.map((m) => m[2])), new Set([B]));
  assert.equal(ticks.at(-1)![3], '1', 'exactly one notification');

  const c = await runBothy(['clone', join(dir, 'snap'), '--count', '2', '--timeout', '4'], { killAfterMs: 60_000 });
  const idOf = (k: number) => new RegExp(`\\[clone ${k}\\] vmgenid: interrupt 1 new id (\\S+)`).exec(c.stdout)?.[1];
  const [id0, id1] = [idOf(0), idOf(1)];
  assert.ok(id0 && id1, c.stdout);
  assert.notEqual(id0, id1, 'clones get different IDs');
  assert.notEqual(id0, A);
  for (const k of [0, 1]) assert.match(c.stdout, new RegExp(`\\[clone ${k}\\] vmgenid tick [3-9]`), `clone ${k} keeps counting`);
});
