import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fragmentMessage, type RpcMessage } from './fragmenter.js';
import { RpcReassembler, type ReassemblyEvent } from './reassembler.js';
import { encodeRawRpcHeader, RM_RPC_MAX_MSG_SIZE, RM_RPC_MSG_TYPE, type RpcHeader } from './rpc-header.js';

const REQ = RM_RPC_MSG_TYPE.REQUEST;
const CONT = RM_RPC_MSG_TYPE.CONTINUED;

function packet(h: Partial<RpcHeader>, body: number[] = []): Uint8Array {
  const full: RpcHeader = { api_version: 1, header_words: 2, msg_type: REQ, num_fragments: 0, seq_num: 1, msg_id: 0x5600_0004, ...h };
  const p = new Uint8Array(8 + body.length);
  encodeRawRpcHeader(full, p);
  p.set(body, 8);
  return p;
}

function reasons(events: ReassemblyEvent[]): string[] {
  return events.map((e) => (e.kind === 'message' ? `message ${e.message.payload.length}` : e.reason));
}

function msg(size: number, seq = 9, msgId = 0x5600_0009): RpcMessage {
  return { type: REQ, seq, msgId, payload: Uint8Array.from({ length: size }, (_, i) => (i * 31 + size) & 0xff) };
}

test('a single-fragment message comes out whole, an empty one too', () => {
  const r = new RpcReassembler();
  const ev = r.push(packet({ seq_num: 0x1234 }, [4, 0, 0, 0]));
  assert.deepEqual(ev, [{ kind: 'message', message: { type: REQ, seq: 0x1234, msgId: 0x5600_0004, payload: Uint8Array.from([4, 0, 0, 0]) } }]);
  assert.deepEqual(r.push(packet({ msg_id: 0x5600_0024 })), [{ kind: 'message', message: { type: REQ, seq: 1, msgId: 0x5600_0024, payload: new Uint8Array(0) } }]);
  assert.equal(r.inProgress, false);
});

test('fragmented messages of every boundary size reassemble to the same bytes', () => {
  const r = new RpcReassembler();
  for (const size of [0, 1, 231, 232, 233, 464, 465, 5000, RM_RPC_MAX_MSG_SIZE]) {
    const m = msg(size);
    const events = fragmentMessage(m).flatMap((p) => r.push(p));
    assert.deepEqual(events, [{ kind: 'message', message: m }], `size ${size}`);
  }
});

test('drop: packets shorter than the header (0-7 bytes) and longer than 240', () => {
  const r = new RpcReassembler();
  for (let n = 0; n < 8; n++) assert.deepEqual(reasons(r.push(new Uint8Array(n).fill(0x21))), ['too-short']);
  assert.deepEqual(reasons(r.push(packet({}, new Array(233).fill(0)))), ['too-long']);
  assert.deepEqual(reasons(r.push(packet({}, new Array(232).fill(0)))), ['message 232']);
});

test('drop: bad headers (version != 1, words != 2, fragments > 62)', () => {
  const r = new RpcReassembler();
  assert.deepEqual(reasons(r.push(packet({ api_version: 0 }))), ['bad-api-version']);
  assert.deepEqual(reasons(r.push(packet({ api_version: 2 }))), ['bad-api-version']);
  assert.deepEqual(reasons(r.push(packet({ header_words: 1 }))), ['bad-header-words']);
  assert.deepEqual(reasons(r.push(packet({ header_words: 3 }))), ['bad-header-words']);
  assert.deepEqual(reasons(r.push(packet({ num_fragments: 63 }, [1]))), ['too-many-fragments']);
  assert.equal(r.inProgress, false);
  const bad = r.push(Uint8Array.from([0x12, 0x01, 0, 0, 0, 0, 0, 0]));
  assert.equal(bad[0]?.kind === 'dropped' && bad[0].detail.startsWith('header byte0 0x12'), true);
});

test('drop: a continuation with nothing in progress', () => {
  const r = new RpcReassembler();
  assert.deepEqual(reasons(r.push(packet({ msg_type: CONT, num_fragments: 1 }, [1, 2]))), ['stray-continuation']);
  const [first, second] = fragmentMessage(msg(300));
  assert.deepEqual(reasons([...r.push(first!), ...r.push(second!)]), ['message 300']);
  assert.deepEqual(reasons(r.push(second!)), ['stray-continuation']);
});

test('a new first fragment discards the partial message', () => {
  const r = new RpcReassembler();
  const a = fragmentMessage(msg(700, 1, 0x5600_0009));
  r.push(a[0]!);
  r.push(a[1]!);
  assert.equal(r.inProgress, true);
  const b = msg(10, 2, 0x5600_0004);
  const events = r.push(fragmentMessage(b)[0]!);
  assert.deepEqual(reasons(events), ['partial-discarded', 'message 10']);
  assert.deepEqual(events[1], { kind: 'message', message: b });
  assert.deepEqual(reasons(r.push(a[2]!)), ['stray-continuation']);
  // A new multi-fragment message replaces the old one and then completes.
  r.push(a[0]!);
  const c = fragmentMessage(msg(300, 3));
  assert.deepEqual(reasons([...r.push(c[0]!), ...r.push(c[1]!)]), ['partial-discarded', 'message 300']);
});

test('a continuation must match msg_id, seq and num_fragments; a mismatch is dropped and the partial kept', () => {
  const m = msg(500, 5, 0x5600_0020);
  const [p0, p1, p2] = fragmentMessage(m);
  const r = new RpcReassembler();
  r.push(p0!);
  const body = [...p1!.subarray(8)];
  assert.deepEqual(reasons(r.push(packet({ msg_type: CONT, num_fragments: 2, seq_num: 5, msg_id: 0x5600_0021 }, body))), ['mismatched-continuation']);
  assert.deepEqual(reasons(r.push(packet({ msg_type: CONT, num_fragments: 2, seq_num: 6, msg_id: 0x5600_0020 }, body))), ['mismatched-continuation']);
  assert.deepEqual(reasons(r.push(packet({ msg_type: CONT, num_fragments: 3, seq_num: 5, msg_id: 0x5600_0020 }, body))), ['mismatched-continuation']);
  assert.equal(r.inProgress, true);
  assert.deepEqual(r.push(p1!), []);
  assert.deepEqual(r.push(p2!), [{ kind: 'message', message: m }]);
});

test('continuations shorter than 232 bytes are appended as RM does; an empty first fragment still waits', () => {
  const r = new RpcReassembler();
  assert.deepEqual(r.push(packet({ num_fragments: 2, seq_num: 3 }, [1, 2, 3])), []);
  assert.deepEqual(r.push(packet({ msg_type: CONT, num_fragments: 2, seq_num: 3 }, [4])), []);
  const done = r.push(packet({ msg_type: CONT, num_fragments: 2, seq_num: 3 }, []));
  assert.deepEqual(done, [{ kind: 'message', message: { type: REQ, seq: 3, msgId: 0x5600_0004, payload: Uint8Array.from([1, 2, 3, 4]) } }]);
  assert.deepEqual(r.push(packet({ num_fragments: 1 })), []);
  assert.deepEqual(reasons(r.push(packet({ msg_type: CONT, num_fragments: 1 }, [9]))), ['message 1']);
  r.push(packet({ num_fragments: 1 }));
  r.reset();
  assert.equal(r.inProgress, false);
  assert.deepEqual(reasons(r.push(packet({ msg_type: CONT, num_fragments: 1 }, [9]))), ['stray-continuation']);
});

test('fuzz: 100k random and mutated packets never throw and leave the reassembler working', () => {
  let s = 0x9e3779b9;
  const rand = (n: number): number => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return s % n;
  };
  const seeds = [0, 1, 233, 700, 4000].flatMap((n, i) => fragmentMessage({ type: ((i % 3) + 1) as 1 | 2 | 3, seq: i, msgId: 0x5600_0000 + i, payload: new Uint8Array(n).fill(i) }));
  const r = new RpcReassembler();
  const counts = { message: 0, dropped: 0 };
  for (let i = 0; i < 100_000; i++) {
    let p: Uint8Array;
    const mode = rand(4);
    if (mode === 0) {
      p = Uint8Array.from({ length: rand(260) }, () => rand(256));
    } else {
      p = seeds[rand(seeds.length)]!.slice();
      if (mode === 1) p[rand(8)] = rand(256);
      if (mode === 2) p = p.subarray(0, rand(p.length + 1));
      if (mode === 3 && rand(2) === 0) p[1] = (p[1]! & 0x03) | (rand(64) << 2);
    }
    const events = r.push(p);
    assert.ok(events.length <= 2);
    for (const e of events) {
      counts[e.kind]++;
      if (e.kind === 'message') assert.ok(e.message.payload.length <= RM_RPC_MAX_MSG_SIZE);
      else assert.ok(e.detail.length > 0);
    }
  }
  assert.ok(counts.message > 1000 && counts.dropped > 1000, JSON.stringify(counts));
  const m = msg(1000);
  const tail = fragmentMessage(m).flatMap((p) => r.push(p));
  assert.deepEqual(tail.at(-1), { kind: 'message', message: m });
});
