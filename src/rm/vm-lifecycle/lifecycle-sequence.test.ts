// Whole lifecycles through the decisions, with the notifications each step sends (gunyah.md §4.1, §4.2, §6.1
// "Normal path"), and the RESETTING stages one event at a time.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LifecycleVm } from './lifecycle-vm.js';
import { advanceReset, runReset } from './vm-reset.js';
import { decideRequest, type LifecycleAccepted, type VmLifecycleRequest } from './vm-state-machine.js';
import { VmidAllocator } from './vmid-allocator.js';

const HLOS = 3;

const status = (vmid: number, vmStatus: number, osStatus = 0, appStatus = 0) => ({ kind: 'NOTIFY_VM_STATUS', msgId: 0x56100008, to: 'peers', vmid, vmStatus, osStatus, appStatus });

/** Applies a request the way an RM would: decide, then do the effects on the allocator. */
function apply(vm: LifecycleVm | undefined, req: VmLifecycleRequest, alloc: VmidAllocator): LifecycleAccepted {
  const d = decideRequest(vm, req, alloc);
  assert.ok(d.ok, `${req.kind} refused: ${JSON.stringify(d)}`);
  for (const e of d.effects) {
    if (e === 'claim-vmid') assert.equal(alloc.claim(d.vm!.vmid), true);
    if (e === 'release-vmid') assert.equal(alloc.release(vm!.vmid), true);
  }
  return d;
}

test('ALLOCATE -> CONFIG_IMAGE -> INIT -> START -> STOP(force) -> RESET -> DEALLOCATE, with each step\'s notifications', () => {
  const alloc = new VmidAllocator();

  const a = apply(undefined, { kind: 'VM_ALLOCATE', caller: HLOS, vmid: 0 }, alloc);
  assert.equal(a.replyVmid, 0x80);
  assert.deepEqual(a.states, [5]);
  assert.deepEqual(a.notifications, []);
  const vmid = a.vm!.vmid;

  const c = apply(a.vm, { kind: 'VM_CONFIG_IMAGE', caller: HLOS, authMech: 0 }, alloc);
  assert.deepEqual(c.states, [1]);
  assert.deepEqual(c.notifications, [status(vmid, 1)]);

  const i = apply(c.vm, { kind: 'VM_INIT', caller: HLOS, res0: 0 }, alloc);
  assert.deepEqual(i.states, [2]);
  assert.deepEqual(i.notifications, [status(vmid, 2)]);

  const s = apply(i.vm, { kind: 'VM_START', caller: HLOS }, alloc);
  assert.deepEqual(s.states, [3]);
  assert.deepEqual(s.notifications, [status(vmid, 3)]);

  const st = apply(s.vm, { kind: 'VM_STOP', caller: HLOS, flags: 1, stopReason: 3 }, alloc);
  assert.deepEqual(st.states, [9]);
  assert.deepEqual(st.notifications, [
    status(vmid, 9),
    { kind: 'NOTIFY_VM_EXITED', msgId: 0x56100001, to: HLOS, vmid, exitType: 7, exitFlags: 0, exitCode: 0, exitReason: [0] },
  ]);
  assert.deepEqual(st.effects, ['kill-vcpus']);

  const r = apply(st.vm, { kind: 'VM_RESET', caller: HLOS }, alloc);
  assert.deepEqual(r.states, [10]);
  assert.deepEqual(r.notifications, [status(vmid, 10)]);
  assert.deepEqual(r.effects, ['begin-reset']);

  const done = runReset(r.vm!);
  assert.ok(done);
  assert.deepEqual(done.stages, ['INIT', 'DESTROY_VDEVICES', 'RELEASE_MEMPARCELS', 'RELEASE_IRQS', 'DESTROY_VM', 'CLEANUP_VM', 'COMPLETED']);
  assert.deepEqual(done.notifications, [status(vmid, 11)]);
  assert.deepEqual(done.effects, ['deregister-peers']);
  assert.equal(done.vm.status, 11);
  assert.equal(done.vm.resetStage, undefined);

  assert.equal(alloc.isAllocated(vmid), true);
  const d = apply(done.vm, { kind: 'VM_DEALLOCATE', caller: HLOS }, alloc);
  assert.equal(d.vm, undefined);
  assert.deepEqual(d.notifications, []);
  assert.deepEqual(d.effects, ['delete-vm', 'release-vmid']);
  assert.equal(alloc.isFree(vmid), true);
  assert.deepEqual(alloc.allocate(0), { kind: 'picked', ok: true, vmid, dynamic: true }, 'the VMID is reused');
});

test('an illegal request in the middle of a lifecycle changes nothing, and the lifecycle goes on', () => {
  const alloc = new VmidAllocator();
  const a = apply(undefined, { kind: 'VM_ALLOCATE', caller: HLOS, vmid: 0 }, alloc);
  const before = alloc.state();
  for (const req of [
    { kind: 'VM_START', caller: HLOS },
    { kind: 'VM_INIT', caller: HLOS },
    { kind: 'VM_RESET', caller: HLOS },
    { kind: 'VM_STOP', caller: HLOS, flags: 1, stopReason: 0 },
    { kind: 'VM_CONFIG_IMAGE', caller: 0x81, authMech: 0 },
    { kind: 'VM_DEALLOCATE', caller: 0x81 },
  ] as const) {
    const d = decideRequest(a.vm, req, alloc);
    assert.equal(d.ok, false, req.kind);
  }
  assert.deepEqual(alloc.state(), before);
  assert.equal(a.vm!.status, 5);
  const c = apply(a.vm, { kind: 'VM_CONFIG_IMAGE', caller: HLOS, authMech: 0 }, alloc);
  assert.equal(c.vm!.status, 1);
});

test('PLATFORM auth: CONFIG_IMAGE -> AUTH -> AUTH_IMAGE -> INIT -> READY', () => {
  const alloc = new VmidAllocator();
  const a = apply(undefined, { kind: 'VM_ALLOCATE', caller: HLOS, vmid: 7 }, alloc);
  assert.equal(a.replyVmid, undefined, 'a specific VMID gets the standard reply');
  const c = apply(a.vm, { kind: 'VM_CONFIG_IMAGE', caller: HLOS, authMech: 1 }, alloc);
  assert.deepEqual(c.notifications, [status(7, 6)]);
  assert.equal(decideRequest(c.vm, { kind: 'VM_INIT', caller: HLOS }).ok, false, 'INIT before AUTH_IMAGE is VM_STATE');
  const au = apply(c.vm, { kind: 'VM_AUTH_IMAGE', caller: HLOS }, alloc);
  assert.deepEqual(au.notifications, [status(7, 1)]);
  const i = apply(au.vm, { kind: 'VM_INIT', caller: HLOS }, alloc);
  assert.equal(i.vm!.status, 2);
});

test('VM reuse: RESET -> CONFIG_IMAGE again, and a failed start goes INIT_FAILED -> RESET -> DEALLOCATE', () => {
  const alloc = new VmidAllocator();
  let vm = apply(undefined, { kind: 'VM_ALLOCATE', caller: HLOS, vmid: 0 }, alloc).vm;
  vm = apply(vm, { kind: 'VM_CONFIG_IMAGE', caller: HLOS, authMech: 2 }, alloc).vm;
  vm = apply(vm, { kind: 'VM_INIT', caller: HLOS }, alloc).vm;
  const failed = apply(vm, { kind: 'VM_START', caller: HLOS, outcome: 2 }, alloc);
  assert.equal(failed.reply, 2);
  assert.deepEqual(failed.notifications, [status(0x80, 8)]);
  assert.equal(decideRequest(failed.vm, { kind: 'VM_DEALLOCATE', caller: HLOS }).ok, false, 'INIT_FAILED cannot be deallocated directly');
  const r = apply(failed.vm, { kind: 'VM_RESET', caller: HLOS }, alloc);
  assert.deepEqual(r.effects, ['kill-vcpus', 'begin-reset']);
  const reset = runReset(r.vm!)!.vm;
  const again = apply(reset, { kind: 'VM_CONFIG_IMAGE', caller: HLOS, authMech: 0 }, alloc);
  assert.deepEqual(again.states, [1]);
  assert.equal(again.vm!.authType, 0);
});

test('a guest VM_EXIT, then RESET and DEALLOCATE', () => {
  const alloc = new VmidAllocator();
  let vm = apply(undefined, { kind: 'VM_ALLOCATE', caller: HLOS, vmid: 0 }, alloc).vm;
  for (const req of [
    { kind: 'VM_CONFIG_IMAGE', caller: HLOS, authMech: 0 },
    { kind: 'VM_INIT', caller: HLOS },
    { kind: 'VM_START', caller: HLOS },
  ] as const) vm = apply(vm, req, alloc).vm;
  const soft = apply(vm, { kind: 'VM_STOP', caller: HLOS, flags: 0, stopReason: 7 }, alloc);
  assert.deepEqual(soft.states, []);
  assert.deepEqual(soft.notifications, [{ kind: 'NOTIFY_VM_SHUTDOWN', msgId: 0x56100002, to: 0x80, stopReason: 7 }]);
  const e = apply(soft.vm, { kind: 'VM_EXIT', caller: 0x80, exitFlags: 1, exitCode: 0 }, alloc);
  assert.deepEqual(e.notifications, [
    status(0x80, 9),
    { kind: 'NOTIFY_VM_EXITED', msgId: 0x56100001, to: HLOS, vmid: 0x80, exitType: 0, exitFlags: 1, exitCode: 0, exitReason: [1] },
  ]);
  const r = apply(e.vm, { kind: 'VM_RESET', caller: HLOS }, alloc);
  const d = apply(runReset(r.vm!)!.vm, { kind: 'VM_DEALLOCATE', caller: HLOS }, alloc);
  assert.equal(d.vm, undefined);
  assert.equal(alloc.freeDynamicCount, 63);
});

test('RESETTING: one stage per event; an unfinished stage runs again; CLEANUP_VM clears os/app status and crash message', () => {
  const vm: LifecycleVm = Object.freeze({
    vmid: 0x80, owner: HLOS, status: 10, osStatus: 4, appStatus: 9, authType: 2, resetStage: 'INIT',
    attrs: Object.freeze({ noShutdown: false, noReset: false, crashFatal: false }), hasCrashMsg: true,
  });
  const seen: string[] = [];
  let v = vm;
  for (;;) {
    const s = advanceReset(v);
    if (s.kind !== 'stage') {
      assert.equal(s.kind, 'completed');
      if (s.kind === 'completed') {
        assert.deepEqual(s.notifications, [status(0x80, 11, 0, 0)], 'RESET is broadcast with the cleared os/app status');
        assert.equal(s.vm.hasCrashMsg, false);
        assert.equal(s.vm.authType, undefined);
      }
      break;
    }
    seen.push(s.ran);
    if (s.ran === 'RELEASE_MEMPARCELS' && !seen.includes('retry')) {
      const again = advanceReset(v, false);
      assert.equal(again.kind, 'stage');
      if (again.kind === 'stage') {
        assert.equal(again.completed, false);
        assert.equal(again.vm.resetStage, 'RELEASE_MEMPARCELS');
      }
      seen.push('retry');
    }
    assert.equal(s.vm.status, 10, 'still RESETTING between stages');
    if (s.ran === 'DESTROY_VM') assert.equal(s.vm.osStatus, 4, 'os status survives until CLEANUP_VM');
    v = s.vm;
  }
  assert.deepEqual(seen, ['INIT', 'DESTROY_VDEVICES', 'RELEASE_MEMPARCELS', 'retry', 'RELEASE_IRQS', 'DESTROY_VM', 'CLEANUP_VM']);
});

test('advanceReset on a VM that is not RESETTING does nothing', () => {
  const vm: LifecycleVm = Object.freeze({
    vmid: 0x80, owner: HLOS, status: 9, osStatus: 0, appStatus: 0,
    attrs: Object.freeze({ noShutdown: false, noReset: false, crashFatal: false }), hasCrashMsg: false,
  });
  assert.deepEqual(advanceReset(vm), { kind: 'not-resetting', ok: false });
  assert.equal(runReset(vm), undefined);
  assert.deepEqual(advanceReset({ ...vm, status: 10 }), { kind: 'not-resetting', ok: false }, 'RESETTING without a stage');
});
