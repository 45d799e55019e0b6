import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Qmp } from './qmp.js';
import { BenchError } from './bench-error.js';

/** A QMP server that greets, accepts capabilities, and answers each command through `reply`. */
function fakeQemu(path: string, reply: (cmd: string, args: unknown, sock: Socket) => object | undefined): Promise<Server> {
  const server = createServer((sock) => {
    sock.write(`${JSON.stringify({ QMP: { version: {}, capabilities: [] } })}\r\n`);
    let buf = '';
    sock.on('data', (d) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const m = JSON.parse(buf.slice(0, nl)) as { execute: string; arguments?: unknown; id?: number };
        buf = buf.slice(nl + 1);
        const answer = m.execute === 'qmp_capabilities' ? { return: {} } : reply(m.execute, m.arguments, sock);
        if (answer) sock.write(`${JSON.stringify({ ...answer, id: m.id })}\r\n`);
      }
    });
  });
  return new Promise((resolve) => server.listen(path, () => resolve(server)));
}

test('commands get their own answers, errors reject with the QMP class, events are kept', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'qmp-test-'));
  const path = join(dir, 'qmp.sock');
  const server = await fakeQemu(path, (cmd, args, sock) => {
    if (cmd === 'query-status') {
      // An event may arrive between a command and its answer.
      sock.write(`${JSON.stringify({ event: 'RESUME', timestamp: { seconds: 1, microseconds: 2 } })}\r\n`);
      return { return: { status: 'running' } };
    }
    if (cmd === 'echo') return { return: args };
    return { error: { class: 'CommandNotFound', desc: `The command ${cmd} has not been found` } };
  });
  t.after(() => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const qmp = await Qmp.connect(path, performance.now() + 5000);
  try {
    assert.equal(qmp.event('RESUME'), undefined);
    const [status, echo] = await Promise.all([qmp.execute<{ status: string }>('query-status'), qmp.execute('echo', { a: 1 })]);
    assert.equal(status.status, 'running');
    assert.deepEqual(echo, { a: 1 });
    assert.equal(qmp.event('RESUME')?.timestamp.microseconds, 2);
    await assert.rejects(qmp.execute('nope'), (e: unknown) => e instanceof BenchError && /CommandNotFound/.test(e.message));
  } finally {
    qmp.close();
  }
  await assert.rejects(qmp.execute('query-status'), BenchError, 'a closed connection refuses commands');
});

test('connect waits for a socket that appears later, and gives up at its deadline', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'qmp-test-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  await assert.rejects(Qmp.connect(join(dir, 'never.sock'), performance.now() + 30), /did not accept a connection/);
  const path = join(dir, 'late.sock');
  let server: Server | undefined;
  setTimeout(() => void fakeQemu(path, () => ({ return: {} })).then((s) => (server = s)), 30);
  const qmp = await Qmp.connect(path, performance.now() + 5000);
  qmp.close();
  server?.close();
});
