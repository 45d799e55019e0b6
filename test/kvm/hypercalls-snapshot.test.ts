// Snapshots carry the firmware pseudo-registers, and a restore onto a bothy that supports fewer services is
// refused naming the missing bits (the migration-safety rule the registers exist for).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, openSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Vm } from '../../src/vm/vm.js';
import { randomUuidV4 } from '../../src/devices/vmgenid/uuid.js';
import { SnapshotError } from '../../src/snapshot/snapshot-error.js';
import { KVM_REG_ARM_PSCI_VERSION, KVM_REG_ARM_STD_HYP_BMAP, KVM_REG_ARM_VENDOR_HYP_BMAP, KVM_ARM_PSCI_1_1 } from '../../src/hypercalls/firmware-registers.js';
import { guestElf, guestSkipReason } from '../support/bothy-process.js';

test('a snapshot keeps the registers; a restore that lacks a service the guest saw is refused by name', { timeout: 120_000 }, async (t) => {
  const skip = guestSkipReason('demo');
  if (skip) return t.skip(skip);
  const dir = mkdtempSync(join(tmpdir(), 'bothy-fwsnap-'));
  const fd = openSync(join(dir, 'console.txt'), 'w');
  const vms: Vm[] = [];
  const watchdog = setTimeout(() => vms.forEach((v) => void v.stop('timeout')), 90_000);
  try {
    const vm = Vm.start({
      memSize: 64 * 2 ** 20, vcpus: 1, kernel: readFileSync(guestElf('demo')), kernelName: 'demo', cmdline: 'idle',
      boot: 'auto', consoleFd: fd, consolePrefix: '', vmgenid: randomUuidV4(),
      // PV time hidden, PTP hidden (vendor bit 0 kept), PSCI pinned to 1.1.
      hypercalls: { fwRegs: [{ id: KVM_REG_ARM_STD_HYP_BMAP, value: 0n }, { id: KVM_REG_ARM_VENDOR_HYP_BMAP, value: 1n }, { id: KVM_REG_ARM_PSCI_VERSION, value: KVM_ARM_PSCI_1_1 }] },
    });
    vms.push(vm);
    const snap = join(dir, 'snap');
    await vm.snapshot(snap);

    const back = await Vm.restore(snap, { consoleFd: fd, consolePrefix: 'r ' });
    vms.push(back);
    const regs = back.firmwareRegisters;
    assert.equal(regs.get(KVM_REG_ARM_STD_HYP_BMAP), 0n);
    assert.equal(regs.get(KVM_REG_ARM_VENDOR_HYP_BMAP), 1n);
    assert.equal(regs.get(KVM_REG_ARM_PSCI_VERSION), KVM_ARM_PSCI_1_1);
    assert.equal(regs.hasRan, true, 'a restored VM has run: bitmap changes are EBUSY');

    // A bothy without PV time can take this snapshot (its guest never saw PV time) ...
    const noPvTime = await Vm.restore(snap, { consoleFd: fd, consolePrefix: 'p ', hypercalls: { supported: { STD_HYP: 0n } } });
    vms.push(noPvTime);
    // ... one without the vendor calls cannot.
    await assert.rejects(
      Vm.restore(snap, { consoleFd: fd, consolePrefix: 'v ', hypercalls: { supported: { VENDOR_HYP: 0n } } }),
      (e: unknown) => e instanceof SnapshotError && e.code === 'incompatible' && /KVM_REG_ARM_VENDOR_HYP_BIT_FUNC_FEAT/.test(e.message),
    );
  } finally {
    clearTimeout(watchdog);
    await Promise.all(vms.map((v) => v.stop()));
    closeSync(fd);
  }
});
