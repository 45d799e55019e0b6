import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RmError } from '../rm-error.js';
import { continuationCount, fragmentMessage, type RpcMessage } from './fragmenter.js';
import { GUNYAH_RM_LINUX_MAX_PAYLOAD, readRpcHeader, RM_RPC_MAX_MSG_SIZE, RM_RPC_MSG_TYPE } from './rpc-header.js';

function msg(size: number, type: RpcMessage['type'] = RM_RPC_MSG_TYPE.REPLY): RpcMessage {
  return { type, seq: 0x4242, msgId: 0x5600_0020, payload: Uint8Array.from({ length: size }, (_, i) => (i * 7 + 3) & 0xff) };
}

test('continuationCount is (size - 1) / 232, 0 for an empty payload', () => {
  const cases: [number, number][] = [[0, 0], [1, 0], [232, 0], [233, 1], [464, 1], [465, 2], [14384, 61], [14385, 62], [14616, 62]];
  for (const [size, n] of cases) assert.equal(continuationCount(size), n, `size ${size}`);
});

test('fragment counts and sizes at 0, 232, 233, 464, 465 and the limits', () => {
  const cases: [number, number[]][] = [
    [0, [8]], [1, [9]], [232, [240]], [233, [240, 9]], [464, [240, 240]], [465, [240, 240, 9]],
  ];
  for (const [size, lens] of cases) assert.deepEqual(fragmentMessage(msg(size)).map((p) => p.length), lens, `size ${size}`);
  const max = fragmentMessage(msg(RM_RPC_MAX_MSG_SIZE));
  assert.equal(max.length, 63);
  assert.ok(max.every((p) => p.length === 240));
  assert.equal(fragmentMessage(msg(GUNYAH_RM_LINUX_MAX_PAYLOAD), { maxPayload: GUNYAH_RM_LINUX_MAX_PAYLOAD }).length, 62);
});

test('first fragment carries the type; every fragment repeats seq, msg_id and num_fragments', () => {
  const m = msg(500, RM_RPC_MSG_TYPE.NOTIFICATION);
  const packets = fragmentMessage(m);
  const headers = packets.map((p) => readRpcHeader(p));
  assert.deepEqual(headers.map((h) => h.msg_type), [3, 0, 0]);
  for (const h of headers) {
    assert.equal(h.api_version, 1);
    assert.equal(h.header_words, 2);
    assert.equal(h.num_fragments, 2);
    assert.equal(h.seq_num, 0x4242);
    assert.equal(h.msg_id, 0x5600_0020);
  }
  assert.deepEqual([...packets[0]!.subarray(0, 8)], [0x21, 0x0b, 0x42, 0x42, 0x20, 0x00, 0x00, 0x56]);
  assert.deepEqual([...packets[1]!.subarray(0, 2)], [0x21, 0x08]);
  const joined = new Uint8Array(packets.reduce((n, p) => n + p.length - 8, 0));
  let at = 0;
  for (const p of packets) { joined.set(p.subarray(8), at); at += p.length - 8; }
  assert.deepEqual(joined, m.payload);
});

test('oversize payloads are a typed error: RM limit by default, Linux limit on request', () => {
  assert.throws(() => fragmentMessage(msg(RM_RPC_MAX_MSG_SIZE + 1)), (e: unknown) => e instanceof RmError && e.code === 'MESSAGE_TOO_LARGE' && e.rmCode === 4 && /14617-byte payload; the limit is 14616/.test(e.message));
  assert.throws(() => fragmentMessage(msg(GUNYAH_RM_LINUX_MAX_PAYLOAD + 1), { maxPayload: GUNYAH_RM_LINUX_MAX_PAYLOAD }), (e: unknown) => e instanceof RmError && e.code === 'MESSAGE_TOO_LARGE');
  assert.throws(() => fragmentMessage(msg(1), { maxPayload: RM_RPC_MAX_MSG_SIZE + 1 }), (e: unknown) => e instanceof RmError && e.code === 'INVALID_FIELD');
  assert.throws(() => fragmentMessage({ ...msg(1), type: 0 as never }), (e: unknown) => e instanceof RmError && e.code === 'INVALID_FIELD');
  assert.throws(() => fragmentMessage({ ...msg(1), seq: 0x10000 }), RmError);
});
