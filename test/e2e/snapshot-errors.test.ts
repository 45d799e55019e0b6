// Snapshots that cannot be written or read: a full disk while the VM runs (the VM keeps running, nothing
// half-written is left), and damaged, truncated or newer-format snapshots refused by `bothy restore`
// with the problem named and the files unchanged.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, writeFileSync, truncateSync, cpSync } from 'node:fs';
import { execFileSync, spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBothy, guestSkipReason, BOTHY_CLI } from '../support/bothy-process.js';
import { STATE_FILE, MEMORY_FILE } from '../../src/snapshot/snapshot-files.js';

const root = mkdtempSync(join(tmpdir(), 'bothy-snaperr-'));

async function withIdleVm(fn: (sock: string, ticks: () => number) => Promise<void>): Promise<void> {
  const sock = join(root, `api-${Date.now()}.sock`);
  const child = spawn(process.execPath, [BOTHY_CLI, 'run', '--mem', '64M', '--cmdline', 'idle', '--api-sock', sock, '--timeout', '90'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const killer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d));
  const ticks = (): number => (out.match(/tick \d+/g) ?? []).length;
  try {
    const end = Date.now() + 60_000;
    while (ticks() < 1) {
      assert.ok(Date.now() < end, `the VM never ticked: ${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    await fn(sock, ticks);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.on('close', r));
    clearTimeout(killer);
  }
}

test('a snapshot into a full disk fails clearly, leaves nothing behind, and the VM keeps running', async (t) => {
  const skip = guestSkipReason('demo');
  if (skip) return t.skip(skip);
  const mnt = join(root, 'tiny');
  mkdirSync(mnt);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', mnt], { stdio: 'ignore' });
  } catch {
    return t.skip('cannot mount a tmpfs here (needs root): the full-disk path is covered only by the unit test');
  }
  try {
    await withIdleVm(async (sock, ticks) => {
      const r = await runBothy(['ctl', '--api-sock', sock, 'snapshot', join(mnt, 'snap')]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /No space left while writing .*memory/);
      assert.deepEqual(readdirSync(mnt), [], 'no partial snapshot or temporary directory');
      const status = await runBothy(['ctl', '--api-sock', sock, 'status']);
      assert.match(status.stdout, /running/);
      const before = ticks();
      const end = Date.now() + 30_000;
      while (ticks() <= before) {
        assert.ok(Date.now() < end, 'the VM keeps ticking after the failed snapshot');
        await new Promise((res) => setTimeout(res, 100));
      }
    });
  } finally {
    execFileSync('umount', [mnt]);
  }
});

test('bothy restore refuses damaged, truncated and newer-format snapshots and leaves them unchanged', async (t) => {
  const skip = guestSkipReason('demo');
  if (skip) return t.skip(skip);
  const good = join(root, 'good');
  await withIdleVm(async (sock) => {
    const r = await runBothy(['ctl', '--api-sock', sock, 'snapshot', good]);
    assert.equal(r.code, 0, r.stderr);
  });
  const variant = (name: string, damage: (dir: string) => void): string => {
    const dir = join(root, name);
    cpSync(good, dir, { recursive: true });
    damage(dir);
    return dir;
  };
  const flipped = variant('flipped', (d) => {
    const b = readFileSync(join(d, STATE_FILE));
    b[b.length >> 1]! ^= 0x40;
    writeFileSync(join(d, STATE_FILE), b);
  });
  const cut = variant('cut', (d) => truncateSync(join(d, STATE_FILE), 100));
  const shortMem = variant('short-memory', (d) => truncateSync(join(d, MEMORY_FILE), 4096));
  const newer = variant('newer', (d) => {
    const b = readFileSync(join(d, STATE_FILE));
    b.writeUInt32LE(99, 8);
    writeFileSync(join(d, STATE_FILE), b);
  });
  const cases: [string, RegExp][] = [
    [flipped, /state is damaged: its CRC-32 does not match/],
    [cut, /state is truncated/],
    [shortMem, /memory is 4096 bytes but the snapshot's RAM is/],
    [newer, /format version 99, newer than this bothy reads/],
    [join(root, 'missing'), /does not exist: is .* a bothy snapshot directory/],
  ];
  for (const [dir, pattern] of cases) {
    const before = readdirSync(root).includes(dir.split('/').at(-1)!) ? readFileSync(join(dir, STATE_FILE)) : undefined;
    const r = await runBothy(['restore', dir, '--timeout', '10'], { killAfterMs: 30_000 });
    assert.match(r.stderr, pattern, dir);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'one line, no stack trace');
    assert.ok(r.code === 65 || r.code === 66, `exit code ${r.code} for ${dir}`);
    if (before) assert.deepEqual(readFileSync(join(dir, STATE_FILE)), before, 'the file is unchanged');
  }
});
