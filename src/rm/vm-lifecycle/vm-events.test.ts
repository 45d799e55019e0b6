import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LifecycleVm, VmAttrs } from './lifecycle-vm.js';
import { decideVmEvent, type VmEvent } from './vm-events.js';
import type { VmStatus } from '../vm-constants.js';

const HLOS = 3;
const NO_ATTRS: VmAttrs = { noShutdown: false, noReset: false, crashFatal: false };

function vm(status: number, extra: Partial<LifecycleVm> = {}): LifecycleVm {
  return Object.freeze({ vmid: 0x82, owner: HLOS, status: status as VmStatus, osStatus: 4, appStatus: 0, attrs: NO_ATTRS, hasCrashMsg: false, ...extra });
}

const exited = (exitType: number, exitFlags: number, exitCode: number, exitReason: number[]) => ({
  kind: 'NOTIFY_VM_EXITED', msgId: 0x56100001, to: HLOS, vmid: 0x82, exitType, exitFlags, exitCode, exitReason,
});

// gunyah.md §6.1 "vCPU halt" and §4.2: exit type per event, exit_code SOFTWARE_ERROR once a crash message was set.
const TABLE: readonly [string, VmEvent, boolean, ReturnType<typeof exited>][] = [
  ['power-off', { kind: 'POWER_OFF' }, false, exited(1, 0, 0, [0])],
  ['power-off after a crash message', { kind: 'POWER_OFF' }, true, exited(1, 0, 1, [0x1_0000])],
  ['PSCI SYSTEM_RESET', { kind: 'SYSTEM_RESET' }, false, exited(2, 0, 0, [0])],
  ['PSCI SYSTEM_RESET2, SMC64', { kind: 'SYSTEM_RESET2', resetType: 0x8000_0001, cookie: 0x1122_3344_5566_7788n, smc64: true }, false, exited(3, 0x8000, 0, [0x8000, 0x8000_0001, 0x5566_7788, 0x1122_3344])],
  ['PSCI SYSTEM_RESET2, SMC32: cookie cut to 32 bits', { kind: 'SYSTEM_RESET2', resetType: 0, cookie: 0x1122_3344_5566_7788n, smc64: false }, false, exited(3, 0, 0, [0, 0, 0x5566_7788, 0])],
  ['vCPU fault (crash)', { kind: 'FAULT' }, false, exited(5, 0, 0, [0])],
  ['vCPU fault after a crash message', { kind: 'FAULT' }, true, exited(5, 0, 1, [0x1_0000])],
  ['unexpected halt', { kind: 'UNEXPECTED_HALT' }, true, exited(5, 0, 2, [0x2_0000])],
  ['watchdog bite', { kind: 'WATCHDOG_BITE' }, false, exited(4, 0, 0, [0])],
];

for (const [name, event, crashMsg, note] of TABLE) {
  test(`${name}: RUNNING and PAUSED -> EXITED, NOTIFY_VM_STATUS then NOTIFY_VM_EXITED to the owner`, () => {
    for (const from of [3, 4]) {
      const o = decideVmEvent(vm(from, { hasCrashMsg: crashMsg }), event);
      assert.equal(o.kind, 'exited');
      if (o.kind !== 'exited') return;
      assert.equal(o.vm.status, 9);
      assert.deepEqual(o.states, [9]);
      assert.deepEqual(o.notifications, [{ kind: 'NOTIFY_VM_STATUS', msgId: 0x56100008, to: 'peers', vmid: 0x82, vmStatus: 9, osStatus: 4, appStatus: 0 }, note]);
      assert.deepEqual(o.effects, ['kill-vcpus']);
    }
  });
}

test('an event for a VM that already exited is ignored (EXITED, RESETTING, RESET)', () => {
  for (const s of [9, 10, 11]) assert.deepEqual(decideVmEvent(vm(s), { kind: 'FAULT' }), { kind: 'ignored', ok: false, reason: 'already-exited' });
});

test('an event for a VM that is not running is ignored; so is one for a no-shutdown VM', () => {
  for (const s of [0, 1, 2, 5, 6, 8]) assert.deepEqual(decideVmEvent(vm(s), { kind: 'WATCHDOG_BITE' }), { kind: 'ignored', ok: false, reason: 'not-running' }, `status ${s}`);
  assert.deepEqual(decideVmEvent(vm(3, { attrs: { ...NO_ATTRS, noShutdown: true } }), { kind: 'POWER_OFF' }), { kind: 'ignored', ok: false, reason: 'no-shutdown' });
});

test('a crash-fatal VM that stops is fatal, in any state (RM panics before it looks at the state)', () => {
  const attrs = { noShutdown: true, noReset: true, crashFatal: true };
  for (const s of [3, 9]) assert.deepEqual(decideVmEvent(vm(s, { attrs }), { kind: 'FAULT' }), { kind: 'fatal', ok: false, reason: 'crash-fatal' });
});
