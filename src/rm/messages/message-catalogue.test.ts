import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RM_ERROR, RmError } from '../rm-error.js';
import * as C from './message-catalogue.js';
import * as ID from './message-ids.js';

const bytes = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const guid = Uint8Array.from({ length: 16 }, (_, i) => i + 1);

/** One request and one OK reply per catalogue entry; the mapped type makes a new entry without a sample a compile error. */
const SAMPLES: { [I in C.RmMessageId]: { readonly request: C.RequestOf<I>; readonly reply: C.ReplyOf<I> } } = {
  [ID.VM_ALLOCATE]: { request: { vmid: 0, pad: 0 }, reply: { vmid: 0x80 } },
  [ID.VM_DEALLOCATE]: { request: { vmid: 0x80, pad: 0 }, reply: {} },
  [ID.VM_START]: { request: { vmid: 0x80, pad: 0 }, reply: {} },
  [ID.VM_STOP]: { request: { vmid: 0x80, flags: 1, pad: 0, stop_reason: 3 }, reply: {} },
  [ID.VM_RESET]: { request: { vmid: 0x81, pad: 0 }, reply: {} },
  [ID.VM_CONFIG_IMAGE]: { request: { vmid: 0x80, auth_mech: 0, mem_handle: 5, image_offset: 0n, image_size: 0n, dtb_offset: 0x45f_0000n, dtb_size: 0x1000n }, reply: {} },
  [ID.VM_AUTH_IMAGE]: { request: { vmid: 0x80, params: [{ type: 1, value: 2 }, { type: 0xffff_ffff, value: 4 }] }, reply: {} },
  [ID.VM_INIT]: { request: { vmid: 0x80 }, reply: {} },
  [ID.VM_GET_ID]: { request: { vmid: 0, pad: 0 }, reply: { entries: [{ type: 0, data: guid }, { type: 2, data: bytes('svm') }, { type: 3, data: new Uint8Array(0) }] } },
  [ID.VM_LOOKUP_URI]: { request: { uri: bytes('content://vm/a') }, reply: { vmids: [3, 0x80] } },
  [ID.VM_LOOKUP_GUID]: { request: { guid }, reply: { vmids: [] } },
  [ID.VM_LOOKUP_NAME]: { request: { name: bytes('trusted_ui') }, reply: { vmids: [0x80] } },
  [ID.VM_GET_OWNER]: { request: {}, reply: { owner: 3 } },
  [ID.VM_GET_STATE]: { request: { vmid: 0x80, pad: 0 }, reply: { vm_state: 3, os_state: 4, app_status: 0xffff } },
  [ID.VM_GET_CRASH_MSG]: { request: { vmid: 0x80, pad: 0 }, reply: { msg: bytes('oops') } },
  [ID.VM_GET_HYP_RESOURCES]: {
    request: { vmid: 0x80, pad: 0 },
    reply: { entries: [{ type: 4, reserved: 0, partner_vmid: 0x80, resource_handle: 0, resource_label: 0, cap_id: 0x1_0000_0002n, virq_handle: 0, virq: 64, base: 0n, size: 0n }] },
  },
  [ID.VM_GET_VMID]: { request: {}, reply: { vmid: 3 } },
  [ID.VM_GET_PEERS]: { request: {}, reply: { vmid: [3, 0x80, 0x81] } },
  [ID.VM_SET_TIME_BASE]: { request: { vmid: 0x80, pad: 0, time_base: 123n, sys_timer_ref: 0xffff_ffff_ffff_ffffn }, reply: {} },
  [ID.VM_SET_CONTEXT]: { request: { vmid: 0x80, reg_set: 1, reg_index: 0, value: 0x8000_0000n }, reply: {} },
  [ID.VM_SET_FIRMWARE_MEM]: { request: { vmid: 0x80, mem_handle: 9, fw_offset: 0x1000n, fw_size: 0x20_0000n }, reply: {} },
  [ID.VM_SET_DEMAND_PAGING]: { request: { vmid: 0x80, ranges: [{ base: 0x8000_0000n, size: 0x1000_0000n }, { base: 0x9000_0000n, size: 0x1000n }] }, reply: {} },
  [ID.VM_SET_ADDRESS_LAYOUT]: { request: { vmid: 0x80, pad: 0, range_id: 0, base: 0x8000_0000n, size: 0x640_0000n }, reply: {} },
  [ID.VM_SET_STATUS]: { request: { vm_status: 0, os_status: 4, app_status: 7 }, reply: {} },
  [ID.VM_CONSOLE_OPEN]: { request: { vmid: 0x80, res0: 0 }, reply: {} },
  [ID.VM_CONSOLE_CLOSE]: { request: { vmid: 0x80, res0: 0 }, reply: {} },
  [ID.VM_CONSOLE_WRITE]: { request: { vmid: 0, chars: bytes('hi\n') }, reply: {} },
  [ID.VM_CONSOLE_FLUSH]: { request: { vmid: 0, res0: 0 }, reply: {} },
  [ID.VM_EXIT]: { request: { exit_flags: 1, exit_code: 0 }, reply: {} },
  [ID.VM_SET_CRASH_MSG]: { request: { msg: bytes('panic: x') }, reply: {} },
  [ID.VM_HOST_GET_TYPE]: { request: {}, reply: { host_type: 0x0100_0164 } },
};

const ids = Object.keys(C.RM_MESSAGES).map(Number) as C.RmMessageId[];
const sample = (id: C.RmMessageId) => SAMPLES[id] as { request: never; reply: never };

test('catalogue: keys are the entries ids, names are the RM id constants, every entry has a sample', () => {
  assert.equal(ids.length, 31);
  const constants = ID as unknown as Record<string, number>;
  for (const id of ids) {
    const def = C.RM_MESSAGES[id];
    assert.equal(def.id, id);
    assert.equal(constants[def.name], id, def.name);
    assert.equal(C.rmMessage(id), def);
    assert.ok(SAMPLES[id] !== undefined);
  }
  assert.equal(C.rmMessageName(ID.VM_STOP), 'VM_STOP (0x56000005)');
  assert.equal(C.rmMessageName(ID.NOTIFY_VM_STATUS), 'NOTIFY_VM_STATUS (0x56100008)');
  assert.equal(C.rmMessageName(0x12), '0x00000012');
  for (const id of ID.RM_UNHANDLED_VM_IDS) assert.equal(C.rmMessage(id), undefined);
  assert.deepEqual(ids.filter((id) => C.RM_MESSAGES[id].rm === 'unimplemented'), [ID.VM_SET_CONTEXT, ID.VM_SET_DEMAND_PAGING, ID.VM_SET_ADDRESS_LAYOUT]);
  assert.deepEqual(ids.filter((id) => C.RM_MESSAGES[id].hypErrorOnFailure), [ID.VM_SET_TIME_BASE, ID.VM_SET_FIRMWARE_MEM]);
  assert.deepEqual(Object.fromEntries(ids.filter((id) => C.RM_MESSAGES[id].precheck !== undefined).map((id) => [C.RM_MESSAGES[id].name, C.RM_MESSAGES[id].precheck])), {
    VM_ALLOCATE: 'hlos-only', VM_START: 'not-hyp', VM_CONFIG_IMAGE: 'hlos-only', VM_AUTH_IMAGE: 'hlos-only', VM_INIT: 'hlos-only',
    VM_SET_STATUS: 'static-secondary-only', VM_EXIT: 'crash-fatal-refused',
  });
});

test('every request round-trips through encodeRequest / decodeRequest', () => {
  for (const id of ids) {
    const def = C.RM_MESSAGES[id];
    const payload = C.encodeRequest(id, sample(id).request);
    if (def.request.size !== undefined) assert.equal(payload.length, def.request.size, def.name);
    assert.deepEqual(C.decodeRequest(id, payload), { kind: 'request', msgId: id, name: def.name, fields: SAMPLES[id].request }, def.name);
  }
});

test('every OK reply round-trips through encodeReply / decodeReply with the LE32 code first', () => {
  for (const id of ids) {
    const def = C.RM_MESSAGES[id];
    const payload = C.encodeReply(id, RM_ERROR.OK, sample(id).reply);
    assert.deepEqual([...payload.subarray(0, 4)], [0, 0, 0, 0], def.name);
    assert.deepEqual(C.decodeReply(id, payload), { kind: 'ok', msgId: id, name: def.name, data: SAMPLES[id].reply }, def.name);
  }
});

test('a request one byte longer or shorter than its layout is MSG_INVALID, as RM answers', () => {
  for (const id of ids) {
    const name = C.RM_MESSAGES[id].name;
    const payload = C.encodeRequest(id, sample(id).request);
    const longer = C.decodeRequest(id, Uint8Array.from([...payload, 0]));
    assert.equal(longer.kind === 'invalid' && longer.rmCode, RM_ERROR.MSG_INVALID, `${name} + 1`);
    if (payload.length > 0) {
      const shorter = C.decodeRequest(id, payload.subarray(0, payload.length - 1));
      assert.equal(shorter.kind === 'invalid' && shorter.rmCode, RM_ERROR.MSG_INVALID, `${name} - 1`);
    }
  }
  const v6GetVmid = C.decodeRequest(ID.VM_GET_VMID, new Uint8Array(4));
  assert.deepEqual(v6GetVmid, { kind: 'invalid', msgId: ID.VM_GET_VMID, name: 'VM_GET_VMID', rmCode: 4, reason: 'expected an empty payload, got 4 bytes' });
});

test('unknown ids: decodeRequest says UNIMPLEMENTED and encodeReply gives the std reply 0xFFFFFFFF', () => {
  for (const id of [0, 0x5600_0003, 0x5600_0021, 0x5600_000c, 0x5100_0012, 0xffff_ffff]) {
    const r = C.decodeRequest(id, new Uint8Array(4));
    assert.equal(r.kind, 'unknown');
    assert.equal(r.kind === 'unknown' && r.rmCode, RM_ERROR.UNIMPLEMENTED);
    assert.deepEqual([...C.encodeReply(id, RM_ERROR.UNIMPLEMENTED)], [0xff, 0xff, 0xff, 0xff]);
  }
  assert.throws(() => C.encodeRequest(0x5600_0003 as C.RmMessageId, {} as never), (e: unknown) => e instanceof RmError && e.code === 'UNKNOWN_MESSAGE_ID');
  assert.deepEqual(C.decodeReply(0x5600_0003, Uint8Array.from([0, 0, 0, 0])), { kind: 'malformed', msgId: 0x5600_0003, reason: 'RM_OK reply to unknown message 0x56000003' });
  assert.throws(() => C.encodeReply(0x5600_0003, RM_ERROR.OK, {} as never), (e: unknown) => e instanceof RmError && e.code === 'UNKNOWN_MESSAGE_ID');
});

test('failure replies: std 4 bytes, except SET_TIME_BASE / SET_FIRMWARE_MEM which append u32 hyp_err', () => {
  assert.deepEqual([...C.encodeReply(ID.VM_START, RM_ERROR.VM_STATE)], [0x14, 0, 0, 0]);
  assert.deepEqual(C.decodeReply(ID.VM_START, Uint8Array.from([0x14, 0, 0, 0])), { kind: 'error', msgId: ID.VM_START, rmCode: 0x14, hypError: undefined });
  assert.deepEqual([...C.encodeReply(ID.VM_SET_TIME_BASE, RM_ERROR.MSG_INVALID)], [4, 0, 0, 0, 1, 0, 0, 0]);
  assert.deepEqual([...C.encodeReply(ID.VM_SET_FIRMWARE_MEM, RM_ERROR.VM_STATE, { hyp_err: 33 })], [0x14, 0, 0, 0, 33, 0, 0, 0]);
  assert.deepEqual(C.decodeReply(ID.VM_SET_FIRMWARE_MEM, Uint8Array.from([0x14, 0, 0, 0, 33, 0, 0, 0])), { kind: 'error', msgId: ID.VM_SET_FIRMWARE_MEM, rmCode: 0x14, hypError: 33 });
  assert.deepEqual([...C.encodeReply(ID.VM_SET_TIME_BASE, RM_ERROR.OK)], [0, 0, 0, 0]);
  assert.equal(C.decodeReply(ID.VM_SET_TIME_BASE, Uint8Array.from([4, 0, 0, 0])).kind, 'malformed');
  assert.equal(C.decodeReply(ID.VM_START, Uint8Array.from([4, 0, 0, 0, 0])).kind, 'malformed');
  assert.equal(C.decodeReply(ID.VM_START, Uint8Array.from([0, 0, 0])).kind, 'malformed');
  assert.throws(() => C.encodeReply(ID.VM_START, RM_ERROR.DENIED, {} as never), (e: unknown) => e instanceof RmError && e.code === 'INVALID_FIELD');
  assert.throws(() => C.encodeReply(ID.VM_START, -1), RmError);
  assert.throws(() => C.encodeReply(ID.VM_GET_STATE, RM_ERROR.OK), (e: unknown) => e instanceof RmError && e.code === 'INVALID_FIELD');
});

test('VM_ALLOCATE replies: dynamic = code + u32 vmid, specific = std reply', () => {
  assert.deepEqual([...C.encodeReply(ID.VM_ALLOCATE, RM_ERROR.OK, { vmid: 0x80 })], [0, 0, 0, 0, 0x80, 0, 0, 0]);
  assert.deepEqual([...C.encodeReply(ID.VM_ALLOCATE, RM_ERROR.OK)], [0, 0, 0, 0]);
  assert.deepEqual(C.decodeReply(ID.VM_ALLOCATE, Uint8Array.from([0, 0, 0, 0])), { kind: 'ok', msgId: ID.VM_ALLOCATE, name: 'VM_ALLOCATE', data: {} });
  assert.equal(C.decodeReply(ID.VM_ALLOCATE, Uint8Array.from([0, 0, 0, 0, 0x80, 0])).kind, 'malformed');
});

test('fuzz: decodeRequest / decodeReply / decodeNotification never throw on random payloads', () => {
  let s = 12345;
  const rand = (n: number): number => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s >>> 8) % n;
  };
  const all = [...ids, ...Object.keys(C.RM_NOTIFICATIONS).map(Number), 0x5600_0003];
  let decoded = 0;
  for (let i = 0; i < 30_000; i++) {
    const id = all[rand(all.length)]!;
    const len = rand(4) === 0 ? rand(64) : rand(8) * 4 + rand(2);
    const p = Uint8Array.from({ length: len }, () => (rand(3) === 0 ? rand(256) : rand(3)));
    const kinds = [C.decodeRequest(id, p).kind, C.decodeReply(id, p).kind, C.decodeNotification(id, p).kind];
    if (kinds.includes('request') || kinds.includes('ok') || kinds.includes('notification')) decoded++;
  }
  assert.ok(decoded > 300, `only ${decoded} payloads decoded`);
});
