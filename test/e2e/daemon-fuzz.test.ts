// Fuzz against a live `bothy daemon`: several clients send a few hundred thousand random and mutated RM RPC
// packets (valid VM_GET_VMID / VM_ALLOCATE / VM_GET_STATE requests with flipped bits, truncations, wrong
// fragment counts, bogus msg ids, oversize), while another keeps connecting and vanishing mid-message.
// The daemon must never exit, keep every fuzzing client connected, and answer afterwards on both sockets.
// BOTHY_FUZZ_SEED=n replays a run; BOTHY_FUZZ_PACKETS=n changes the count.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SeqpacketSocket } from 'node-unix-socket';
import { apiGet, RmTestClient } from '../../src/daemon/testing.js';
import { RM_RPC_HEADER, RM_RPC_HEADER_SIZE, RM_RPC_MESSAGE_SIZE, RM_RPC_MSG_TYPE } from '../../src/rm/rpc/rpc-header.js';
import { VM_ALLOCATE, VM_GET_STATE, VM_GET_VMID } from '../../src/rm/messages/message-ids.js';
import { within } from '../../src/rm/transport/testing.js';
import { EXIT } from '../../src/cli/exit-codes.js';
import { daemonReady, spawnDaemon } from '../support/daemon-process.js';

const TOTAL = Number(process.env['BOTHY_FUZZ_PACKETS'] ?? 300_000);
const SEED = Number(process.env['BOTHY_FUZZ_SEED'] ?? Date.now() % 2 ** 31);
const CLIENTS = 4;
/** Fuzz packets between two sync points; small enough that the daemon never holds 1024 unread replies for us. */
const BATCH = 250;
/** Sync requests use seqs from here up, which the fuzz never picks for a valid GET_VMID. */
const SYNC_SEQ_BASE = 0xf000;

/** mulberry32: a small seeded PRNG, so a failing run can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

function packet(typeFragments: number, seq: number, msgId: number, payload: Uint8Array = new Uint8Array(0)): Uint8Array {
  const out = new Uint8Array(RM_RPC_HEADER_SIZE + payload.length);
  RM_RPC_HEADER.encode({ api: 0x21, type_fragments: typeFragments, seq_num: seq, msg_id: msgId }, out);
  out.set(payload, RM_RPC_HEADER_SIZE);
  return out;
}

class Fuzzer {
  readonly #r: () => number;
  constructor(seed: number) {
    this.#r = prng(seed);
  }

  int(n: number): number {
    return Math.floor(this.#r() * n);
  }

  bytes(n: number): Uint8Array {
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i++) b[i] = this.int(256);
    return b;
  }

  /** A valid request to mutate: GET_VMID (empty), VM_ALLOCATE or VM_GET_STATE (u16 vmid, u16 pad). */
  valid(): Uint8Array {
    const seq = this.int(SYNC_SEQ_BASE);
    const vmid = Uint8Array.of(this.int(256), this.int(2), 0, 0);
    switch (this.int(3)) {
      case 0:
        return packet(RM_RPC_MSG_TYPE.REQUEST, seq, VM_GET_VMID);
      case 1:
        return packet(RM_RPC_MSG_TYPE.REQUEST, seq, VM_ALLOCATE, vmid);
      default:
        return packet(RM_RPC_MSG_TYPE.REQUEST, seq, VM_GET_STATE, vmid);
    }
  }

  /** One fuzz packet of 1..~600 bytes (never empty: on SOCK_SEQPACKET that reads as the peer closing). */
  next(): Uint8Array {
    const p = this.valid();
    switch (this.int(9)) {
      case 0: // flipped bits
        for (let k = 1 + this.int(4); k > 0; k--) {
          const i = this.int(p.length);
          p[i] = p[i]! ^ (1 << this.int(8));
        }
        return p;
      case 1: // truncated (header or payload cut short)
        return p.slice(0, 1 + this.int(p.length - 1));
      case 2: { // a wrong fragment count and any type: first fragments never finished, stray continuations
        const q = p.slice();
        RM_RPC_HEADER.set(q, 'type_fragments', (this.int(64) << 2) | this.int(4));
        return q;
      }
      case 3: { // a bogus msg id, near RM's range or anywhere
        const q = p.slice();
        RM_RPC_HEADER.set(q, 'msg_id', this.int(2) === 0 ? 0x5600_0000 + this.int(0x200) : this.int(2 ** 32));
        return q;
      }
      case 4: { // oversize: more than one message-queue message
        const q = new Uint8Array(RM_RPC_MESSAGE_SIZE + 1 + this.int(360));
        q.set(p);
        return q;
      }
      case 5: { // random trailing bytes up to the message size
        const q = new Uint8Array(p.length + 1 + this.int(RM_RPC_MESSAGE_SIZE - p.length));
        q.set(p);
        q.set(this.bytes(q.length - p.length), p.length);
        return q;
      }
      case 6: // pure noise
        return this.bytes(1 + this.int(RM_RPC_MESSAGE_SIZE));
      case 7: { // a continuation that may or may not match a first fragment sent before
        const q = p.slice();
        RM_RPC_HEADER.set(q, 'type_fragments', (this.int(4) << 2) | RM_RPC_MSG_TYPE.CONTINUED);
        return q;
      }
      default: // valid as it is
        return p;
    }
  }
}

interface ClientReport {
  readonly sent: number;
  readonly replies: number;
  readonly closed: boolean;
}

/** One fuzzing client on a raw socket (our own transport refuses oversize packets). */
async function fuzzClient(path: string, fuzz: Fuzzer, packets: number, id: number): Promise<ClientReport> {
  const s = new SeqpacketSocket();
  let closed = false;
  let replies = 0;
  let waiting: { seq: number; done: () => void } | undefined;
  s.on('end', () => (closed = true));
  s.on('close', () => (closed = true));
  s.on('error', () => (closed = true));
  s.on('data', (b: Buffer) => {
    replies++;
    if (waiting === undefined || b.length !== 16) return;
    const h = RM_RPC_HEADER.decode(b);
    if (h.type_fragments === RM_RPC_MSG_TYPE.REPLY && h.seq_num === waiting.seq && h.msg_id === VM_GET_VMID && b.readUInt32LE(8) === 0 && b.readUInt32LE(12) === 3) {
      const w = waiting;
      waiting = undefined;
      w.done();
    }
  });
  await within(new Promise<void>((r) => s.connect(path, r)), `client ${id} to connect`);
  let sent = 0;
  let syncs = 0;
  let closedByDaemon = false;
  try {
    while (sent < packets && !closed) {
      for (let i = 0; i < BATCH && sent < packets; i++, sent++) {
        const p = fuzz.next();
        s.write(Buffer.from(p.buffer, p.byteOffset, p.length));
      }
      // A valid single-fragment GET_VMID always completes (a new first fragment discards any partial one).
      const seq = SYNC_SEQ_BASE + (syncs++ % 0x0fff);
      const synced = new Promise<void>((done) => (waiting = { seq, done }));
      s.write(Buffer.from(packet(RM_RPC_MSG_TYPE.REQUEST, seq, VM_GET_VMID)));
      await within(synced, () => `client ${id}: the reply to sync ${seq} after ${sent} packets (closed: ${closed})`, 15_000);
    }
    closedByDaemon = closed;
  } finally {
    s.destroy();
  }
  return { sent, replies, closed: closedByDaemon };
}

/**
 * Connects, sends the start of a message (or noise), and vanishes without waiting, over and over. A connect
 * refused because the daemon's backlog is full (it is busy with the fuzzers) is waited out, not a failure.
 */
async function churn(path: string, fuzz: Fuzzer, rounds: number): Promise<number> {
  let refused = 0;
  for (let i = 0; i < rounds; i++) {
    const s = new SeqpacketSocket();
    s.on('error', () => {});
    try {
      await within(new Promise<void>((r) => s.connect(path, r)), 'a churn connect');
    } catch {
      refused++;
      s.destroy();
      await new Promise((r) => setTimeout(r, 10));
      continue;
    }
    s.write(Buffer.from(packet((5 << 2) | RM_RPC_MSG_TYPE.REQUEST, i & 0xffff, VM_ALLOCATE, Uint8Array.of(0, 0, 0, 0))));
    const p = fuzz.next();
    s.write(Buffer.from(p.buffer, p.byteOffset, p.length));
    s.destroy();
    await new Promise((r) => setTimeout(r, 1));
  }
  return refused;
}

test(`the daemon survives ${TOTAL} fuzzed RM RPC packets from ${CLIENTS} clients`, { timeout: 180_000 }, async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'bothy-fuzz-')), 'run');
  const d = spawnDaemon(dir, { killAfterMs: 170_000 });
  const rmSock = join(dir, 'rm.sock');
  process.stdout.write(`# fuzz seed ${SEED} (BOTHY_FUZZ_SEED=${SEED} to replay), ${TOTAL} packets\n`);
  try {
    await daemonReady(d, dir);
    const per = Math.ceil(TOTAL / CLIENTS);
    const started = Date.now();
    const [reports, refused] = await Promise.all([
      Promise.all(Array.from({ length: CLIENTS }, (_, i) => fuzzClient(rmSock, new Fuzzer(SEED + i), per, i))),
      churn(rmSock, new Fuzzer(SEED + CLIENTS), 300),
    ]);
    const sent = reports.reduce((a, r) => a + r.sent, 0);
    process.stdout.write(`# ${sent} packets in ${Date.now() - started} ms; replies ${reports.map((r) => r.replies).join(', ')}; churn connects refused (busy backlog): ${refused}\n`);
    assert.equal(sent, per * CLIENTS, 'every client sent all its packets');
    assert.deepEqual(reports.map((r) => r.closed), reports.map(() => false), 'the daemon closed no fuzzing client');
    assert.equal(d.exit(), undefined, `the daemon exited: ${d.stderr().slice(-2000)}`);

    const fresh = await RmTestClient.connect(rmSock);
    const r = await fresh.request(VM_GET_VMID);
    assert.equal(r.err, 0);
    assert.deepEqual([...r.data], [3, 0, 0, 0]);
    fresh.close();
    const api = await apiGet(join(dir, 'api.sock'), '/v1/daemon');
    assert.equal(api.status, 200);
    assert.equal((api.body as { pid: number }).pid, d.child.pid);
    assert.equal((await apiGet(join(dir, 'api.sock'), '/v1/vms')).status, 200);
    assert.equal(d.exit(), undefined);
  } finally {
    d.child.kill('SIGTERM');
    const e = await d.exited;
    assert.equal(e.code, EXIT.OK, `the daemon ended with ${e.code ?? e.signal} (killed by the timer: ${e.killed}); stderr: ${d.stderr().slice(-2000)}`);
  }
});
