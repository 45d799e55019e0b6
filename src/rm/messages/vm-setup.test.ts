import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RM_ERROR } from '../rm-error.js';
import { decodeRequest, encodeRequest } from './message-catalogue.js';
import * as ID from './message-ids.js';
import * as S from './vm-setup.js';

const refusal = (id: number, p: Uint8Array) => {
  const r = decodeRequest(id, p);
  return r.kind === 'invalid' ? r.rmCode : r.kind;
};

test('layouts: SET_TIME_BASE 20, SET_CONTEXT 16, SET_FIRMWARE_MEM 24, SET_ADDRESS_LAYOUT 24, demand-paging header 8 + 16 per range', () => {
  assert.deepEqual([S.VM_SET_TIME_BASE_REQ.size, S.VM_SET_CONTEXT_REQ.size, S.VM_SET_FIRMWARE_MEM_REQ.size, S.VM_SET_ADDRESS_LAYOUT_REQ.size, S.VM_SET_DEMAND_PAGING_REQ.size, S.ADDRESS_RANGE.size], [20, 16, 24, 24, 8, 16]);
  assert.deepEqual(S.VM_SET_TIME_BASE_REQ.offsets, { vmid: 0, pad: 2, time_base: 4, sys_timer_ref: 12 });
  assert.deepEqual(S.VM_SET_CONTEXT_REQ.offsets, { vmid: 0, reg_set: 2, reg_index: 3, res0: 4, value: 8 });
  assert.deepEqual(S.VM_SET_FIRMWARE_MEM_REQ.offsets, { vmid: 0, res0: 2, mem_handle: 4, fw_offset: 8, fw_size: 16 });
  assert.equal(S.HYP_ERROR_ARGUMENT_INVALID, 1);
});

test('VM_SET_TIME_BASE: u64 fields at 4 and 12 (unaligned, as RM reads them)', () => {
  const p = encodeRequest(ID.VM_SET_TIME_BASE, { vmid: 0x80, time_base: 0x1122334455667788n, sys_timer_ref: 1n });
  assert.deepEqual([...p], [0x80, 0, 0, 0, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, 1, 0, 0, 0, 0, 0, 0, 0]);
});

test('res0 checks: SET_FIRMWARE_MEM and SET_CONTEXT refuse a non-zero res0 with MSG_INVALID', () => {
  const fw = encodeRequest(ID.VM_SET_FIRMWARE_MEM, { vmid: 0x80, mem_handle: 1, fw_offset: 0n, fw_size: 0x1000n });
  assert.equal(refusal(ID.VM_SET_FIRMWARE_MEM, fw), 'request');
  fw[3] = 1;
  assert.equal(refusal(ID.VM_SET_FIRMWARE_MEM, fw), RM_ERROR.MSG_INVALID);
  const ctx = encodeRequest(ID.VM_SET_CONTEXT, { vmid: 0x80, reg_set: 2, reg_index: 1, value: 0xffff_0000_0000n });
  assert.deepEqual([...ctx.subarray(0, 8)], [0x80, 0, 2, 1, 0, 0, 0, 0]);
  ctx[7] = 1;
  assert.equal(refusal(ID.VM_SET_CONTEXT, ctx), RM_ERROR.MSG_INVALID);
});

test('VM_SET_DEMAND_PAGING: length must be 8 + 16 * range_count', () => {
  const p = encodeRequest(ID.VM_SET_DEMAND_PAGING, { vmid: 0x80, ranges: [{ base: 0x8000_0000n, size: 0x1000n }] });
  assert.equal(p.length, 24);
  assert.deepEqual([...p.subarray(0, 8)], [0x80, 0, 0, 0, 1, 0, 0, 0]);
  const lying = Uint8Array.from(p);
  lying[4] = 2;
  assert.equal(refusal(ID.VM_SET_DEMAND_PAGING, lying), RM_ERROR.MSG_INVALID);
  assert.equal(refusal(ID.VM_SET_DEMAND_PAGING, p.subarray(0, 7)), RM_ERROR.MSG_INVALID);
});
