// The RM server's VM table (gunyah.md §4 intro, §4.1; RM vm_mgnt.c peers and query rights): HLOS at boot, peers
// both ways, who may query a VM, static secondary VMIDs, GUIDs.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newLifecycleVm } from '../vm-lifecycle/lifecycle-vm.js';
import { VmTable, randomGuidV4, type VmTableChange } from './vm-table.js';

test('HLOS exists from the start: RUNNING, owned by RM, configured, crash-fatal, not listed as allocated', () => {
  const t = new VmTable();
  const hlos = t.record(3);
  assert.ok(hlos);
  assert.deepEqual([hlos.vm.status, hlos.vm.owner, hlos.configured, hlos.vm.attrs.crashFatal], [3, 0xff, true, true]);
  assert.deepEqual(t.allocated(), []);
});

test('create registers the owner as a peer both ways; delete and deregister undo it', () => {
  const changes: VmTableChange['kind'][] = [];
  const t = new VmTable({ onChange: (c) => changes.push(c.kind) });
  t.create(newLifecycleVm(0x80, 3));
  t.create(newLifecycleVm(0x81, 3));
  assert.deepEqual(t.record(3)?.peers, [0x80, 0x81]);
  assert.deepEqual(t.record(0x80)?.peers, [3]);
  assert.equal(t.isQueryAllowed(t.get(0x81)!, 0x80), false, 'two VMs of one owner are not peers of each other');
  assert.equal(t.isQueryAllowed(t.get(0x81)!, 3), true);
  assert.equal(t.isQueryAllowed(t.get(3)!, 0x81), true, 'HLOS is a peer of the VMs it owns');
  t.deregisterAllPeers(0x80);
  assert.deepEqual(t.record(3)?.peers, [0x81]);
  t.delete(0x81);
  assert.deepEqual(t.record(3)?.peers, []);
  assert.equal(t.get(0x81), undefined);
  t.update({ ...t.get(0x80)!, status: 8 });
  assert.deepEqual(changes, ['created', 'created', 'deleted', 'status']);
  assert.throws(() => t.create(newLifecycleVm(0x80, 3)), { name: 'RmServerError', code: 'TABLE_INCONSISTENT' });
});

test('static secondary VMIDs are the platform mask (QEMU: 4-31); dynamic ones and HLOS are not', () => {
  const t = new VmTable();
  assert.deepEqual([3, 4, 5, 31, 32, 0x80, 0].map((v) => t.isStaticSecondary(v)), [false, true, true, true, false, false, false]);
});

test('crash messages truncate at 192 bytes; a reset clears them and draws a new GUID', () => {
  let n = 0;
  const t = new VmTable({ randomGuid: () => new Uint8Array(16).fill(++n) });
  t.create(newLifecycleVm(0x80, 3));
  t.setCrashMsg(0x80, new Uint8Array(300).fill(7));
  assert.equal(t.record(0x80)?.crashMsg.length, 192);
  assert.equal(t.get(0x80)?.hasCrashMsg, true);
  assert.equal(t.record(0x80)?.guid[0], 2);
  t.setConfigured(0x80, true);
  t.resetCleared(0x80);
  assert.deepEqual([t.record(0x80)?.crashMsg.length, t.record(0x80)?.configured, t.record(0x80)?.guid[0]], [0, false, 3]);
});

test('GUIDs are RFC 4122 version 4; a generator of the wrong size is refused', () => {
  const g = randomGuidV4();
  assert.equal(g.length, 16);
  assert.equal(g[6]! >> 4, 4);
  assert.equal(g[8]! >> 6, 2);
  assert.throws(() => new VmTable({ randomGuid: () => new Uint8Array(15) }), { name: 'RmServerError', code: 'INVALID_GUID' });
});
