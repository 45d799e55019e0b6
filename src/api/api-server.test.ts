// The API on a real Unix socket: owner-only mode, requests through node:http, a leftover socket is
// replaced, a live one or a non-socket is left alone and refused.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApiServer } from './api-server.js';
import { ApiServerError } from './api-server-error.js';
import type { Perform } from './routes.js';

const dir = mkdtempSync(join(tmpdir(), 'bothy-api-'));
const STATUS = { state: 'paused', vcpus: 1, memSize: 2 ** 28, kernel: 'demo.elf', cmdline: '' } as const;
const perform: Perform = async (a) => (a.kind === 'status' ? { kind: 'status', status: STATUS } : { kind: 'done' });

function get(socketPath: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((done, fail) => {
    request({ socketPath, path, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => done({ status: res.statusCode ?? 0, body }));
    }).on('error', fail).end();
  });
}

/** A socket file nobody listens on: its owner was SIGKILLed before it could clean up. */
async function staleSocket(path: string): Promise<void> {
  const child = spawn(process.execPath, ['-e',
    `require('net').createServer().listen(${JSON.stringify(path)}, () => process.kill(process.pid, 'SIGKILL'))`]);
  await new Promise((r) => child.on('exit', r));
  assert.ok(statSync(path).isSocket(), 'the stale socket is left behind');
}

async function refusal(p: Promise<unknown>): Promise<ApiServerError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ApiServerError, String(e));
    return e;
  }
  assert.fail('expected startApiServer to refuse');
}

test('listens on the socket with mode 0600, answers over node:http, and removes the socket on close', async () => {
  const path = join(dir, 'a.sock');
  const lines: string[] = [];
  const server = await startApiServer({ socketPath: path, perform, log: (l) => lines.push(l) });
  try {
    assert.equal(server.socketPath, path);
    const st = statSync(path);
    assert.ok(st.isSocket());
    assert.equal(st.mode & 0o777, 0o600);
    const r = await get(path, '/v1/vm');
    assert.equal(r.status, 200);
    assert.deepEqual(JSON.parse(r.body), STATUS);
    assert.ok(lines.includes(`api: listening on ${path}`), lines.join('\n'));
  } finally {
    await server.close();
  }
  assert.equal(existsSync(path), false, 'the socket file is gone after close');
});

test('a relative socket path is made absolute', async () => {
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    const server = await startApiServer({ socketPath: 'rel.sock', perform });
    assert.equal(server.socketPath, join(dir, 'rel.sock'));
    await server.close();
  } finally {
    process.chdir(cwd);
  }
});

test('a stale socket file is removed and the server starts', async () => {
  const path = join(dir, 'stale.sock');
  await staleSocket(path);
  const server = await startApiServer({ socketPath: path, perform });
  try {
    assert.equal((await get(path, '/v1/vm')).status, 200);
    assert.equal(statSync(path).mode & 0o777, 0o600);
  } finally {
    await server.close();
  }
});

test('a live socket is refused and keeps serving', async () => {
  const path = join(dir, 'live.sock');
  const first = await startApiServer({ socketPath: path, perform });
  try {
    const e = await refusal(startApiServer({ socketPath: path, perform }));
    assert.equal(e.code, 'socket-in-use');
    assert.match(e.message, new RegExp(`Cannot listen on ${path}: another process is listening there`));
    assert.equal((await get(path, '/v1/vm')).status, 200, 'the first server still answers');
  } finally {
    await first.close();
  }
});

test('a path that is not a socket is refused and left untouched', async () => {
  const path = join(dir, 'notes.txt');
  writeFileSync(path, 'keep me');
  const e = await refusal(startApiServer({ socketPath: path, perform }));
  assert.equal(e.code, 'path-taken');
  assert.match(e.message, /exists and is not a socket; remove it or choose another --api-sock path/);
  assert.equal(readFileSync(path, 'utf8'), 'keep me');
});

test('a path too long for a Unix socket is refused with the limit', async () => {
  const e = await refusal(startApiServer({ socketPath: join(dir, `${'s'.repeat(120)}.sock`), perform }));
  assert.equal(e.code, 'path-too-long');
  assert.match(e.message, /Unix sockets allow at most 107: choose a shorter --api-sock path/);
});

test('a socket in a directory that does not exist is a listen failure that names the path', async () => {
  const path = join(dir, 'no', 'such', 'dir', 'x.sock');
  const e = await refusal(startApiServer({ socketPath: path, perform }));
  assert.equal(e.code, 'listen-failed');
  assert.match(e.message, new RegExp(`^Cannot listen on ${path}: listen E[A-Z]+`));
});
