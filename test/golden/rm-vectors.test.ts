// Self-check of the hand-written RM golden vectors (gunyah.md §3.1 header, §3.2 fragments): each vector must agree
// with itself (hex well-formed, header matches kind/seq/msgId, sizes within a 240-byte message). Not an encoder test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { struct, u8, u16le, u32le } from '../../src/binary/struct.js';
import { RM_GOLDEN_FRAGMENTS, RM_GOLDEN_VECTORS, type RmGoldenVector } from './rm-vectors.js';

// §3.1: bytes 0-1 hold bitfields, so they are kept whole here and split with the masks below.
const RpcHeader = struct('rm-rpc-header', { api_words: u8, type_fragments: u8, seq_num: u16le, msg_id: u32le });
const RM_RPC_API = 0x21;
const RM_RPC_MESSAGE_SIZE = 240;
const RM_RPC_MAX_CONTENT = RM_RPC_MESSAGE_SIZE - RpcHeader.size;
const RM_RPC_MSG_TYPE_MASK = 0x3;
const RM_RPC_FRAGMENTS_SHIFT = 2;
const RM_RPC_MSG_TYPE = { continuation: 0, request: 1, reply: 2, notification: 3 } as const;
const RM_REPLY_ERR_SIZE = 4;

function parseHex(hex: string, what: string): Uint8Array {
  assert.match(hex, /^[0-9a-f]{2}( ?[0-9a-f]{2})*$/, `${what}: hex must be lowercase byte pairs, optionally space-separated`);
  const digits = hex.replaceAll(' ', '');
  const out = new Uint8Array(digits.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(digits.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function checkHeader(
  bytes: Uint8Array, what: string, want: { type: number; fragments: number; seq: number; msgId: number },
): void {
  assert.ok(bytes.length >= RpcHeader.size, `${what}: shorter than the ${RpcHeader.size}-byte header`);
  assert.ok(bytes.length <= RM_RPC_MESSAGE_SIZE, `${what}: ${bytes.length} bytes exceed one ${RM_RPC_MESSAGE_SIZE}-byte message`);
  const h = RpcHeader.decode(bytes);
  assert.equal(h.api_words, RM_RPC_API, `${what}: byte 0`);
  assert.equal(h.type_fragments & RM_RPC_MSG_TYPE_MASK, want.type, `${what}: msg_type bits`);
  assert.equal(h.type_fragments >> RM_RPC_FRAGMENTS_SHIFT, want.fragments, `${what}: num_fragments bits`);
  assert.equal(h.seq_num, want.seq, `${what}: LE16 seq`);
  assert.equal(h.msg_id, want.msgId, `${what}: LE32 msg_id`);
}

test('the RPC header layout is 8 bytes', () => {
  assert.equal(RpcHeader.size, 8);
  assert.equal(RM_RPC_MAX_CONTENT, 232);
});

test('every golden vector has a unique name, a § source and in-range seq/msgId', () => {
  const names = new Set<string>();
  for (const v of RM_GOLDEN_VECTORS) {
    assert.ok(!names.has(v.name), `duplicate vector name '${v.name}'`);
    names.add(v.name);
    assert.match(v.source, /^§\d/, `${v.name}: source must cite a reference section`);
    assert.ok(Number.isInteger(v.seq) && v.seq >= 0 && v.seq <= 0xffff, `${v.name}: seq must be a u16`);
    assert.ok(Number.isInteger(v.msgId) && v.msgId > 0 && v.msgId <= 0xffff_ffff, `${v.name}: msgId must be a non-zero u32`);
  }
});

test('every golden vector is one well-formed packet whose header matches kind, seq and msgId', () => {
  for (const v of RM_GOLDEN_VECTORS) {
    const bytes = parseHex(v.hex, v.name);
    checkHeader(bytes, v.name, { type: RM_RPC_MSG_TYPE[v.kind], fragments: 0, seq: v.seq, msgId: v.msgId });
  }
});

test('every payload is a multiple of 4 bytes (all RM layouts pad to 4)', () => {
  for (const v of RM_GOLDEN_VECTORS) {
    const payload = parseHex(v.hex, v.name).length - RpcHeader.size;
    assert.equal(payload % 4, 0, `${v.name}: payload of ${payload} bytes is not 4-aligned`);
  }
});

test('replies start with the LE32 err named in fields; requests and notifications carry no err', () => {
  const view = (b: Uint8Array): DataView => new DataView(b.buffer, b.byteOffset, b.byteLength);
  const isReply = (v: RmGoldenVector): boolean => v.kind === 'reply';
  for (const v of RM_GOLDEN_VECTORS) {
    const bytes = parseHex(v.hex, v.name);
    if (isReply(v)) {
      assert.ok(bytes.length >= RpcHeader.size + RM_REPLY_ERR_SIZE, `${v.name}: reply lacks the err word`);
      assert.equal(typeof v.fields['err'], 'number', `${v.name}: reply fields need err`);
      assert.equal(view(bytes).getUint32(RpcHeader.size, true), v.fields['err'], `${v.name}: err word`);
    } else {
      assert.ok(!('err' in v.fields), `${v.name}: only replies have err`);
    }
  }
});

test('the vectors cover request, reply and notification kinds and an error reply for UNIMPLEMENTED', () => {
  const kinds = new Set(RM_GOLDEN_VECTORS.map((v) => v.kind));
  assert.deepEqual([...kinds].sort(), ['notification', 'reply', 'request']);
  assert.ok(RM_GOLDEN_VECTORS.some((v) => v.kind === 'reply' && v.fields['err'] === 0xffff_ffff));
});

test('fragment vectors split the payload into ≤ 240-byte packets with repeated headers', () => {
  const names = new Set<string>();
  for (const f of RM_GOLDEN_FRAGMENTS) {
    assert.ok(!names.has(f.name), `duplicate fragment vector name '${f.name}'`);
    names.add(f.name);
    const payload = parseHex(f.payloadHex, `${f.name} payload`);
    const fragments = Math.ceil(payload.length / RM_RPC_MAX_CONTENT) - 1;
    assert.equal(f.packetsHex.length, fragments + 1, `${f.name}: packet count for ${payload.length} bytes`);
    const joined: number[] = [];
    f.packetsHex.forEach((hex, i) => {
      const what = `${f.name} packet ${i}`;
      const bytes = parseHex(hex, what);
      const type = i === 0 ? RM_RPC_MSG_TYPE[f.kind] : RM_RPC_MSG_TYPE.continuation;
      checkHeader(bytes, what, { type, fragments, seq: f.seq, msgId: f.msgId });
      if (i < f.packetsHex.length - 1) assert.equal(bytes.length, RM_RPC_MESSAGE_SIZE, `${what}: only the last may be short`);
      joined.push(...bytes.subarray(RpcHeader.size));
    });
    assert.deepEqual(joined, [...payload], `${f.name}: packets must reassemble to payloadHex`);
  }
});

test('fragment vectors cover 232, 233, 464 and 465 payload bytes', () => {
  const sizes = RM_GOLDEN_FRAGMENTS.map((f) => parseHex(f.payloadHex, f.name).length).sort((a, b) => a - b);
  assert.deepEqual(sizes, [232, 233, 464, 465]);
});
