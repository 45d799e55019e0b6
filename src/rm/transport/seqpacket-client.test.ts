// Connecting to the RM socket: a working connection, and failures that say what is wrong at the
// path (nothing there, not a socket, nobody listening, a socket of another type, too long).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectSeqpacket } from './seqpacket-client.js';
import { listenSeqpacket } from './seqpacket-server.js';
import { RmTransportError, type RmTransportErrorCode } from './rm-transport-error.js';
import { Inbox, childSays, closeOf, exitOf, nodeChild, tempDir } from './testing.js';

const dir = tempDir();

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

test('connects, exchanges packets, and each connection gets its own id', async () => {
  const server = await listenSeqpacket(join(dir, 'ok.sock'));
  try {
    server.onConnection((c) => c.onPacket((b) => c.send(b.slice().reverse())));
    const a = await connectSeqpacket(join(dir, 'ok.sock'));
    const b = await connectSeqpacket(server.path);
    assert.notEqual(a.id, b.id);
    const inbox = new Inbox(a);
    a.send(Uint8Array.of(1, 2, 3));
    assert.deepEqual(await inbox.upTo(1, 'the echo'), [Uint8Array.of(3, 2, 1)]);
    b.close();
    assert.deepEqual(await closeOf(b, 'b to close'), { kind: 'local' });
    assert.equal(a.closed, false);
  } finally {
    server.close();
  }
});

test('connect failures say what is wrong at the path', async () => {
  let e = await refusal(connectSeqpacket(join(dir, 'nothing.sock')), 'connect-failed');
  assert.match(e.message, /no socket there; is the bothy daemon running/);

  const file = join(dir, 'file');
  writeFileSync(file, '');
  e = await refusal(connectSeqpacket(file), 'connect-failed');
  assert.match(e.message, /not a socket/);

  const stale = join(dir, 'stale.sock');
  await exitOf(nodeChild(`new nus.SeqpacketServer().listen(${JSON.stringify(stale)}); process.kill(process.pid, 'SIGKILL');`));
  e = await refusal(connectSeqpacket(stale), 'connect-failed');
  assert.match(e.message, /nobody listens there/);

  const streamPath = join(dir, 'stream.sock');
  const stream = createServer();
  await new Promise<void>((r) => stream.listen(streamPath, r));
  try {
    e = await refusal(connectSeqpacket(streamPath), 'connect-failed');
    assert.match(e.message, /a stream socket listens there/);
  } finally {
    await new Promise((r) => stream.close(r));
  }

  await refusal(connectSeqpacket(join(dir, 'y'.repeat(120))), 'path-too-long');
});

test('a listener whose backlog is full refuses at once, and the refusal says so', async () => {
  // The child listens with the smallest backlog and then blocks, so it never accepts.
  const path = join(dir, 'full.sock');
  const child = nodeChild(`
    const s = new nus.SeqpacketServer();
    s.listen(${JSON.stringify(path)}, 0);
    process.stdout.write('up\\n', () => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20000));`);
  const held = [];
  try {
    await childSays(child, 'up');
    let failure: RmTransportError | undefined;
    for (let i = 0; i < 8 && failure === undefined; i++) {
      try {
        held.push(await connectSeqpacket(path));
      } catch (err) {
        assert.ok(err instanceof RmTransportError, String(err));
        failure = err;
      }
    }
    assert.ok(failure !== undefined, `all ${held.length} connects succeeded against a listener that never accepts`);
    assert.equal(failure.code, 'connect-failed');
    assert.match(failure.message, /backlog is full/);
  } finally {
    for (const c of held) c.close();
    child.kill('SIGKILL');
    await exitOf(child);
  }
});
