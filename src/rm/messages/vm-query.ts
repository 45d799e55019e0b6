// VM identity and status messages (gunyah.md §4.1, §4.3): GET_ID, LOOKUP_URI/GUID/NAME, GET_OWNER, GET_STATE,
// GET_CRASH_MSG, GET_VMID, GET_PEERS, HOST_GET_TYPE, SET_STATUS, SET_CRASH_MSG (RM src/vm_mgnt/vm_mgnt.c).

import { ByteSink } from '../../binary/byte-sink.js';
import { bytes, struct, u16le, u32le, u8 } from '../../binary/struct.js';
import { RM_ERROR } from '../rm-error.js';
import * as ID from './message-ids.js';
import {
  align4,
  checkCount,
  defineMessage,
  EMPTY,
  fixedCodec,
  guardEncode,
  invalid,
  LENGTH_PREFIXED_PADDED,
  msgInvalid,
  ok,
  type Decoded,
  type PayloadCodec,
} from './payload-codec.js';
import { OS_STATUS, VM_GUID_LEN, VM_MAX_NAME_LEN, VM_MAX_URI_LEN } from '../vm-constants.js';
import { VMID_REQUEST } from './vm-lifecycle.js';

/** One u32 answer (GET_VMID, GET_OWNER, HOST_GET_TYPE). */
export const U32_VMID_REPLY = struct('vmid_reply', { vmid: u32le });
export const VM_GET_OWNER_REPLY = struct('vm_get_owner_reply', { owner: u32le });
export const VM_HOST_GET_TYPE_REPLY = struct('vm_host_get_type_reply', { host_type: u32le });
/** `u32 = vm_state | os_state << 8 | app_status << 16`: the same bytes as this little-endian table. */
export const VM_GET_STATE_REPLY = struct('vm_get_state_reply', { vm_state: u8, os_state: u8, app_status: u16le });
/** Byte 0 was vm_status in RM-2104/2203; RM bf31a9a ignores it. */
export const VM_SET_STATUS_REQ = struct('vm_set_status_req', { vm_status: u8, os_status: u8, app_status: u16le });
export const VM_LOOKUP_GUID_REQ = struct('vm_lookup_guid_req', { guid: bytes(VM_GUID_LEN) });
export const VM_ID_ENTRY_HEADER = struct('vm_id_entry', { type: u8, pad: u8, len: u16le });
export const U32_COUNT = struct('count', { count: u32le });
export const VMID_ENTRY = struct('vmid_entry', { vmid: u16le, pad: u16le });

export interface VmIdEntry {
  readonly type: number;
  readonly data: Uint8Array;
}

/** VM_GET_ID reply: `u32 n_ids`, then `{u8 type, u8 pad, u16 len, data[len], pad to 4}` per id. */
const getIdReply: PayloadCodec<{ entries: readonly VmIdEntry[] }> = {
  size: undefined,
  encode: (v) => guardEncode('VM_GET_ID reply', () => {
    const sink = new ByteSink().u32le(v.entries.length);
    for (const id of v.entries) {
      checkCount(id.data.length, 0xffff, 'VM_GET_ID entry length');
      sink.bytes(VM_ID_ENTRY_HEADER.encode({ type: id.type, len: id.data.length })).bytes(id.data).align(4);
    }
    return sink.toBytes();
  }),
  decode: (p) => {
    if (p.length < U32_COUNT.size) return msgInvalid(`VM_GET_ID reply needs a u32 count, got ${p.length} bytes`);
    const n = U32_COUNT.get(p, 'count');
    const entries: VmIdEntry[] = [];
    let at = U32_COUNT.size;
    for (let i = 0; i < n; i++) {
      if (at + VM_ID_ENTRY_HEADER.size > p.length) return msgInvalid(`VM_GET_ID reply ends inside entry ${i} of ${n}`);
      const h = VM_ID_ENTRY_HEADER.decode(p, at);
      const end = at + VM_ID_ENTRY_HEADER.size + align4(h.len);
      if (end > p.length) return msgInvalid(`VM_GET_ID entry ${i} of ${h.len} bytes overruns the reply`);
      entries.push({ type: h.type, data: p.slice(at + VM_ID_ENTRY_HEADER.size, at + VM_ID_ENTRY_HEADER.size + h.len) });
      at = end;
    }
    return at === p.length ? ok({ entries }) : msgInvalid(`VM_GET_ID reply has ${p.length - at} bytes after its ${n} entries`);
  },
};

/** `u32 count` then `count` fixed entries read by `entry`. */
function countedList<T>(what: string, entrySize: number, write: (sink: ByteSink, v: T) => void, read: (p: Uint8Array, at: number) => T): PayloadCodec<readonly T[]> {
  return {
    size: undefined,
    encode: (list) => guardEncode(what, () => {
      const sink = new ByteSink().u32le(list.length);
      for (const v of list) write(sink, v);
      return sink.toBytes();
    }),
    decode: (p): Decoded<readonly T[]> => {
      if (p.length < U32_COUNT.size) return msgInvalid(`${what} needs a u32 count, got ${p.length} bytes`);
      const n = U32_COUNT.get(p, 'count');
      const want = U32_COUNT.size + n * entrySize;
      if (p.length !== want) return msgInvalid(`${what} with ${n} entries must be ${want} bytes, got ${p.length}`);
      const list: T[] = [];
      for (let i = 0; i < n; i++) list.push(read(p, U32_COUNT.size + i * entrySize));
      return ok(list);
    },
  };
}

function field<K extends string, T>(key: K, inner: PayloadCodec<T>): PayloadCodec<{ [P in K]: T }> {
  return {
    size: inner.size,
    encode: (v) => inner.encode(v[key]),
    decode: (p) => {
      const r = inner.decode(p);
      return r.kind === 'ok' ? ok({ [key]: r.value } as { [P in K]: T }) : r;
    },
  };
}

const vmidList = countedList<number>('VM lookup reply', VMID_ENTRY.size, (s, vmid) => s.bytes(VMID_ENTRY.encode({ vmid })), (p, at) => VMID_ENTRY.get(p, 'vmid', at));
const peerList = countedList<number>('VM_GET_PEERS reply', 4, (s, vmid) => s.u32le(vmid), (p, at) => U32_VMID_REPLY.get(p, 'vmid', at));

/** URI and NAME lookups: length > 79 -> ARGUMENT_INVALID (before the length match), then exact length, zero pad. */
function lookupString(what: string, maxLen: number): PayloadCodec<Uint8Array> {
  return {
    size: undefined,
    encode: (b) => guardEncode(what, () => LENGTH_PREFIXED_PADDED.encode(b, what)),
    decode: (p) => LENGTH_PREFIXED_PADDED.decode(p, what, maxLen - 1),
  };
}

/** VM_SET_STATUS: os_status above CRASHED -> ARGUMENT_INVALID; 0 (NONE) means unchanged. */
function checkOsStatus(v: { os_status: number }): Decoded<never> | undefined {
  return v.os_status > OS_STATUS.CRASHED ? invalid(RM_ERROR.ARGUMENT_INVALID, `os_status ${v.os_status} is not 0..${OS_STATUS.CRASHED}`) : undefined;
}

/** RM: len < 4, len != 4 + align4(len), or non-zero padding -> MSG_INVALID; messages over 192 bytes are truncated. */
const crashMessage: PayloadCodec<{ msg: Uint8Array }> = field('msg', {
  size: undefined,
  encode: (b) => guardEncode('crash message', () => LENGTH_PREFIXED_PADDED.encode(b, 'crash message')),
  decode: (p) => LENGTH_PREFIXED_PADDED.decode(p, 'crash message'),
});

/** VM_GET_ID: vmid 0 means the caller; state must be READY, RUNNING or PAUSED (server check). */
export const VM_GET_ID_DEF = defineMessage({
  id: ID.VM_GET_ID, name: 'VM_GET_ID', linuxName: undefined,
  request: VMID_REQUEST, reply: getIdReply, hypErrorOnFailure: false, rm: 'handled', precheck: undefined,
});

export const VM_LOOKUP_URI_DEF = defineMessage({
  id: ID.VM_LOOKUP_URI, name: 'VM_LOOKUP_URI', linuxName: undefined,
  request: field('uri', lookupString('VM_LOOKUP_URI uri', VM_MAX_URI_LEN)), reply: field('vmids', vmidList), hypErrorOnFailure: false, rm: 'handled', precheck: undefined,
});

export const VM_LOOKUP_GUID_DEF = defineMessage({
  id: ID.VM_LOOKUP_GUID, name: 'VM_LOOKUP_GUID', linuxName: undefined,
  request: fixedCodec(VM_LOOKUP_GUID_REQ), reply: field('vmids', vmidList), hypErrorOnFailure: false, rm: 'handled', precheck: undefined,
});

export const VM_LOOKUP_NAME_DEF = defineMessage({
  id: ID.VM_LOOKUP_NAME, name: 'VM_LOOKUP_NAME', linuxName: undefined,
  request: field('name', lookupString('VM_LOOKUP_NAME name', VM_MAX_NAME_LEN)), reply: field('vmids', vmidList), hypErrorOnFailure: false, rm: 'handled', precheck: undefined,
});

export const VM_GET_OWNER_DEF = defineMessage({
  id: ID.VM_GET_OWNER, name: 'VM_GET_OWNER', linuxName: undefined,
  request: EMPTY, reply: fixedCodec(VM_GET_OWNER_REPLY), hypErrorOnFailure: false, rm: 'handled', precheck: undefined,
});

/** vmid 0 means the caller; unknown VM -> NORESOURCE; not self, owner or peer -> DENIED (server checks). */
export const VM_GET_STATE_DEF = defineMessage({
  id: ID.VM_GET_STATE, name: 'VM_GET_STATE', linuxName: undefined,
  request: VMID_REQUEST, reply: fixedCodec(VM_GET_STATE_REPLY), hypErrorOnFailure: false, rm: 'handled', precheck: undefined,
});

/** Reply `@0 u16 len, @2 pad, @4 msg, pad to 4` after the code (8 + align4(len) bytes in all). */
export const VM_GET_CRASH_MSG_DEF = defineMessage({
  id: ID.VM_GET_CRASH_MSG, name: 'VM_GET_CRASH_MSG', linuxName: undefined,
  request: VMID_REQUEST, reply: crashMessage, hypErrorOnFailure: false, rm: 'handled', precheck: undefined,
});

/** Empty request (L-v6's 4-byte one is MSG_INVALID); the reply is the caller's VMID as a u32. */
export const VM_GET_VMID_DEF = defineMessage({
  id: ID.VM_GET_VMID, name: 'VM_GET_VMID', linuxName: 'GUNYAH_RM_RPC_VM_GET_VMID',
  request: EMPTY, reply: fixedCodec(U32_VMID_REPLY), hypErrorOnFailure: false, rm: 'handled', precheck: undefined,
});

/** Reply `u32 count, u32 vmid[count]`: the array keeps the reference's name, `vmid`. */
export const VM_GET_PEERS_DEF = defineMessage({
  id: ID.VM_GET_PEERS, name: 'VM_GET_PEERS', linuxName: undefined,
  request: EMPTY, reply: field('vmid', peerList), hypErrorOnFailure: false, rm: 'handled', precheck: undefined,
});

export const VM_HOST_GET_TYPE_DEF = defineMessage({
  id: ID.VM_HOST_GET_TYPE, name: 'VM_HOST_GET_TYPE', linuxName: undefined,
  request: EMPTY, reply: fixedCodec(VM_HOST_GET_TYPE_REPLY), hypErrorOnFailure: false, rm: 'handled', precheck: undefined,
});

export const VM_SET_STATUS_DEF = defineMessage({
  id: ID.VM_SET_STATUS, name: 'VM_SET_STATUS', linuxName: undefined,
  request: fixedCodec(VM_SET_STATUS_REQ, { ignored: ['vm_status'], check: checkOsStatus }),
  reply: EMPTY, hypErrorOnFailure: false, rm: 'handled', precheck: 'static-secondary-only',
});

export const VM_SET_CRASH_MSG_DEF = defineMessage({
  id: ID.VM_SET_CRASH_MSG, name: 'VM_SET_CRASH_MSG', linuxName: undefined,
  request: crashMessage, reply: EMPTY, hypErrorOnFailure: false, rm: 'handled', precheck: undefined,
});
