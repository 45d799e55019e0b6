// Checks src/rm's RPC codecs against the hand-written golden vectors (gunyah.md §3.1 header, §3.2 fragments, §4.1,
// §4.2, §4.6 payloads) in both directions: vector bytes -> header + fields, and vector fields -> the same bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertNever } from '../../src/binary/assert-never.js';
import {
  decodeNotification,
  decodeReply,
  decodeRequest,
  encodeNotification,
  encodeReply,
  encodeRequest,
  rmMessage,
  type RmMessageId,
  type RmNotificationId,
} from '../../src/rm/messages/message-catalogue.js';
import * as ID from '../../src/rm/messages/message-ids.js';
import { psciReset2FromExited, type VmExitedNotification } from '../../src/rm/messages/notifications.js';
import { fragmentMessage } from '../../src/rm/rpc/fragmenter.js';
import { RpcReassembler } from '../../src/rm/rpc/reassembler.js';
import {
  encodeRpcHeader,
  readRpcHeader,
  rpcHeaderProblem,
  RM_RPC_API_VERSION,
  RM_RPC_HEADER_SIZE,
  RM_RPC_HEADER_WORDS,
  RM_RPC_MSG_TYPE,
  type RmRpcMessageType,
} from '../../src/rm/rpc/rpc-header.js';
import { EXIT_TYPE, exitReasonWord, type ExitCode } from '../../src/rm/vm-constants.js';
import { RM_GOLDEN_FRAGMENTS, RM_GOLDEN_VECTORS, type RmGoldenVector } from './rm-vectors.js';

type Fields = Record<string, unknown>;

const MSG_TYPE: Readonly<Record<RmGoldenVector['kind'], RmRpcMessageType>> = {
  request: RM_RPC_MSG_TYPE.REQUEST,
  reply: RM_RPC_MSG_TYPE.REPLY,
  notification: RM_RPC_MSG_TYPE.NOTIFICATION,
};

function fromHex(hex: string): Uint8Array {
  const digits = hex.replaceAll(' ', '');
  return Uint8Array.from({ length: digits.length / 2 }, (_, i) => Number.parseInt(digits.slice(2 * i, 2 * i + 2), 16));
}

function toHex(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ');
}

/** Codec values in the vectors' notation: byte arrays as hex strings (no spaces), recursively. */
function asVectorValue(v: unknown): unknown {
  if (v instanceof Uint8Array) return toHex(v).replaceAll(' ', '');
  if (Array.isArray(v)) return v.map(asVectorValue);
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, asVectorValue(x)]));
  return v;
}

/** Vector values in the codecs' notation: hex strings (the vectors' only strings) as bytes, recursively. */
function asCodecValue(v: unknown): unknown {
  if (typeof v === 'string') return fromHex(v);
  if (Array.isArray(v)) return v.map(asCodecValue);
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, asCodecValue(x)]));
  return v;
}

/** Padding the vectors leave out (always zero there); a non-zero value stays in so the comparison shows it. */
const PADDING = new Set(['pad', 'res0', 'reserved']);

function withoutZeroPadding(v: Fields, extra: readonly string[] = []): Fields {
  return Object.fromEntries(Object.entries(v).filter(([k, x]) => !((PADDING.has(k) || extra.includes(k)) && (x === 0 || x === 0n))));
}

/** Removes a count the codec derives from its array, after checking the vector's count agrees with that array. */
function dropCount(f: Fields, countKey: string, length: number, where: string): Fields {
  assert.equal(f[countKey], length, `${where}: vector's ${countKey} must equal its array length`);
  const { [countKey]: _count, ...rest } = f;
  return rest;
}

/**
 * The reference fields the vectors list but our codecs derive rather than store: counts and lengths next to their
 * arrays, and NOTIFY_VM_EXITED's raw exit_reason[] words beside the flags/code/extra words it is built from.
 */
interface Shape {
  /** Codec value -> the vector's fields. */
  toVector(v: Fields): Fields;
  /** The vector's fields -> codec input. */
  toCodec(f: Fields, where: string): Fields;
}

const PLAIN: Shape = {
  toVector: (v) => asVectorValue(withoutZeroPadding(v)) as Fields,
  toCodec: (f) => asCodecValue(f) as Fields,
};

function counted(countKey: string, arrayKey: string, entryLenKey?: { readonly len: string; readonly data: string }): Shape {
  return {
    toVector: (v) => {
      const list = v[arrayKey] as readonly unknown[];
      const entries = list.map((e) => {
        if (typeof e !== 'object' || e === null) return e;
        const entry = withoutZeroPadding(e as Fields);
        return entryLenKey === undefined ? entry : { ...entry, [entryLenKey.len]: (entry[entryLenKey.data] as Uint8Array).length };
      });
      return asVectorValue({ ...withoutZeroPadding(v), [countKey]: list.length, [arrayKey]: entries }) as Fields;
    },
    toCodec: (f, where) => {
      const list = f[arrayKey] as readonly unknown[];
      const entries = entryLenKey === undefined
        ? list
        : list.map((e, i) => {
          const entry = e as Fields;
          return dropCount(entry, entryLenKey.len, fromHex(entry[entryLenKey.data] as string).length, `${where} entry ${i}`);
        });
      return asCodecValue({ ...dropCount(f, countKey, list.length, where), [arrayKey]: entries }) as Fields;
    },
  };
}

/** A byte string preceded by its length (crash messages): `len` is derived from `msg`. */
const LENGTH_PREFIXED: Shape = {
  toVector: (v) => asVectorValue({ len: (v['msg'] as Uint8Array).length, msg: v['msg'] }) as Fields,
  toCodec: (f, where) => asCodecValue(dropCount(f, 'len', fromHex(f['msg'] as string).length, where)) as Fields,
};

const WORD = 4;

/** exit_reason[] = [exit_flags | exit_code << 16, ...extra_reason]; for RESET2 also reset_type and the 64-bit cookie. */
const VM_EXITED: Shape = {
  toVector: (v) => {
    const n = v as unknown as VmExitedNotification;
    const exitReason = [exitReasonWord(n.exit_flags, n.exit_code as ExitCode), ...n.extra_reason];
    const reset2 = n.exit_type === EXIT_TYPE.PSCI_SYSTEM_RESET2 ? psciReset2FromExited(n) : undefined;
    return {
      vmid: n.vmid, exit_type: n.exit_type, exit_reason_size: WORD * exitReason.length, exit_reason: exitReason,
      exit_flags: n.exit_flags, exit_code: n.exit_code,
      ...(reset2 === undefined ? {} : { reset_type: reset2.reset_type, cookie: reset2.cookie }),
    };
  },
  toCodec: (f, where) => {
    const words = f['exit_reason'] as readonly number[];
    assert.equal(f['exit_reason_size'], WORD * words.length, `${where}: exit_reason_size must count exit_reason[]`);
    assert.equal(words[0], exitReasonWord(f['exit_flags'] as number, f['exit_code'] as ExitCode), `${where}: exit_reason[0] = exit_flags | exit_code << 16`);
    return { vmid: f['vmid'], exit_type: f['exit_type'], exit_flags: f['exit_flags'], exit_code: f['exit_code'], extra_reason: words.slice(1) };
  },
};

/** VM_SET_STATUS byte 0: RM bf31a9a ignores it (the reference leaves it unnamed; the codec keeps its RM-2104 name). */
const SET_STATUS: Shape = { ...PLAIN, toVector: (v) => withoutZeroPadding(v, ['vm_status']) };

const SHAPES: ReadonlyMap<string, Shape> = new Map([
  [`reply:${ID.VM_GET_ID}`, counted('n_ids', 'entries', { len: 'len', data: 'data' })],
  [`reply:${ID.VM_GET_HYP_RESOURCES}`, counted('n', 'entries')],
  [`reply:${ID.VM_GET_PEERS}`, counted('count', 'vmid')],
  [`reply:${ID.VM_GET_CRASH_MSG}`, LENGTH_PREFIXED],
  [`request:${ID.VM_SET_CRASH_MSG}`, LENGTH_PREFIXED],
  [`request:${ID.VM_SET_STATUS}`, SET_STATUS],
  [`notification:${ID.NOTIFY_VM_EXITED}`, VM_EXITED],
]);

const shapeOf = (v: RmGoldenVector): Shape => SHAPES.get(`${v.kind}:${v.msgId}`) ?? PLAIN;

/** The reply vector answering a request vector (same id and seq), if the file has one. */
function replyTo(v: RmGoldenVector): RmGoldenVector | undefined {
  return RM_GOLDEN_VECTORS.find((r) => r.kind === 'reply' && r.msgId === v.msgId && r.seq === v.seq);
}

/** The vector's payload decoded by our codec, as the vector's fields (or the refusal RM would answer). */
function decodeFields(v: RmGoldenVector, payload: Uint8Array): Fields | { readonly refused: number } {
  const shape = shapeOf(v);
  switch (v.kind) {
    case 'request': {
      const r = decodeRequest(v.msgId, payload);
      if (r.kind === 'request') return shape.toVector(r.fields as Fields);
      // RM answers this id (or these values) with an error: the bytes are still a well-formed request.
      if (r.kind === 'unknown') assert.equal(payload.length, 0, `${v.name}: unknown-id request vector carries a payload`);
      return { refused: r.rmCode };
    }
    case 'reply': {
      const r = decodeReply(v.msgId, payload);
      if (r.kind === 'malformed') assert.fail(`${v.name}: decodeReply says malformed: ${r.reason}`);
      if (r.kind === 'error') return { err: r.rmCode, ...(r.hypError === undefined ? {} : { hyp_err: r.hypError }) };
      return { err: 0, ...shape.toVector(r.data as Fields) };
    }
    case 'notification': {
      const r = decodeNotification(v.msgId, payload);
      if (r.kind !== 'notification') assert.fail(`${v.name}: decodeNotification says ${r.kind}: ${r.reason}`);
      return shape.toVector(r.fields as Fields);
    }
    default:
      return assertNever(v.kind, 'golden vector kind');
  }
}

/** The vector's fields encoded by our codec: payload bytes without the header. */
function encodeFields(v: RmGoldenVector): Uint8Array {
  const shape = shapeOf(v);
  switch (v.kind) {
    case 'request':
      if (rmMessage(v.msgId) === undefined) {
        assert.deepEqual(v.fields, {}, `${v.name}: a request to an unknown id can only be empty here`);
        return new Uint8Array(0);
      }
      return encodeRequest(v.msgId as RmMessageId, shape.toCodec(v.fields, v.name) as never);
    case 'reply': {
      const { err, ...data } = v.fields;
      const hasData = Object.keys(data).length > 0;
      return encodeReply(v.msgId, err as number, hasData ? (shape.toCodec(data, v.name) as never) : undefined);
    }
    case 'notification':
      return encodeNotification(v.msgId as RmNotificationId, shape.toCodec(v.fields, v.name) as never);
    default:
      return assertNever(v.kind, 'golden vector kind');
  }
}

for (const v of RM_GOLDEN_VECTORS) {
  test(`golden ${v.kind}: ${v.name}`, () => {
    const bytes = fromHex(v.hex);

    const h = readRpcHeader(bytes);
    assert.equal(rpcHeaderProblem(h), undefined, 'header problem');
    assert.deepEqual(h, {
      api_version: RM_RPC_API_VERSION, header_words: RM_RPC_HEADER_WORDS, msg_type: MSG_TYPE[v.kind], num_fragments: 0, seq_num: v.seq, msg_id: v.msgId,
    });
    const payload = bytes.subarray(RM_RPC_HEADER_SIZE);

    const decoded = decodeFields(v, payload);
    if ('refused' in decoded) {
      const reply = replyTo(v);
      assert.ok(reply !== undefined, `our codec refuses this request with RM error ${String(decoded.refused)}; no reply vector says what RM answers`);
      assert.equal(decoded.refused, reply.fields['err'], `our refusal vs the reply vector '${reply.name}'`);
    } else {
      assert.deepEqual(decoded, v.fields, 'decoded fields');
    }

    const encoded = encodeFields(v);
    const header = encodeRpcHeader({ msg_type: MSG_TYPE[v.kind], num_fragments: 0, seq_num: v.seq, msg_id: v.msgId });
    assert.equal(toHex(Uint8Array.from([...header, ...encoded])), toHex(bytes), 'encoded bytes');
    const packets = fragmentMessage({ type: MSG_TYPE[v.kind], seq: v.seq, msgId: v.msgId, payload: encoded });
    assert.deepEqual(packets.map(toHex), [toHex(bytes)], 'fragmentMessage sends it as this one packet');
  });
}

for (const f of RM_GOLDEN_FRAGMENTS) {
  test(`golden fragments: ${f.name}`, () => {
    const payload = fromHex(f.payloadHex);
    const want = f.packetsHex.map((p) => toHex(fromHex(p)));
    const packets = fragmentMessage({ type: MSG_TYPE[f.kind], seq: f.seq, msgId: f.msgId, payload });
    assert.deepEqual(packets.map(toHex), want, 'fragmentMessage packets');

    const r = new RpcReassembler();
    const events = f.packetsHex.flatMap((p) => r.push(fromHex(p)));
    assert.deepEqual(events, [{ kind: 'message', message: { type: MSG_TYPE[f.kind], seq: f.seq, msgId: f.msgId, payload } }]);
    assert.equal(r.inProgress, false);
  });
}

test('every golden request/reply id but the unknown one has a catalogue entry', () => {
  const missing = RM_GOLDEN_VECTORS.filter((v) => v.kind !== 'notification' && rmMessage(v.msgId) === undefined).map((v) => v.msgId);
  assert.deepEqual([...new Set(missing)], [0x1234_5678]);
});
