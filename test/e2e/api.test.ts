// End to end: `bothy run --api-sock S` with the idle demo guest, driven by `bothy ctl --api-sock S`:
// status, pause (the guest's ticks stop), resume (they go on), snapshot (files written), vmgenid.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BOTHY_CLI, guestSkipReason, runBothy, type BothyRun } from '../support/bothy-process.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function ticks(consoleText: string): number {
  return [...consoleText.matchAll(/tick (\d+)/g)].length;
}

async function until(cond: () => boolean | Promise<boolean>, ms: number, what: () => string): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what()}`);
    await sleep(100);
  }
}

test('bothy ctl drives a running VM through its API socket', { timeout: 300_000 }, async (t) => {
  const skip = guestSkipReason('demo');
  if (skip) return t.skip(skip);
  const work = mkdtempSync(join(tmpdir(), 'bothy-api-e2e-'));
  const sock = join(work, 'api.sock');
  const ctl = (...args: string[]): Promise<BothyRun> => runBothy(['ctl', '--api-sock', sock, ...args], { killAfterMs: 120_000 });

  const vm = spawn(process.execPath, [BOTHY_CLI, 'run', '--cmdline', 'idle', '--api-sock', sock, '--timeout', '240'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  // Read through a function: the close handler sets it, which the compiler's narrowing can't see.
  let endedAs: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const ended = (): typeof endedAs => endedAs;
  vm.stdout.on('data', (d: Buffer) => (out += d.toString('latin1')));
  vm.stderr.on('data', (d: Buffer) => (err += d.toString('latin1')));
  const exited = new Promise<void>((r) => vm.on('close', (code, signal) => {
    endedAs = { code, signal };
    r();
  }));
  const killTimer = setTimeout(() => vm.kill('SIGKILL'), 280_000);
  const state = (): string => {
    const e = ended();
    return e ? `bothy run ended early (${e.code ?? e.signal}): ${err.trim()}` : `console so far: ${out.slice(-200)}`;
  };

  try {
    // Ready: the guest ticks and the API answers.
    await until(() => ended() !== undefined || ticks(out) >= 1, 90_000, () => `the first tick; ${state()}`);
    assert.equal(ended(), undefined, state());
    let status: BothyRun | undefined;
    await until(async () => {
      if (ended()) return true;
      status = await ctl('--json', 'status');
      return status.code === 0;
    }, 30_000, () => `the API to answer; ${status?.stderr ?? ''} ${state()}`);
    assert.equal(ended(), undefined, state());
    assert.ok(statSync(sock).isSocket());
    assert.equal(statSync(sock).mode & 0o777, 0o600);
    const s = JSON.parse(status!.stdout);
    assert.equal(s.state, 'running');
    assert.equal(s.cmdline, 'idle');
    assert.equal(s.vcpus, 1);

    // Pause: no more ticks.
    let r = await ctl('pause');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'VM paused\n');
    const frozen = ticks(out);
    await sleep(2500);
    assert.equal(ticks(out), frozen, 'no ticks while paused');
    r = await ctl('status');
    assert.match(r.stdout, /^state: +paused$/m);

    // Resume: ticks again.
    r = await ctl('resume');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'VM resumed\n');
    await until(() => ticks(out) > frozen, 30_000, () => `a tick after resume; ${state()}`);

    // Snapshot: the directory gets the state and memory files; the VM keeps running; the same
    // directory again is refused.
    const snap = join(work, 'snap');
    r = await ctl('snapshot', snap);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `Snapshot written to ${snap}\n`);
    assert.ok(existsSync(join(snap, 'state')), 'DIR/state');
    assert.ok(existsSync(join(snap, 'memory')), 'DIR/memory');
    const afterSnap = ticks(out);
    await until(() => ticks(out) > afterSnap, 30_000, () => `a tick after the snapshot; ${state()}`);
    r = await ctl('snapshot', snap);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^bothy: .+/);

    // VM Generation ID: a UUID once the device exists, until then the API's not-found.
    r = await ctl('vmgenid');
    if (r.code === 0) assert.match(r.stdout, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\n$/i);
    else {
      assert.equal(r.code, 1);
      assert.match(r.stderr, /no VM Generation ID device/);
    }
  } finally {
    if (!ended()) vm.kill('SIGTERM');
    await exited;
    clearTimeout(killTimer);
  }
  assert.equal(ended()?.code, 130, `bothy run ends on SIGTERM with 130: ${err}`);
  const r = await ctl('status');
  assert.equal(r.code, 69, 'nothing listens once bothy has ended');
});
