// 100k random and mutated packets through ResourceManager.attach (gunyah.md §3.2): nothing throws, the server
// never fails internally, and every whole REQUEST RM's reassembly yields gets exactly one REPLY with its seq and id.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RM_MESSAGES } from '../messages/message-catalogue.js';
import * as ID from '../messages/message-ids.js';
import { fragmentMessage } from '../rpc/fragmenter.js';
import { RpcReassembler } from '../rpc/reassembler.js';
import { RM_RPC_MSG_TYPE } from '../rpc/rpc-header.js';
import { ResourceManager } from './resource-manager.js';
import type { RmServerEventKind } from './rm-server-event.js';
import { fakeLink, type FakeClient } from './testing.js';

/** mulberry32: a fixed seed, so a failure can be replayed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEED = 0x5eed_0001;
const PACKETS = 100_000;

test(`fuzz: ${PACKETS} random and mutated packets, exactly one reply per whole request`, () => {
  const rand = rng(SEED);
  const int = (n: number): number => Math.floor(rand() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;

  const counts = new Map<RmServerEventKind | 'server-error', number>();
  const count = (k: RmServerEventKind | 'server-error'): void => void counts.set(k, (counts.get(k) ?? 0) + 1);
  const rm = new ResourceManager({ onEvent: (e) => count(e.kind === 'packet-dropped' && e.reason === 'server-error' ? 'server-error' : e.kind) });

  interface Peer { readonly client: FakeClient; readonly shadow: RpcReassembler; readonly inbox: RpcReassembler }
  const peers: Peer[] = [3, 3, 0x80, 0x81, 5, 0, 0x1234].map((vmid) => {
    const client = fakeLink();
    rm.attach(client.server, vmid);
    return { client, shadow: new RpcReassembler(), inbox: new RpcReassembler() };
  });

  const ids: readonly number[] = [
    ...Object.keys(RM_MESSAGES).map(Number),
    ...ID.RM_UNHANDLED_VM_IDS,
    ID.NOTIFY_VM_STATUS,
    0,
    0x5100_0012,
  ];
  const vmids = [0, 3, 5, 6, 0x80, 0x81, 0x82, 0xbe, 0xff, 0xffff];
  const payloadFor = (msgId: number): Uint8Array => {
    const def = RM_MESSAGES[msgId as keyof typeof RM_MESSAGES];
    const size = def?.request.size ?? (rand() < 0.1 ? int(700) : int(48));
    const p = Uint8Array.from({ length: size }, () => (rand() < 0.6 ? 0 : int(256)));
    if (size >= 2 && rand() < 0.8) {
      const v = pick(vmids);
      p[0] = v & 0xff;
      p[1] = v >> 8;
    }
    // Crash messages and lookups: a length that matches the payload half the time.
    if (def !== undefined && def.request.size === undefined && size >= 4 && rand() < 0.5) {
      p[0] = (size - 4) & 0xff;
      p[1] = (size - 4) >> 8;
      p[2] = 0;
      p[3] = 0;
    }
    return p;
  };

  const request = (): Uint8Array[] => {
    const msgId = pick(ids);
    const type = rand() < 0.9 ? RM_RPC_MSG_TYPE.REQUEST : pick([RM_RPC_MSG_TYPE.REPLY, RM_RPC_MSG_TYPE.NOTIFICATION]);
    return fragmentMessage({ type, seq: int(0x10000), msgId, payload: payloadFor(msgId) });
  };

  const mutate = (packets: Uint8Array[]): Uint8Array[] => {
    const out: Uint8Array[] = packets.map((p) => p.slice());
    const i = int(out.length);
    const p = out[i]!;
    switch (int(7)) {
      case 0:
        if (p.length > 0) {
          const at = int(p.length);
          p[at] = p[at]! ^ (1 << int(8));
        }
        return out;
      case 1:
        p[int(Math.min(8, p.length))] = int(256);
        return out;
      case 2:
        out[i] = p.subarray(0, int(p.length + 1));
        return out;
      case 3: {
        const longer = new Uint8Array(p.length + 1 + int(20));
        longer.set(p);
        longer.fill(int(256), p.length);
        out[i] = longer;
        return out;
      }
      case 4:
        out.splice(i, 1);
        return out;
      case 5:
        return out.reverse();
      default:
        out.splice(int(out.length + 1), 0, ...request());
        return out;
    }
  };

  const random = (): Uint8Array[] => [Uint8Array.from({ length: int(250) }, () => int(256))];

  let sent = 0;
  let requestsAnswered = 0;
  while (sent < PACKETS) {
    const peer = pick(peers);
    const r = rand();
    const packets = r < 0.2 ? random() : r < 0.6 ? request() : mutate(request());
    for (const packet of packets) {
      if (sent >= PACKETS) break;
      sent++;
      const expected: string[] = [];
      for (const ev of peer.shadow.push(packet)) {
        if (ev.kind === 'message' && ev.message.type === RM_RPC_MSG_TYPE.REQUEST) expected.push(`${ev.message.seq}/${ev.message.msgId}`);
      }
      peer.client.sendPacket(packet);
      for (const other of peers) {
        const replies: string[] = [];
        for (const p of other.client.drainPackets()) {
          for (const ev of other.inbox.push(p)) {
            assert.equal(ev.kind, 'message', `the server sent a packet a client drops: ${ev.kind === 'dropped' ? ev.detail : ''}`);
            if (ev.kind === 'message' && ev.message.type === RM_RPC_MSG_TYPE.REPLY) {
              replies.push(`${ev.message.seq}/${ev.message.msgId}`);
              assert.ok(ev.message.payload.length >= 4, 'every reply starts with an RM error code');
            }
          }
        }
        assert.equal(other.inbox.inProgress, false, 'the server never leaves a reply or notification unfinished');
        assert.deepEqual(replies, other === peer ? expected : [], `packet ${sent} (seed ${SEED})`);
      }
      requestsAnswered += expected.length;
    }
  }
  assert.equal(counts.get('request-failed') ?? 0, 0);
  assert.equal(counts.get('server-error') ?? 0, 0);
  // The fuzz reached the interesting paths.
  assert.ok(requestsAnswered > 20_000, `only ${requestsAnswered} requests were answered`);
  for (const kind of ['packet-dropped', 'message-dropped', 'request-refused', 'vm-allocated', 'vm-status', 'vm-deallocated'] as const) {
    assert.ok((counts.get(kind) ?? 0) > 0, `no ${kind} event`);
  }
});
