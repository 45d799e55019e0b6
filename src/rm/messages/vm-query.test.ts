import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RM_ERROR } from '../rm-error.js';
import { decodeReply, decodeRequest, encodeReply, encodeRequest } from './message-catalogue.js';
import * as ID from './message-ids.js';
import { OS_STATUS, VM_HOST_TYPE_GUNYAH_RM_V1, VM_ID_TYPE, VM_STATUS } from '../vm-constants.js';
import * as Q from './vm-query.js';

const refusal = (id: number, p: number[] | Uint8Array) => {
  const r = decodeRequest(id, Uint8Array.from(p));
  return r.kind === 'invalid' ? r.rmCode : r.kind;
};

test('layouts: GET_STATE reply 4, SET_STATUS 4, GUID 16, id entry header 4, vmid entry 4', () => {
  assert.deepEqual([Q.VM_GET_STATE_REPLY.size, Q.VM_SET_STATUS_REQ.size, Q.VM_LOOKUP_GUID_REQ.size, Q.VM_ID_ENTRY_HEADER.size, Q.VMID_ENTRY.size], [4, 4, 16, 4, 4]);
});

test('VM_GET_STATE reply is u32 vm_state | os_state << 8 | app_status << 16', () => {
  const p = encodeReply(ID.VM_GET_STATE, RM_ERROR.OK, { vm_state: VM_STATUS.RUNNING, os_state: OS_STATUS.RUN, app_status: 0x1234 });
  assert.deepEqual([...p], [0, 0, 0, 0, 3, 4, 0x34, 0x12]);
  assert.equal(new DataView(p.buffer).getUint32(4, true), 3 | (4 << 8) | (0x1234 << 16));
});

test('VM_GET_ID reply: u32 n_ids, entries {u8 type, u8 pad, u16 len, data, pad to 4}', () => {
  const guid = Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i);
  const p = encodeReply(ID.VM_GET_ID, RM_ERROR.OK, { entries: [{ type: VM_ID_TYPE.GUID, data: guid }, { type: VM_ID_TYPE.NAME, data: Uint8Array.from([0x73, 0x76, 0x6d]) }] });
  assert.deepEqual([...p], [0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 16, 0, ...guid, 2, 0, 3, 0, 0x73, 0x76, 0x6d, 0]);
  assert.equal(decodeReply(ID.VM_GET_ID, p.subarray(0, p.length - 1)).kind, 'malformed');
  assert.equal(decodeReply(ID.VM_GET_ID, Uint8Array.from([...p, 0, 0, 0, 0])).kind, 'malformed');
  assert.equal(decodeReply(ID.VM_GET_ID, Uint8Array.from([0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 16, 0])).kind, 'malformed');
});

test('VM_LOOKUP_URI / NAME: > 79 bytes ARGUMENT_INVALID, length mismatch or dirty padding MSG_INVALID; GUID exactly 16', () => {
  for (const id of [ID.VM_LOOKUP_URI, ID.VM_LOOKUP_NAME]) {
    const ok79 = new Uint8Array(4 + 80);
    ok79[0] = 79;
    ok79.fill(0x61, 4, 4 + 79);
    assert.equal(decodeRequest(id, ok79).kind, 'request');
    assert.equal(refusal(id, [80, 0, 0, 0]), RM_ERROR.ARGUMENT_INVALID);
    assert.equal(refusal(id, [3, 0, 0, 0, 0x61, 0x62, 0x63]), RM_ERROR.MSG_INVALID);
    assert.equal(refusal(id, [3, 0, 0, 0, 0x61, 0x62, 0x63, 0x64]), RM_ERROR.MSG_INVALID);
    assert.equal(refusal(id, [1, 0]), RM_ERROR.MSG_INVALID);
  }
  assert.deepEqual([...encodeRequest(ID.VM_LOOKUP_NAME, { name: Uint8Array.from([0x61, 0x62]) })], [2, 0, 0, 0, 0x61, 0x62, 0, 0]);
  assert.equal(refusal(ID.VM_LOOKUP_GUID, new Uint8Array(15)), RM_ERROR.MSG_INVALID);
  assert.deepEqual([...encodeReply(ID.VM_LOOKUP_GUID, RM_ERROR.OK, { vmids: [0x80, 3] })], [0, 0, 0, 0, 2, 0, 0, 0, 0x80, 0, 0, 0, 3, 0, 0, 0]);
});

test('empty-request queries: GET_VMID, GET_OWNER, GET_PEERS, HOST_GET_TYPE', () => {
  for (const id of [ID.VM_GET_VMID, ID.VM_GET_OWNER, ID.VM_GET_PEERS, ID.VM_HOST_GET_TYPE] as const) {
    assert.equal(encodeRequest(id, {}).length, 0);
    assert.equal(refusal(id, [0]), RM_ERROR.MSG_INVALID);
  }
  assert.deepEqual([...encodeReply(ID.VM_GET_VMID, RM_ERROR.OK, { vmid: 3 })], [0, 0, 0, 0, 3, 0, 0, 0]);
  assert.deepEqual([...encodeReply(ID.VM_GET_PEERS, RM_ERROR.OK, { vmid: [3, 0x80] })], [0, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 0x80, 0, 0, 0]);
  assert.deepEqual([...encodeReply(ID.VM_HOST_GET_TYPE, RM_ERROR.OK, { host_type: VM_HOST_TYPE_GUNYAH_RM_V1 })], [0, 0, 0, 0, 0x64, 0x01, 0x00, 0x01]);
  assert.equal(decodeReply(ID.VM_GET_PEERS, Uint8Array.from([0, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0])).kind, 'malformed');
});

test('VM_SET_STATUS: byte 0 ignored, os_status above CRASHED is ARGUMENT_INVALID', () => {
  const r = decodeRequest(ID.VM_SET_STATUS, Uint8Array.from([9, OS_STATUS.CRASHED, 0x34, 0x12]));
  assert.deepEqual(r.kind === 'request' && r.fields, { vm_status: 9, os_status: 7, app_status: 0x1234 });
  assert.equal(refusal(ID.VM_SET_STATUS, [0, 8, 0, 0]), RM_ERROR.ARGUMENT_INVALID);
  assert.equal(refusal(ID.VM_SET_STATUS, [0, 8, 0]), RM_ERROR.MSG_INVALID);
});

test('crash messages: SET_CRASH_MSG request and GET_CRASH_MSG reply are u16 len, pad, bytes, zero pad to 4', () => {
  const msg = Uint8Array.from([0x6f, 0x6f, 0x70, 0x73, 0x21]);
  assert.deepEqual([...encodeRequest(ID.VM_SET_CRASH_MSG, { msg })], [5, 0, 0, 0, ...msg, 0, 0, 0]);
  assert.deepEqual([...encodeRequest(ID.VM_SET_CRASH_MSG, { msg: new Uint8Array(0) })], [0, 0, 0, 0]);
  assert.equal(refusal(ID.VM_SET_CRASH_MSG, [5, 0, 0, 0, ...msg, 0, 0, 1]), RM_ERROR.MSG_INVALID);
  assert.equal(refusal(ID.VM_SET_CRASH_MSG, [5, 0, 0, 0, ...msg]), RM_ERROR.MSG_INVALID);
  assert.equal(refusal(ID.VM_SET_CRASH_MSG, [0, 0]), RM_ERROR.MSG_INVALID);
  const long = decodeRequest(ID.VM_SET_CRASH_MSG, encodeRequest(ID.VM_SET_CRASH_MSG, { msg: new Uint8Array(300).fill(0x41) }));
  assert.equal(long.kind === 'request' && long.msgId === ID.VM_SET_CRASH_MSG && long.fields.msg.length, 300);
  const reply = encodeReply(ID.VM_GET_CRASH_MSG, RM_ERROR.OK, { msg });
  assert.equal(reply.length, 8 + 8);
  assert.deepEqual([...reply.subarray(0, 8)], [0, 0, 0, 0, 5, 0, 0, 0]);
});
