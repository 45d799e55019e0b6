// One connection's rules: RM_RPC_MESSAGE_SIZE, refusals before the socket is touched (oversize,
// empty, closed), packets kept until the first onPacket, late onClose, and errors with no handler.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { connectSeqpacket } from './seqpacket-client.js';
import { listenSeqpacket, type SeqpacketServer } from './seqpacket-server.js';
import { RM_RPC_MESSAGE_SIZE, describeClose, type SeqpacketConnection } from './seqpacket-connection.js';
import { RmTransportError, type RmTransportErrorCode } from './rm-transport-error.js';
import { SeqpacketSocket } from 'node-unix-socket';
import { Inbox, closeOf, tempDir, within } from './testing.js';

const dir = tempDir();
let n = 0;

async function pair(): Promise<{ server: SeqpacketServer; client: SeqpacketConnection; peer: SeqpacketConnection }> {
  const server = await listenSeqpacket(join(dir, `c${++n}.sock`));
  const accepted = within(new Promise<SeqpacketConnection>((r) => server.onConnection(r)), 'the connection');
  const client = await connectSeqpacket(server.path);
  return { server, client, peer: await accepted };
}

function refusedWith(code: RmTransportErrorCode) {
  return (e: unknown): boolean => e instanceof RmTransportError && e.code === code;
}

test('RM_RPC_MESSAGE_SIZE is the message-queue message size, 240 bytes', () => {
  assert.equal(RM_RPC_MESSAGE_SIZE, 240);
});

test('oversize and empty packets are refused with a typed error before the socket is touched', async () => {
  const { server, client, peer } = await pair();
  try {
    const inbox = new Inbox(peer);
    assert.throws(() => client.send(new Uint8Array(RM_RPC_MESSAGE_SIZE + 1)), refusedWith('packet-too-large'));
    assert.throws(() => client.send(new Uint8Array(14_616)), /at most 240 bytes/);
    assert.throws(() => client.send(new Uint8Array(0)), refusedWith('packet-empty'));
    assert.equal(client.pendingPackets, 0);
    client.send(Uint8Array.of(5));
    // Only the valid packet arrives, and the connection is still open on both sides.
    assert.deepEqual(await inbox.upTo(1, 'the valid packet'), [Uint8Array.of(5)]);
    assert.equal(inbox.packets.length, 1);
    assert.equal(client.closed, false);
    assert.equal(peer.closed, false);
  } finally {
    server.close();
  }
});

test('send on a closed connection is refused, and says why it closed', async () => {
  const { server, client } = await pair();
  try {
    client.close();
    assert.throws(() => client.send(Uint8Array.of(1)), (e: unknown) => refusedWith('connection-closed')(e) && /closed by this side/.test((e as Error).message));
    client.close(); // idempotent
    assert.deepEqual(client.closeReason, { kind: 'local' });
  } finally {
    server.close();
  }
});

test('the caller\'s bytes are copied: changing them after send does not change the packet', async () => {
  const { server, client, peer } = await pair();
  try {
    const inbox = new Inbox(peer);
    const bytes = Uint8Array.of(1, 2, 3);
    client.send(bytes);
    bytes[0] = 99;
    assert.deepEqual(await inbox.upTo(1, 'the packet'), [Uint8Array.of(1, 2, 3)]);
  } finally {
    server.close();
  }
});

test('packets that arrive before onPacket are kept and delivered to it in order', async () => {
  const { server, client, peer } = await pair();
  try {
    for (let i = 1; i <= 3; i++) peer.send(Uint8Array.of(i));
    // Let the packets arrive with nobody listening for them.
    const echo = new Inbox(peer);
    client.send(Uint8Array.of(0));
    await echo.upTo(1, 'a round trip');
    const inbox = new Inbox(client);
    peer.send(Uint8Array.of(4));
    assert.deepEqual(await inbox.upTo(4, 'the early and the late packets'), [1, 2, 3, 4].map((i) => Uint8Array.of(i)));
  } finally {
    server.close();
  }
});

test('onClose registered after the close is still called, with the reason', async () => {
  const { server, client, peer } = await pair();
  try {
    const seen = closeOf(peer, 'the server side to close');
    client.close();
    await seen;
    assert.deepEqual(await closeOf(peer, 'a late onClose'), { kind: 'peer' });
    assert.equal(describeClose({ kind: 'peer' }), 'closed by the peer');
  } finally {
    server.close();
  }
});

test('with no onError handler, a peer\'s garbage becomes a process warning, not an exception', async () => {
  const server = await listenSeqpacket(join(dir, `c${++n}.sock`));
  // A raw socket, since our own send refuses oversize packets.
  const raw = new SeqpacketSocket();
  try {
    await within(new Promise<void>((r) => raw.connect(server.path, r)), 'the raw connect');
    const warned = within(new Promise<Error>((r) => process.once('warning', r)), 'a process warning');
    raw.write(Buffer.alloc(RM_RPC_MESSAGE_SIZE + 10));
    const w = await warned;
    assert.ok(w instanceof RmTransportError, String(w));
    assert.equal(w.code, 'received-too-large');
    assert.match(w.message, /dropped a 250-byte packet/);
  } finally {
    raw.destroy();
    server.close();
  }
});
