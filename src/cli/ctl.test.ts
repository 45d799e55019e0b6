// `bothy ctl` as a child process against an API server in this process with a fake VM: what it
// sends, what it prints, and its exit codes.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApiServer, type ApiServer } from '../api/api-server.js';
import type { Perform } from '../api/routes.js';
import { ActionError, type Action, type VmStatus } from '../vm/actions.js';
import { BOTHY_CLI } from '../../test/support/bothy-process.js';

const dir = mkdtempSync(join(tmpdir(), 'bothy-ctl-'));
const STATUS: VmStatus = { state: 'running', vcpus: 2, memSize: 512 * 2 ** 20, kernel: '/g/demo.elf', cmdline: 'idle' };
const UUID = '0f8a3c9e-8b5e-4d3b-9a57-2c1e7d4b6a10';

let seen: Action[] = [];
let failWith: ActionError | undefined;
const perform: Perform = async (a) => {
  seen.push(a);
  if (failWith) throw failWith;
  if (a.kind === 'status') return { kind: 'status', status: STATUS };
  if (a.kind === 'vmgenid') return { kind: 'vmgenid', uuid: UUID };
  return { kind: 'done' };
};

const sock = join(dir, 'api.sock');
let server: ApiServer | undefined;
async function api(): Promise<string> {
  server ??= await startApiServer({ socketPath: sock, perform });
  seen = [];
  failWith = undefined;
  return sock;
}
after(() => server?.close());

interface Ctl { code: number | null; stdout: string; stderr: string }

/** Runs the CLI asynchronously (the server answering it lives in this process's event loop). */
function bothy(args: string[], cwd = dir): Promise<Ctl> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BOTHY_CLI, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

function noStack(r: Ctl): void {
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
}

test('status prints a few readable lines; --json prints the API answer', async () => {
  const s = await api();
  let r = await bothy(['ctl', '--api-sock', s, 'status']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'state:   running\nvcpus:   2\nmemory:  512 MiB\nkernel:  /g/demo.elf\ncmdline: idle\n');
  r = await bothy(['ctl', '--api-sock', s, '--json', 'status']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), STATUS);
  assert.deepEqual(seen, [{ kind: 'status' }, { kind: 'status' }]);
});

test('pause and resume send the state and say what happened (options may follow the action)', async () => {
  const s = await api();
  let r = await bothy(['ctl', '--api-sock', s, 'pause']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'VM paused\n');
  r = await bothy(['ctl', 'resume', '--api-sock', s]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'VM resumed\n');
  assert.deepEqual(seen, [{ kind: 'pause' }, { kind: 'resume' }]);
});

test('vmgenid prints the UUID alone on a line', async () => {
  const s = await api();
  const r = await bothy(['ctl', '--api-sock', s, 'vmgenid']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, `${UUID}\n`);
});

test('snapshot resolves a relative DIR against the current directory and shows the absolute path', async () => {
  const s = await api();
  const r = await bothy(['ctl', '--api-sock', s, 'snapshot', 'snaps/first'], dir);
  assert.equal(r.code, 0, r.stderr);
  const abs = join(dir, 'snaps/first');
  assert.deepEqual(seen, [{ kind: 'snapshot', dir: abs }]);
  assert.equal(r.stdout, `Snapshot written to ${abs}\n`);
});

test('an API refusal prints its message and exits 1; --json also prints the error body', async () => {
  const s = await api();
  failWith = new ActionError('bad-state', 'The VM has stopped; there is nothing to pause');
  let r = await bothy(['ctl', '--api-sock', s, 'pause']);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, 'bothy: The VM has stopped; there is nothing to pause\n');
  assert.equal(r.stdout, '');
  noStack(r);

  failWith = new ActionError('not-found', 'This VM has no VM Generation ID device');
  r = await bothy(['ctl', '--api-sock', s, '--json', 'vmgenid']);
  assert.equal(r.code, 1);
  assert.deepEqual(JSON.parse(r.stdout), { error: { code: 'not-found', message: 'This VM has no VM Generation ID device' } });
  assert.match(r.stderr, /no VM Generation ID device/);
});

test('no bothy on the socket: says how to start one, exit 69', async () => {
  const missing = join(dir, 'nobody.sock');
  const r = await bothy(['ctl', '--api-sock', missing, 'status']);
  assert.equal(r.code, 69);
  assert.equal(r.stderr, `bothy: no bothy is listening on ${missing} (start one with \`bothy run --api-sock ${missing}\`)\n`);
});

test('a socket file nobody listens on is the same: exit 69', async () => {
  const stale = join(dir, 'stale.sock');
  const child = spawn(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(stale)}, () => process.kill(process.pid, 'SIGKILL'))`]);
  await new Promise((r) => child.on('exit', r));
  const r = await bothy(['ctl', '--api-sock', stale, 'pause']);
  assert.equal(r.code, 69);
  assert.match(r.stderr, /no bothy is listening on/);
});

test('usage errors exit 64: no --api-sock, no action, snapshot without DIR, unknown action', async () => {
  for (const args of [['ctl', 'status'], ['ctl', '--api-sock', sock], ['ctl', '--api-sock', sock, 'snapshot'], ['ctl', '--api-sock', sock, 'reboot']]) {
    const r = await bothy(args);
    assert.equal(r.code, 64, args.join(' '));
    noStack(r);
  }
  const help = await bothy(['ctl', '--help']);
  assert.equal(help.code, 0);
  for (const word of ['status', 'pause', 'resume', 'vmgenid', 'snapshot <dir>', '--api-sock', '--json']) assert.ok(help.stdout.includes(word), word);
});
