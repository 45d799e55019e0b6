import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VmLifecycleError } from './vm-lifecycle-error.js';
import { VMID_DYNAMIC_BASE, VMID_DYNAMIC_END, VMID_HLOS, VMID_HYP, VMID_RM } from '../vm-constants.js';
import { RM_QEMU_SECONDARY_VMIDS, VmidAllocator } from './vmid-allocator.js';

const NORESOURCE = { kind: 'refused', ok: false, rmError: 2 };

test('special VMIDs and the dynamic range are gunyah.md §4', () => {
  assert.deepEqual([VMID_HYP, VMID_HLOS, VMID_RM, VMID_DYNAMIC_BASE, VMID_DYNAMIC_END], [0, 3, 0xff, 0x80, 0xbf]);
  assert.equal(RM_QEMU_SECONDARY_VMIDS, 0xffff_fff0n);
});

test('vmid 0 hands out 0x80, 0x81, ... up to 0xBE (63 VMIDs), then NORESOURCE', () => {
  const a = new VmidAllocator();
  assert.equal(a.freeDynamicCount, 63);
  const got: number[] = [];
  for (let i = 0; i < 63; i++) {
    const p = a.allocate(0);
    assert.ok(p.ok, `allocation ${i}`);
    assert.equal(p.dynamic, true);
    got.push(p.vmid);
  }
  assert.deepEqual(got, Array.from({ length: 63 }, (_, i) => 0x80 + i));
  assert.equal(got.at(-1), 0xbe);
  assert.equal(a.freeDynamicCount, 0);
  assert.deepEqual(a.allocate(0), NORESOURCE);
  assert.deepEqual(a.pick(0), NORESOURCE);
  assert.equal(a.isFree(0xbf), false, '0xBF is outside the free mask');
  assert.equal(a.release(0xbf), false);
});

test('release returns a VMID to the pool; the lowest free one is reused first', () => {
  const a = new VmidAllocator();
  for (let i = 0; i < 5; i++) a.allocate(0);
  assert.equal(a.release(0x82), true);
  assert.equal(a.release(0x82), false, 'already free');
  assert.equal(a.release(0x81), true);
  assert.equal(a.isFree(0x81), true);
  assert.equal(a.isDynamicVm(0x83), true);
  assert.equal(a.isDynamicVm(0x81), false);
  assert.deepEqual(a.allocate(0), { kind: 'picked', ok: true, vmid: 0x81, dynamic: true });
  assert.deepEqual(a.allocate(0), { kind: 'picked', ok: true, vmid: 0x82, dynamic: true });
  assert.deepEqual(a.allocate(0), { kind: 'picked', ok: true, vmid: 0x85, dynamic: true });
});

test('exhausted, then one released: that one comes back', () => {
  const a = new VmidAllocator();
  for (let i = 0; i < 63; i++) a.allocate(0);
  assert.equal(a.release(0xa0), true);
  assert.deepEqual(a.allocate(0), { kind: 'picked', ok: true, vmid: 0xa0, dynamic: true });
  assert.deepEqual(a.allocate(0), NORESOURCE);
});

test('a specific VMID must be < 64 and a free secondary VMID of the platform, else NORESOURCE', () => {
  const a = new VmidAllocator(); // QEMU platform: secondary VMIDs 4-31
  assert.deepEqual(a.allocate(4), { kind: 'picked', ok: true, vmid: 4, dynamic: false });
  assert.deepEqual(a.allocate(4), NORESOURCE, 'already taken');
  assert.deepEqual(a.allocate(31), { kind: 'picked', ok: true, vmid: 31, dynamic: false });
  for (const bad of [1, 2, 3, 32, 63, 64, 0x80, 0xbe, 0xff, 0xfffe, 0xffff, 1.5, -1]) {
    assert.deepEqual(a.pick(bad), NORESOURCE, `vmid ${bad}`);
  }
  assert.equal(a.freeDynamicCount, 63, 'specific requests never touch the dynamic pool');
  assert.equal(a.release(4), true);
  assert.deepEqual(a.allocate(4), { kind: 'picked', ok: true, vmid: 4, dynamic: false });
  assert.equal(a.release(3), false, 'HLOS is not the allocator\'s');
});

test('pick changes nothing; claim takes what was picked once', () => {
  const a = new VmidAllocator({ secondaryVmids: 1n << 5n });
  assert.deepEqual(a.pick(0), a.pick(0));
  const p = a.pick(5);
  assert.ok(p.ok);
  assert.equal(a.claim(p.vmid), true);
  assert.equal(a.claim(p.vmid), false);
  assert.deepEqual(a.pick(5), NORESOURCE);
  assert.deepEqual(a.pick(6), NORESOURCE, 'not in this platform\'s set');
});

test('a secondary mask that is not a u64, or names VMID 0 or HLOS, is refused with what to do', () => {
  for (const bad of [-1n, 1n << 64n, 1n, 1n << 3n]) {
    assert.throws(() => new VmidAllocator({ secondaryVmids: bad }), (e: unknown) => e instanceof VmLifecycleError && e.code === 'INVALID_OPTION' && /mask/.test(e.message));
  }
  assert.equal(new VmidAllocator({ secondaryVmids: 0n }).pick(4).ok, false);
});

test('state() -> fromState() keeps both free sets; a state with stray bits is refused', () => {
  const a = new VmidAllocator();
  a.allocate(0);
  a.allocate(0);
  a.allocate(7);
  a.release(0x80);
  const b = VmidAllocator.fromState(a.state());
  assert.deepEqual(b.state(), a.state());
  assert.deepEqual(b.allocate(0), { kind: 'picked', ok: true, vmid: 0x80, dynamic: true });
  assert.deepEqual(b.allocate(7), NORESOURCE);
  const s = a.state();
  assert.throws(() => VmidAllocator.fromState({ ...s, freeSecondary: s.freeSecondary | 1n }), (e: unknown) => e instanceof VmLifecycleError && e.code === 'INVALID_STATE');
  assert.throws(() => VmidAllocator.fromState({ ...s, freeDynamic: 1n << 63n }), (e: unknown) => e instanceof VmLifecycleError && e.code === 'INVALID_STATE');
});
