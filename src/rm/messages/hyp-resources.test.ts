import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RM_ERROR } from '../rm-error.js';
import { HYP_RESOURCE_ENTRY, HYP_RESOURCE_TYPE } from './hyp-resources.js';
import { decodeReply, encodeReply } from './message-catalogue.js';
import * as ID from './message-ids.js';

test('entry is 44 packed bytes laid out as gunyah.md §4.6', () => {
  assert.equal(HYP_RESOURCE_ENTRY.size, 44);
  assert.deepEqual(HYP_RESOURCE_ENTRY.offsets, {
    type: 0, reserved: 1, partner_vmid: 2, resource_handle: 4, resource_label: 8, cap_id: 12, virq_handle: 20, virq: 24, base: 28, size: 36,
  });
  assert.deepEqual(HYP_RESOURCE_TYPE, {
    DOORBELL_SRC: 0, DOORBELL: 1, MSG_QUEUE_SEND: 2, MSG_QUEUE_RECV: 3, VIRTUAL_CPU: 4, VIRTUAL_PM: 5, VIRTIO_MMIO: 6, VRTC: 7, WATCHDOG: 8, MEM_EXTENT: 9, ADDR_SPACE: 10,
  });
});

test('reply: code, u32 n, entries; cap_id lo then hi', () => {
  const vcpu = { type: HYP_RESOURCE_TYPE.VIRTUAL_CPU, partner_vmid: 0x80, resource_handle: 0, resource_label: 1, cap_id: 0xaabb_ccdd_1122_3344n, virq_handle: 0, virq: 0x40, base: 0n, size: 0n };
  const bell = { type: HYP_RESOURCE_TYPE.DOORBELL_SRC, partner_vmid: 0x80, resource_handle: 7, resource_label: 0x10, cap_id: 5n, virq_handle: 0, virq: 0, base: 0n, size: 0n };
  const p = encodeReply(ID.VM_GET_HYP_RESOURCES, RM_ERROR.OK, { entries: [vcpu, bell] });
  assert.equal(p.length, 4 + 4 + 2 * 44);
  assert.deepEqual([...p.subarray(0, 8 + 28)], [
    0, 0, 0, 0, 2, 0, 0, 0,
    4, 0, 0x80, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0x44, 0x33, 0x22, 0x11, 0xdd, 0xcc, 0xbb, 0xaa, 0, 0, 0, 0, 0x40, 0, 0, 0,
  ]);
  const d = decodeReply(ID.VM_GET_HYP_RESOURCES, p);
  assert.deepEqual(d.kind === 'ok' && d.data, { entries: [{ ...vcpu, reserved: 0 }, { ...bell, reserved: 0 }] });
  assert.equal(decodeReply(ID.VM_GET_HYP_RESOURCES, p.subarray(0, p.length - 1)).kind, 'malformed');
  assert.deepEqual(decodeReply(ID.VM_GET_HYP_RESOURCES, Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0])), { kind: 'ok', msgId: ID.VM_GET_HYP_RESOURCES, name: 'VM_GET_HYP_RESOURCES', data: { entries: [] } });
  assert.deepEqual([...encodeReply(ID.VM_GET_HYP_RESOURCES, RM_ERROR.NORESOURCE)], [2, 0, 0, 0]);
});
