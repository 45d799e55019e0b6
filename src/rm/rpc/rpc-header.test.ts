import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RmError } from '../rm-error.js';
import * as H from './rpc-header.js';

test('limits: 240-byte messages, 232-byte payloads, 62 continuations, 14616 / 14384 byte messages (gunyah.md §3.2)', () => {
  assert.equal(H.RM_RPC_HEADER.size, 8);
  assert.deepEqual(H.RM_RPC_HEADER.offsets, { api: 0, type_fragments: 1, seq_num: 2, msg_id: 4 });
  assert.equal(H.RM_RPC_API, 0x21);
  assert.equal(H.RM_RPC_MESSAGE_SIZE, 240);
  assert.equal(H.RM_RPC_MAX_CONTENT, 232);
  assert.equal(H.RM_RPC_MAX_FRAGMENTS, 62);
  assert.equal(H.RM_RPC_MAX_MSG_SIZE, 14616);
  assert.equal(H.GUNYAH_RM_LINUX_MAX_PAYLOAD, 14384);
  assert.deepEqual(H.RM_RPC_MSG_TYPE, { CONTINUED: 0, REQUEST: 1, REPLY: 2, NOTIFICATION: 3 });
});

test('bit packing: byte 0 = words << 4 | version = 0x21, byte 1 = fragments << 2 | type, then LE seq and msg_id', () => {
  const b = H.encodeRpcHeader({ msg_type: H.RM_RPC_MSG_TYPE.REQUEST, num_fragments: 0, seq_num: 0x1234, msg_id: 0x5600_0004 });
  assert.deepEqual([...b], [0x21, 0x01, 0x34, 0x12, 0x04, 0x00, 0x00, 0x56]);
  const r = H.encodeRpcHeader({ msg_type: H.RM_RPC_MSG_TYPE.REPLY, num_fragments: 62, seq_num: 0xffff, msg_id: 0xffff_ffff });
  assert.deepEqual([...r], [0x21, 0xfa, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
  const n = H.encodeRpcHeader({ msg_type: H.RM_RPC_MSG_TYPE.NOTIFICATION, num_fragments: 3, seq_num: 0, msg_id: 0x5610_0008 });
  assert.deepEqual([...n], [0x21, 0x0f, 0x00, 0x00, 0x08, 0x00, 0x10, 0x56]);
  const c = H.encodeRpcHeader({ msg_type: H.RM_RPC_MSG_TYPE.CONTINUED, num_fragments: 1, seq_num: 7, msg_id: 1 });
  assert.equal(c[1], 0x04);
});

test('readRpcHeader splits the bit fields; rpcHeaderProblem applies read_rpc_header checks in order', () => {
  const h = H.readRpcHeader(Uint8Array.from([0x21, 0xfa, 0x34, 0x12, 0x78, 0x56, 0x34, 0x12, 0xee]));
  assert.deepEqual(h, { api_version: 1, header_words: 2, msg_type: 2, num_fragments: 62, seq_num: 0x1234, msg_id: 0x12345678 });
  assert.equal(H.rpcHeaderProblem(h), undefined);
  assert.equal(H.rpcHeaderProblem({ ...h, api_version: 2 }), 'bad-api-version');
  assert.equal(H.rpcHeaderProblem({ ...h, api_version: 0, header_words: 3 }), 'bad-api-version');
  assert.equal(H.rpcHeaderProblem({ ...h, header_words: 1 }), 'bad-header-words');
  assert.equal(H.rpcHeaderProblem({ ...h, num_fragments: 63 }), 'too-many-fragments');
  assert.deepEqual(H.readRpcHeader(H.encodeRawRpcHeader({ ...h, api_version: 0xf, header_words: 0, num_fragments: 63 })), { ...h, api_version: 0xf, header_words: 0, num_fragments: 63 });
  assert.throws(() => H.readRpcHeader(new Uint8Array(7)), RangeError);
});

test('getBits/setBits use the Linux masks and refuse values wider than the field', () => {
  const B = H.RM_RPC_HEADER_BITS;
  assert.equal(H.getBits(0xfa, B.msg_type), 2);
  assert.equal(H.getBits(0xfa, B.num_fragments), 62);
  assert.equal(H.setBits(0xff, B.msg_type, 0), 0xfc);
  assert.equal(H.setBits(0x00, B.header_words, 0xf), 0xf0);
  assert.throws(() => H.setBits(0, B.msg_type, 4), (e: unknown) => e instanceof RmError && e.code === 'INVALID_FIELD');
  assert.throws(() => H.setBits(0, B.num_fragments, 64), RmError);
  assert.throws(() => H.setBits(0, B.api_version, -1), RmError);
});

test('encodeRpcHeader refuses what RM never sends: > 62 continuations, seq > 16 bits, msg_id > 32 bits', () => {
  const base = { msg_type: H.RM_RPC_MSG_TYPE.REQUEST, num_fragments: 0, seq_num: 0, msg_id: 0 } as const;
  assert.throws(() => H.encodeRpcHeader({ ...base, num_fragments: 63 }), (e: unknown) => e instanceof RmError && e.code === 'INVALID_FIELD' && /fragmentMessage/.test(e.message));
  assert.throws(() => H.encodeRpcHeader({ ...base, seq_num: 0x10000 }), RmError);
  assert.throws(() => H.encodeRpcHeader({ ...base, msg_id: 2 ** 32 }), RmError);
  assert.throws(() => H.encodeRpcHeader({ ...base, seq_num: 1.5 }), RmError);
  const out = new Uint8Array(12).fill(0xaa);
  H.encodeRpcHeader(base, out, 4);
  assert.deepEqual([...out], [0xaa, 0xaa, 0xaa, 0xaa, 0x21, 0x01, 0, 0, 0, 0, 0, 0]);
});
