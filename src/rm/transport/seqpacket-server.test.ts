// The RM socket server on real SOCK_SEQPACKET sockets: packet boundaries, many clients, pushes to
// every client, close seen on both sides, file mode, stale/live/non-socket paths, misbehaving peers.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { existsSync, lstatSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SeqpacketSocket } from 'node-unix-socket';
import { listenSeqpacket, type SeqpacketServer } from './seqpacket-server.js';
import { connectSeqpacket } from './seqpacket-client.js';
import { RM_RPC_MESSAGE_SIZE, type SeqpacketConnection } from './seqpacket-connection.js';
import { RmTransportError, type RmTransportErrorCode } from './rm-transport-error.js';
import { Inbox, childSays, closeOf, exitOf, nodeChild, tempDir, within } from './testing.js';

const dir = tempDir();
let n = 0;
const sockPath = (): string => join(dir, `rm${++n}.sock`);

function filled(size: number, seed: number): Uint8Array {
  return Uint8Array.from({ length: size }, (_, i) => (seed + i) & 0xff);
}

/** The server's side of the next connection. */
function nextConnection(server: SeqpacketServer): Promise<SeqpacketConnection> {
  return within(new Promise((done) => server.onConnection(done)), 'a connection on the server');
}

async function refusal(p: Promise<unknown>, code: RmTransportErrorCode): Promise<RmTransportError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof RmTransportError, String(e));
    assert.equal(e.code, code, e.message);
    return e;
  }
  assert.fail(`expected a refusal with ${code}`);
}

/** A socket file nobody listens on: its owner was SIGKILLed before it could clean up. */
async function staleSocket(path: string): Promise<void> {
  const child = nodeChild(`new nus.SeqpacketServer().listen(${JSON.stringify(path)}); process.kill(process.pid, 'SIGKILL');`);
  await exitOf(child);
  assert.ok(lstatSync(path).isSocket(), 'the stale socket is left behind');
}

test('a packet keeps its boundaries both ways: 8, 240 and 17 bytes arrive as exactly those three', async () => {
  const server = await listenSeqpacket(sockPath());
  try {
    const accepted = nextConnection(server);
    const client = await connectSeqpacket(server.path);
    const onServer = new Inbox(await accepted);
    const onClient = new Inbox(client);
    const sent = [filled(8, 1), filled(RM_RPC_MESSAGE_SIZE, 2), filled(17, 3)];
    for (const p of sent) client.send(p);
    assert.deepEqual(await onServer.upTo(3, 'three packets on the server'), sent);
    for (const p of sent) server.connections[0]!.send(p);
    assert.deepEqual(await onClient.upTo(3, 'three packets on the client'), sent);
    // A fourth packet proves nothing was split or merged into a later read.
    client.send(filled(1, 9));
    assert.deepEqual(await onServer.upTo(4, 'a fourth packet'), [...sent, filled(1, 9)]);
    assert.equal(onServer.packets.length, 4);
  } finally {
    server.close();
  }
});

test('many clients at once: each gets the reply to its own request, and the server sees each on its own connection', async () => {
  const server = await listenSeqpacket(sockPath());
  try {
    const seen = new Set<number>();
    server.onConnection((c) => c.onPacket((bytes) => {
      seen.add(c.id);
      c.send(Uint8Array.of(bytes[0]! + 100));
    }));
    const clients = await Promise.all(Array.from({ length: 24 }, () => connectSeqpacket(server.path)));
    const inboxes = clients.map((c) => new Inbox(c));
    clients.forEach((c, i) => c.send(Uint8Array.of(i)));
    const replies = await Promise.all(inboxes.map((box, i) => box.upTo(1, `the reply to client ${i}`)));
    replies.forEach((r, i) => assert.deepEqual(r, [Uint8Array.of(i + 100)]));
    assert.equal(seen.size, 24);
    assert.equal(server.connections.length, 24);
    for (const c of clients) c.close();
  } finally {
    server.close();
  }
});

test('the server pushes a notification to every connection', async () => {
  const server = await listenSeqpacket(sockPath());
  try {
    const clients = await Promise.all(Array.from({ length: 5 }, () => connectSeqpacket(server.path)));
    const inboxes = clients.map((c) => new Inbox(c));
    await within((async () => {
      while (server.connections.length < 5) await new Promise((r) => setImmediate(r));
    })(), 'five connections on the server');
    const note = filled(12, 0x21);
    for (const c of server.connections) c.send(note);
    for (const [i, box] of inboxes.entries()) assert.deepEqual(await box.upTo(1, `the notification on client ${i}`), [note]);
    for (const c of clients) c.close();
  } finally {
    server.close();
  }
});

test('peer close is seen on both sides, whichever side closes', async () => {
  const server = await listenSeqpacket(sockPath());
  try {
    let accepted = nextConnection(server);
    const a = await connectSeqpacket(server.path);
    const aServer = await accepted;
    const aServerClosed = closeOf(aServer, 'the server side to see the client close');
    a.close();
    assert.deepEqual(await closeOf(a, 'the client to close'), { kind: 'local' });
    assert.deepEqual(await aServerClosed, { kind: 'peer' });
    assert.equal(server.connections.includes(aServer), false, 'a closed connection leaves the list');
    assert.throws(() => aServer.send(Uint8Array.of(1)), (e: unknown) => e instanceof RmTransportError && e.code === 'connection-closed');

    accepted = nextConnection(server);
    const b = await connectSeqpacket(server.path);
    const bServer = await accepted;
    const bClosed = closeOf(b, 'the client to see the server close');
    bServer.close();
    assert.deepEqual(await bClosed, { kind: 'peer' });
    assert.equal(bServer.closeReason?.kind, 'local');
  } finally {
    server.close();
  }
});

test('server.close() closes every connection and removes the socket file', async () => {
  const path = sockPath();
  const server = await listenSeqpacket(path);
  const clients = await Promise.all([connectSeqpacket(path), connectSeqpacket(path)]);
  const closes = clients.map((c, i) => closeOf(c, `client ${i} to see the server close`));
  await within((async () => {
    while (server.connections.length < 2) await new Promise((r) => setImmediate(r));
  })(), 'two connections on the server');
  const serverSide = server.connections;
  server.close();
  assert.equal(existsSync(path), false);
  assert.ok(serverSide.every((c) => c.closed));
  assert.deepEqual(await Promise.all(closes), [{ kind: 'peer' }, { kind: 'peer' }]);
  await refusal(connectSeqpacket(path), 'connect-failed');
  server.close();
});

test('the socket file is mode 0600 (or as asked) in a 0700 directory', async () => {
  assert.equal(statSync(dir).mode & 0o777, 0o700);
  const server = await listenSeqpacket(sockPath());
  const other = await listenSeqpacket(sockPath(), { mode: 0o660 });
  try {
    assert.ok(lstatSync(server.path).isSocket());
    assert.equal(lstatSync(server.path).mode & 0o777, 0o600);
    assert.equal(lstatSync(other.path).mode & 0o777, 0o660);
  } finally {
    server.close();
    other.close();
  }
});

test('a stale socket file is replaced', async () => {
  const path = sockPath();
  await staleSocket(path);
  await refusal(connectSeqpacket(path), 'connect-failed');
  const server = await listenSeqpacket(path);
  try {
    const accepted = nextConnection(server);
    const client = await connectSeqpacket(path);
    const inbox = new Inbox(await accepted);
    client.send(Uint8Array.of(7));
    assert.deepEqual(await inbox.upTo(1, 'a packet through the new socket'), [Uint8Array.of(7)]);
  } finally {
    server.close();
  }
});

test('a live socket is not stolen: neither our own kind nor a stream server; a non-socket file is refused', async () => {
  const path = sockPath();
  const first = await listenSeqpacket(path);
  try {
    const e = await refusal(listenSeqpacket(path), 'socket-in-use');
    assert.match(e.message, /another process is listening/);
    const accepted = nextConnection(first);
    const client = await connectSeqpacket(path);
    const inbox = new Inbox(await accepted);
    client.send(Uint8Array.of(1));
    assert.deepEqual(await inbox.upTo(1, 'a packet to the first server'), [Uint8Array.of(1)], 'the first server still answers');
  } finally {
    first.close();
  }

  const streamPath = sockPath();
  const stream = createServer();
  await new Promise<void>((r) => stream.listen(streamPath, r));
  try {
    await refusal(listenSeqpacket(streamPath), 'socket-in-use');
    assert.ok(lstatSync(streamPath).isSocket(), 'the stream socket is left in place');
  } finally {
    await new Promise((r) => stream.close(r));
  }

  const filePath = join(dir, 'not-a-socket');
  writeFileSync(filePath, 'x');
  await refusal(listenSeqpacket(filePath), 'path-taken');
  assert.ok(existsSync(filePath));
  await refusal(listenSeqpacket(join(dir, 'x'.repeat(120))), 'path-too-long');
  await refusal(listenSeqpacket(join(dir, 'missing', 'rm.sock')), 'listen-failed');
});

test('garbage from a client is reported through onError, dropped, and the connection keeps working', async () => {
  const server = await listenSeqpacket(sockPath());
  try {
    const errors: [RmTransportErrorCode, number | undefined][] = [];
    server.onError((e, c) => errors.push([e.code, c?.id]));
    const packets: Uint8Array[] = [];
    let sawThird = (): void => undefined;
    const third = new Promise<void>((r) => (sawThird = r));
    server.onConnection((c) => c.onPacket((b) => {
      packets.push(b);
      if (b.length === 3) sawThird();
    }));
    // A raw socket, since our own send refuses oversize packets before they reach the socket.
    const raw = new SeqpacketSocket();
    await within(new Promise<void>((r) => raw.connect(server.path, r)), 'the raw client to connect');
    raw.write(Buffer.from(filled(8, 0)));
    raw.write(Buffer.alloc(5000, 0xee));
    raw.write(Buffer.alloc(RM_RPC_MESSAGE_SIZE + 1, 0xdd));
    raw.write(Buffer.from([1, 2, 3]));
    await within(third, 'the packet after the garbage');
    assert.deepEqual(packets, [filled(8, 0), Uint8Array.of(1, 2, 3)]);
    assert.deepEqual(errors.map(([code]) => code), ['received-too-large', 'received-too-large']);
    assert.equal(errors[0]![1], server.connections[0]!.id);
    raw.destroy();
  } finally {
    server.close();
  }
});

test('a client killed in the middle of a burst closes its connection and nothing throws', async () => {
  const server = await listenSeqpacket(sockPath());
  try {
    const errors: RmTransportError[] = [];
    server.onError((e) => errors.push(e));
    const accepted = nextConnection(server);
    const child = nodeChild(`
      const c = new nus.SeqpacketSocket();
      c.connect(${JSON.stringify(server.path)}, () => {
        for (let i = 0; i < 200; i++) c.write(Buffer.alloc(240, i));
        process.kill(process.pid, 'SIGKILL');
      });`);
    const conn = await accepted;
    let received = 0;
    conn.onPacket(() => {
      received++;
      conn.send(Uint8Array.of(1)); // replies racing the peer's death must not throw either
    });
    const reason = await closeOf(conn, 'the killed client\'s connection to close');
    await exitOf(child);
    assert.ok(reason.kind === 'peer' || reason.kind === 'error', JSON.stringify(reason));
    assert.ok(received <= 200);
    assert.ok(errors.every((e) => e.code === 'socket-failed'), errors.map((e) => e.message).join('\n'));
    // The server still serves new clients.
    const next = nextConnection(server);
    const client = await connectSeqpacket(server.path);
    const inbox = new Inbox(await next);
    client.send(Uint8Array.of(42));
    assert.deepEqual(await inbox.upTo(1, 'a packet from a new client'), [Uint8Array.of(42)]);
  } finally {
    server.close();
  }
});

test('a client that never reads is dropped as peer-stalled once its queue is full', async () => {
  const server = await listenSeqpacket(sockPath(), { maxPendingPackets: 16 });
  const accepted = nextConnection(server);
  // The child connects, then blocks its event loop, so it never reads.
  const child = nodeChild(`
    const c = new nus.SeqpacketSocket();
    c.connect(${JSON.stringify(server.path)}, () => {
      process.stdout.write('up\\n', () => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20000));
    });`);
  try {
    await childSays(child, 'up');
    const conn = await accepted;
    const errors: RmTransportErrorCode[] = [];
    server.onError((e) => errors.push(e.code));
    let sent = 0;
    while (!conn.closed && sent < 100_000) {
      conn.send(filled(RM_RPC_MESSAGE_SIZE, sent));
      sent++;
    }
    assert.ok(conn.closed, `still open after ${sent} packets`);
    assert.equal(conn.closeReason?.kind, 'error');
    assert.deepEqual(errors, ['peer-stalled']);
    assert.ok(sent > 16, 'the kernel took some packets before the queue filled');
  } finally {
    child.kill('SIGKILL');
    await exitOf(child);
    server.close();
  }
});

test('a throwing handler is reported as handler-failed and the server carries on', async () => {
  const server = await listenSeqpacket(sockPath());
  try {
    const errors: RmTransportErrorCode[] = [];
    server.onError((e) => errors.push(e.code));
    const accepted = nextConnection(server);
    server.onConnection((c) => c.onPacket((b) => {
      if (b[0] === 0) throw new Error('handler bug');
    }));
    const client = await connectSeqpacket(server.path);
    const conn = await accepted;
    const inbox = new Inbox(conn);
    client.send(Uint8Array.of(0));
    client.send(Uint8Array.of(1));
    assert.deepEqual(await inbox.upTo(2, 'both packets'), [Uint8Array.of(0), Uint8Array.of(1)]);
    assert.deepEqual(errors, ['handler-failed']);
    assert.equal(conn.closed, false);
  } finally {
    server.close();
  }
});
