// When the VM Generation ID changes (shared/reference/vmgenid.md §2.3): on restore and clone, never on
// pause/resume or a snapshot that is not restored. Checked from the host in guest memory, in QEMU's byte order.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, openSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Vm } from '../../src/vm/vm.js';
import { VmShellPool } from '../../src/vm/vm-shell-pool.js';
import { readSnapshot } from '../../src/snapshot/snapshot-files.js';
import { parseUuid, toGuestByteOrder, formatUuid } from '../../src/devices/vmgenid/uuid.js';
import { LAYOUT } from '../../src/arch/x86_64/layout.js';
import { MEMORY_FILE } from '../../src/snapshot/snapshot-files.js';
import { guestElf, guestSkipReason } from '../support/bothy-process.js';

const A = '324e6eaf-d1d1-4bf6-bf41-b9bb6c91fb87';
const B = '0f8fad5b-d9cb-469f-a165-70867728950e';
const idInGuest = (vm: Vm): string => formatUuid(toGuestByteOrder(vm.memory.read(LAYOUT.VMGENID_START, 16)));

test('the generation ID changes on restore and clone, never on pause/resume or an unrestored snapshot', { timeout: 120_000 }, async (t) => {
  const skip = guestSkipReason('demo');
  if (skip) return t.skip(skip);
  const dir = mkdtempSync(join(tmpdir(), 'bothy-gen-'));
  const fd = openSync(join(dir, 'console.txt'), 'w');
  const vm = Vm.start({
    memSize: 64 * 2 ** 20, vcpus: 1, kernel: readFileSync(guestElf('demo')), kernelName: 'demo', cmdline: 'idle',
    boot: 'auto', consoleFd: fd, consolePrefix: '', vmgenid: parseUuid(A),
  });
  const restored: Vm[] = [];
  const watchdog = setTimeout(() => {
    for (const v of [vm, ...restored]) void v.stop('timeout');
  }, 90_000);
  try {
    // QEMU's documented order: first three fields byte-swapped in guest memory.
    assert.deepEqual([...vm.memory.read(LAYOUT.VMGENID_START, 16)],
      [0xaf, 0x6e, 0x4e, 0x32, 0xd1, 0xd1, 0xf6, 0x4b, 0xbf, 0x41, 0xb9, 0xbb, 0x6c, 0x91, 0xfb, 0x87]);
    assert.equal(vm.vmgenid(), A);
    await vm.pause();
    vm.resume();
    assert.equal(idInGuest(vm), A, 'pause/resume keeps the ID');
    const snap = join(dir, 'snap');
    await vm.snapshot(snap);
    assert.equal(idInGuest(vm), A, 'taking a snapshot keeps the source VM\'s ID');
    assert.equal(vm.state, 'running', 'the source keeps running after a snapshot');

    // Through a pre-built VM shell (the warm path) and without one: the same guest state either way.
    const shells = new VmShellPool(1);
    shells.prewarm((await readSnapshot(snap)).state.machine);
    const r1 = await Vm.restore(snap, { consoleFd: fd, consolePrefix: 'r1 ', shells }, parseUuid(B));
    shells.close();
    restored.push(r1);
    assert.equal(r1.vmgenid(), B);
    assert.equal(idInGuest(r1), B, 'the restored VM sees the new ID in memory');
    const ticksBefore = (readFileSync(join(dir, 'console.txt'), 'latin1').match(/r1 tick/g) ?? []).length;
    const end = Date.now() + 20_000;
    while ((readFileSync(join(dir, 'console.txt'), 'latin1').match(/r1 tick/g) ?? []).length <= ticksBefore) {
      assert.ok(Date.now() < end, 'the VM restored into a shell keeps running');
      await new Promise((r) => setTimeout(r, 100));
    }
    const c1 = await Vm.restore(snap, { consoleFd: fd, consolePrefix: 'c1 ' });
    const c2 = await Vm.restore(snap, { consoleFd: fd, consolePrefix: 'c2 ' });
    restored.push(c1, c2);
    assert.notEqual(c1.vmgenid(), c2.vmgenid(), 'clones get different IDs');
    assert.notEqual(c1.vmgenid(), A);
    assert.equal(idInGuest(c1), c1.vmgenid());
    // The snapshot's memory file still holds the original ID: restores never write to it.
    const file = readFileSync(join(snap, MEMORY_FILE)).subarray(LAYOUT.VMGENID_START, LAYOUT.VMGENID_START + 16);
    assert.equal(formatUuid(toGuestByteOrder(new Uint8Array(file))), A);
  } finally {
    clearTimeout(watchdog);
    await Promise.all([vm, ...restored].map((v) => v.stop()));
    closeSync(fd);
  }
});
