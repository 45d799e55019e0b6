// A snapshot taken while a vCPU is between an exit and its next KVM_RUN must see that exit's instruction
// finished: a hypercall's result registers, an IN's data (api.rst, immediate_exit: "complete pending
// operations"). The hcbench guest checks every SMCCC_VERSION answer of a long loop; snapshots taken in
// the middle of it are restored and must finish with no wrong answer.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, openSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Vm } from '../../src/vm/vm.js';
import { randomUuidV4 } from '../../src/devices/vmgenid/uuid.js';
import { guestElf, guestSkipReason } from '../support/bothy-process.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('snapshots taken mid-hypercall-loop restore with every answer intact', { timeout: 240_000 }, async (t) => {
  const skip = guestSkipReason('hcbench');
  if (skip) return t.skip(skip);
  const dir = mkdtempSync(join(tmpdir(), 'bothy-midexit-'));
  const fd = openSync(join(dir, 'console.txt'), 'w');
  const vms: Vm[] = [];
  const watchdog = setTimeout(() => vms.forEach((v) => void v.stop('timeout')), 200_000);
  try {
    const vm = Vm.start({
      memSize: 64 * 2 ** 20, vcpus: 1, kernel: readFileSync(guestElf('hcbench')), kernelName: 'hcbench',
      cmdline: 'mode=hvc count=300000', boot: 'auto', consoleFd: fd, consolePrefix: '', vmgenid: randomUuidV4(),
    });
    vms.push(vm);
    const snaps: string[] = [];
    for (let i = 0; i < 4; i++) {
      await sleep(300);
      const s = join(dir, `snap${i}`);
      await vm.snapshot(s);
      snaps.push(s);
    }
    await vm.stop();
    for (const [i, s] of snaps.entries()) {
      const r = await Vm.restore(s, { consoleFd: fd, consolePrefix: `r${i} ` });
      vms.push(r);
      assert.deepEqual(await r.exited, { kind: 'guest-exit', code: 0 }, `restore of snapshot ${i}: ${readFileSync(join(dir, 'console.txt'), 'latin1').split('\n').filter((l) => l.startsWith(`r${i} `)).join('\n')}`);
    }
  } finally {
    clearTimeout(watchdog);
    await Promise.all(vms.map((v) => v.stop()));
    closeSync(fd);
  }
});
