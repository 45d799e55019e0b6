// The hypervisor-service options end to end through the CLI: `run --hypercalls` hides services from the
// guest, `--vendor-uid gunyah` changes what it detects, `ctl fw-reg` reads and (refuses to) change the
// registers of a running VM, and `restore --mask-hypercalls` refuses a snapshot whose guest saw more.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { runBothy, guestElf, guestSkipReason, BOTHY_CLI } from '../support/bothy-process.js';
import { EXIT } from '../../src/cli/exit-codes.js';

test('run --hypercalls turns services off for the guest; --vendor-uid gunyah makes it detect Gunyah', async (t) => {
  const skip = guestSkipReason('hypercalls');
  if (skip) return t.skip(skip);
  const off = await runBothy(['run', '--kernel', guestElf('hypercalls'), '--cmdline', 'stage=disabled',
    '--hypercalls', 'trng=off,pv-time=off,vendor=off,ptp=off', '--timeout', '60'], { killAfterMs: 90_000 });
  assert.equal(off.code, 0, off.stdout + off.stderr);
  const gunyah = await runBothy(['run', '--kernel', guestElf('hypercalls'), '--cmdline', 'stage=enabled uid=gunyah',
    '--vendor-uid', 'gunyah', '--timeout', '60'], { killAfterMs: 90_000 });
  assert.equal(gunyah.code, 0, gunyah.stdout + gunyah.stderr);
});

test('ctl fw-reg on a running VM: list and get work, a changed bitmap is EBUSY; restore without PTP is refused', { timeout: 120_000 }, async (t) => {
  const skip = guestSkipReason('demo');
  if (skip) return t.skip(skip);
  const dir = mkdtempSync(join(tmpdir(), 'bothy-fwcli-'));
  const sock = join(dir, 'api.sock');
  const child = spawn(process.execPath, [BOTHY_CLI, 'run', '--kernel', guestElf('demo'), '--cmdline', 'idle', '--api-sock', sock, '--timeout', '60'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const killer = setTimeout(() => child.kill('SIGKILL'), 90_000);
  const closed = new Promise((r) => child.on('close', r));
  try {
    await new Promise<void>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d;
        if (out.includes('tick 1')) resolve();
      });
      child.on('close', () => reject(new Error(`the guest ended early: ${out}`)));
    });
    const list = await runBothy(['ctl', '--api-sock', sock, 'fw-reg', 'list']);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /KVM_REG_ARM_VENDOR_HYP_BMAP\b/);
    const get = await runBothy(['ctl', '--api-sock', sock, 'fw-reg', 'get', 'std-bmap']);
    assert.equal(get.code, 0, get.stderr);
    assert.match(get.stdout, /0x1\b/);
    const busy = await runBothy(['ctl', '--api-sock', sock, 'fw-reg', 'set', 'std-bmap', '0']);
    assert.notEqual(busy.code, 0);
    assert.match(busy.stderr, /EBUSY/);
    const same = await runBothy(['ctl', '--api-sock', sock, 'fw-reg', 'set', 'std-bmap', '1']);
    assert.equal(same.code, 0, same.stderr);

    const snap = join(dir, 'snap');
    const s = await runBothy(['ctl', '--api-sock', sock, 'snapshot', snap]);
    assert.equal(s.code, 0, s.stderr);
    const refused = await runBothy(['restore', snap, '--mask-hypercalls', 'ptp', '--timeout', '10'], { killAfterMs: 60_000 });
    assert.equal(refused.code, EXIT.BAD_INPUT, refused.stdout + refused.stderr);
    assert.match(refused.stderr, /KVM_REG_ARM_VENDOR_HYP_BIT_PTP/);
  } finally {
    child.kill('SIGTERM');
    await closed;
    clearTimeout(killer);
  }
});
