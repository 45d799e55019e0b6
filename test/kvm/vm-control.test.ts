// Run control inside one process: pause parks every vCPU outside KVM_RUN (the guest's ticks stop),
// resume lets it continue, stop ends the VM and releases its workers.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSync, readFileSync, mkdtempSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Vm } from '../../src/vm/vm.js';
import { randomUuidV4 } from '../../src/devices/vmgenid/uuid.js';
import { guestElf, guestSkipReason } from '../support/bothy-process.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function ticks(file: string): number {
  return [...readFileSync(file, 'latin1').matchAll(/tick (\d+)/g)].length;
}

async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

for (const vcpus of [1, 2]) {
  test(`pause stops the guest's clock-driven work and resume continues it (${vcpus} vCPU)`, { timeout: 120_000 }, async (t) => {
    const skip = guestSkipReason('demo');
    if (skip) return t.skip(skip);
    const console = join(mkdtempSync(join(tmpdir(), 'bothy-ctl-')), 'console.txt');
    const fd = openSync(console, 'w');
    const vm = Vm.start({
      memSize: 256 * 2 ** 20, vcpus, kernel: readFileSync(guestElf('demo')), kernelName: 'demo',
      cmdline: 'idle', boot: 'auto', consoleFd: fd, consolePrefix: '', vmgenid: randomUuidV4(),
    });
    const watchdog = setTimeout(() => void vm.stop('timeout'), 60_000);
    try {
      await until(() => ticks(console) >= 1, 30_000, 'the first tick');
      await vm.pause();
      assert.equal(vm.state, 'paused');
      const frozen = ticks(console);
      await sleep(2500);
      assert.equal(ticks(console), frozen, 'no ticks while paused');
      vm.resume();
      assert.equal(vm.state, 'running');
      await until(() => ticks(console) > frozen, 30_000, 'a tick after resume');
    } finally {
      const reason = await vm.stop('user');
      clearTimeout(watchdog);
      closeSync(fd);
      assert.deepEqual(reason, { kind: 'stopped', by: 'user' });
    }
  });
}

// A resume followed at once by a pause (a snapshot right after a resume does exactly this) must not
// lose a vCPU that woke from the first pause but had not yet seen RUNNING when the second began.
test('back-to-back resume and pause never lose a vCPU (2 vCPUs, 300 cycles)', { timeout: 120_000 }, async (t) => {
  const skip = guestSkipReason('demo');
  if (skip) return t.skip(skip);
  const fd = openSync(join(mkdtempSync(join(tmpdir(), 'bothy-ctl-')), 'console.txt'), 'w');
  const vm = Vm.start({
    memSize: 64 * 2 ** 20, vcpus: 2, kernel: readFileSync(guestElf('demo')), kernelName: 'demo',
    cmdline: 'idle', boot: 'auto', consoleFd: fd, consolePrefix: '', vmgenid: randomUuidV4(),
  });
  const watchdog = setTimeout(() => void vm.stop('timeout'), 90_000);
  try {
    for (let i = 0; i < 300; i++) {
      await vm.pause();
      assert.equal(vm.state, 'paused', `cycle ${i}`);
      vm.resume();
    }
    assert.equal(vm.state, 'running');
  } finally {
    await vm.stop('user');
    clearTimeout(watchdog);
    closeSync(fd);
  }
});
