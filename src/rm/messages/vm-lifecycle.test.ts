import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RM_ERROR } from '../rm-error.js';
import { decodeRequest, encodeRequest } from './message-catalogue.js';
import * as ID from './message-ids.js';
import * as L from './vm-lifecycle.js';
import { EXIT_CODE, GUNYAH_RM_VM_STOP_REASON_FORCE_STOP, VM_STOP_FLAG_FORCE } from '../vm-constants.js';

const fieldsOf = (id: number, p: number[]) => {
  const r = decodeRequest(id, Uint8Array.from(p));
  return r.kind === 'request' ? r.fields : r;
};
const refusal = (id: number, p: number[]) => {
  const r = decodeRequest(id, Uint8Array.from(p));
  return r.kind === 'invalid' ? r.rmCode : r.kind;
};

test('layouts: VMID4 4, VM_STOP 8, VM_CONFIG_IMAGE 40, VM_INIT 4, VM_EXIT 4, auth param 8 (gunyah.md §4.1)', () => {
  assert.deepEqual([L.VMID_REQ.size, L.VM_STOP_REQ.size, L.VM_CONFIG_IMAGE_REQ.size, L.VM_INIT_REQ.size, L.VM_EXIT_REQ.size, L.VM_AUTH_IMAGE_REQ.size, L.VM_AUTH_PARAM.size, L.VM_ALLOCATE_REPLY.size], [4, 8, 40, 4, 4, 4, 8, 4]);
  assert.deepEqual(L.VM_STOP_REQ.offsets, { vmid: 0, flags: 2, pad: 3, stop_reason: 4 });
  assert.deepEqual(L.VM_CONFIG_IMAGE_REQ.offsets, { vmid: 0, auth_mech: 2, mem_handle: 4, image_offset: 8, image_size: 16, dtb_offset: 24, dtb_size: 32 });
  assert.deepEqual(L.VM_EXIT_REQ.offsets, { exit_flags: 0, exit_code: 2, res0: 3 });
});

test('VMID4 requests: vmid little-endian, the pad is never checked (RM reads buf[0..1] only)', () => {
  assert.deepEqual([...encodeRequest(ID.VM_START, { vmid: 0x80 })], [0x80, 0, 0, 0]);
  for (const id of [ID.VM_ALLOCATE, ID.VM_DEALLOCATE, ID.VM_START, ID.VM_RESET]) {
    assert.deepEqual(fieldsOf(id, [0x81, 0x00, 0xaa, 0x55]), { vmid: 0x81, pad: 0x55aa });
    assert.equal(refusal(id, [0x81, 0, 0]), RM_ERROR.MSG_INVALID);
  }
});

test('VM_STOP as Linux v10+ sends it (force 1, reason 3); pad byte and reason unchecked', () => {
  const p = encodeRequest(ID.VM_STOP, { vmid: 0x80, flags: VM_STOP_FLAG_FORCE, stop_reason: GUNYAH_RM_VM_STOP_REASON_FORCE_STOP });
  assert.deepEqual([...p], [0x80, 0, 1, 0, 3, 0, 0, 0]);
  assert.deepEqual(fieldsOf(ID.VM_STOP, [0x80, 0, 0, 0xff, 0xef, 0xbe, 0xad, 0xde]), { vmid: 0x80, flags: 0, pad: 0xff, stop_reason: 0xdeadbeef });
  assert.equal(refusal(ID.VM_STOP, [0x80, 0, 1, 0]), RM_ERROR.MSG_INVALID);
});

test('VM_CONFIG_IMAGE: 40 bytes as Linux sends them (image offset/size 0); auth_mech is not judged by the decoder', () => {
  const p = encodeRequest(ID.VM_CONFIG_IMAGE, { vmid: 0x80, auth_mech: 0, mem_handle: 0x11223344, image_offset: 0n, image_size: 0n, dtb_offset: 0x45f_0000n, dtb_size: 0x1000n });
  assert.deepEqual([...p.subarray(0, 8)], [0x80, 0, 0, 0, 0x44, 0x33, 0x22, 0x11]);
  assert.deepEqual([...p.subarray(24, 40)], [0, 0, 0x5f, 0x04, 0, 0, 0, 0, 0, 0x10, 0, 0, 0, 0, 0, 0]);
  const other = Uint8Array.from(p);
  other[2] = 7;
  const r = decodeRequest(ID.VM_CONFIG_IMAGE, other);
  assert.equal(r.kind === 'request' && r.msgId === ID.VM_CONFIG_IMAGE && r.fields.auth_mech, 7);
  assert.equal(refusal(ID.VM_CONFIG_IMAGE, [...p, 0, 0, 0, 0]), RM_ERROR.MSG_INVALID);
});

test('VM_INIT: res0 must be 0 (MSG_INVALID)', () => {
  assert.deepEqual(fieldsOf(ID.VM_INIT, [0x80, 0, 0, 0]), { vmid: 0x80 });
  assert.equal(refusal(ID.VM_INIT, [0x80, 0, 1, 0]), RM_ERROR.MSG_INVALID);
  assert.equal(refusal(ID.VM_INIT, [0x80, 0, 0, 0x80]), RM_ERROR.MSG_INVALID);
});

test('VM_AUTH_IMAGE: length must be 4 + 8 * n_params', () => {
  assert.deepEqual(fieldsOf(ID.VM_AUTH_IMAGE, [0x80, 0, 0, 0]), { vmid: 0x80, params: [] });
  assert.deepEqual(fieldsOf(ID.VM_AUTH_IMAGE, [0x80, 0, 1, 0, 1, 0, 0, 0, 2, 0, 0, 0]), { vmid: 0x80, params: [{ type: 1, value: 2 }] });
  assert.equal(refusal(ID.VM_AUTH_IMAGE, [0x80, 0, 2, 0, 1, 0, 0, 0, 2, 0, 0, 0]), RM_ERROR.MSG_INVALID);
  assert.equal(refusal(ID.VM_AUTH_IMAGE, [0x80, 0, 0]), RM_ERROR.MSG_INVALID);
});

test('VM_EXIT: exit codes NORMAL, SOFTWARE_ERROR, BUS_ERROR, DEVICE_ERROR; UNKNOWN_ERROR, others and res0 != 0 are MSG_INVALID', () => {
  for (const code of [EXIT_CODE.NORMAL, EXIT_CODE.SOFTWARE_ERROR, EXIT_CODE.BUS_ERROR, EXIT_CODE.DEVICE_ERROR]) {
    assert.deepEqual(fieldsOf(ID.VM_EXIT, [0x01, 0x80, code, 0]), { exit_flags: 0x8001, exit_code: code });
  }
  for (const code of [EXIT_CODE.UNKNOWN_ERROR, 5, 0xff]) assert.equal(refusal(ID.VM_EXIT, [0, 0, code, 0]), RM_ERROR.MSG_INVALID, `code ${code}`);
  assert.equal(refusal(ID.VM_EXIT, [0, 0, 0, 1]), RM_ERROR.MSG_INVALID);
});
