// The daemon in this process: both sockets owner-only in a 0700 DIR, RM RPC on rm.sock and the API on
// api.sock seeing the same RM, refusal of a second daemon, stale sockets taken over, clean stop, and a
// client sending garbage leaving another client's requests alone.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SeqpacketSocket } from 'node-unix-socket';
import { VM_ALLOCATE, VM_GET_STATE, VM_GET_VMID } from '../rm/messages/message-ids.js';
import { VMID_REQ } from '../rm/messages/vm-lifecycle.js';
import { U32_VMID_REPLY } from '../rm/messages/vm-query.js';
import { RM_ERROR } from '../rm/rm-error.js';
import { VMID_DYNAMIC_BASE, VMID_HLOS } from '../rm/vm-constants.js';
import { exitOf, nodeChild, childSays, within } from '../rm/transport/testing.js';
import { startDaemon, type Daemon } from './daemon.js';
import { DaemonError, type DaemonErrorCode } from './daemon-error.js';
import { apiGet, requestPacket, RmTestClient } from './testing.js';

const base = mkdtempSync(join(tmpdir(), 'bothy-dmn-'));
let n = 0;
const freshDir = (): string => join(base, `d${++n}`);

async function refusal(p: Promise<unknown>, code: DaemonErrorCode): Promise<DaemonError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof DaemonError, String(e));
    assert.equal(e.code, code, e.message);
    return e;
  }
  assert.fail(`expected startDaemon to refuse with ${code}`);
}

async function withDaemon(body: (d: Daemon, lines: string[]) => Promise<void>, dir = freshDir()): Promise<void> {
  const lines: string[] = [];
  const d = await startDaemon({ dir, log: (l) => lines.push(l) });
  try {
    await body(d, lines);
  } finally {
    await d.stop();
  }
}

test('serves rm.sock and api.sock, mode 0600, in a new 0700 DIR; stop removes both', async () => {
  const dir = freshDir();
  const d = await startDaemon({ dir });
  try {
    assert.equal(d.dir, dir);
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    for (const path of [d.rmSocketPath, d.apiSocketPath]) {
      assert.ok(statSync(path).isSocket(), path);
      assert.equal(statSync(path).mode & 0o777, 0o600, path);
    }
    assert.deepEqual([d.rmSocketPath, d.apiSocketPath], [join(dir, 'rm.sock'), join(dir, 'api.sock')]);
  } finally {
    await d.stop();
  }
  assert.equal(existsSync(join(dir, 'rm.sock')), false);
  assert.equal(existsSync(join(dir, 'api.sock')), false);
  await d.stop(); // idempotent
});

test('VM_GET_VMID answers HLOS; VM_ALLOCATE(0) makes VM 0x80, which the API lists', async () => {
  await withDaemon(async (d) => {
    const c = await RmTestClient.connect(d.rmSocketPath);
    try {
      const id = await c.request(VM_GET_VMID);
      assert.equal(id.header.msg_id, VM_GET_VMID);
      assert.equal(id.err, RM_ERROR.OK);
      assert.equal(U32_VMID_REPLY.get(id.data, 'vmid'), VMID_HLOS);

      const alloc = await c.request(VM_ALLOCATE, VMID_REQ.encode({ vmid: 0 }));
      assert.equal(alloc.err, RM_ERROR.OK);
      assert.equal(U32_VMID_REPLY.get(alloc.data, 'vmid'), VMID_DYNAMIC_BASE);

      const list = await apiGet(d.apiSocketPath, '/v1/vms');
      assert.equal(list.status, 200);
      const vms = (list.body as { vms: { status: unknown }[] }).vms;
      assert.equal(vms.length, 1);
      // The status is the RM's to decide (its lifecycle tests pin it); here it only has to be a name.
      assert.match(String(vms[0]!.status), /^[A-Z_]+$/);
      assert.deepEqual(vms[0], { vmid: 0x80, owner: VMID_HLOS, status: vms[0]!.status, osStatus: 'NONE', appStatus: 0 });
      const one = await apiGet(d.apiSocketPath, '/v1/vms/0x80');
      assert.equal(one.status, 200);
      assert.deepEqual(one.body, vms[0]);
      assert.equal((await apiGet(d.apiSocketPath, '/v1/vms/0x81')).status, 404);

      const status = (await apiGet(d.apiSocketPath, '/v1/daemon')).body as Record<string, unknown>;
      assert.equal(status['pid'], process.pid);
      assert.equal(status['dir'], d.dir);
      assert.equal(status['clients'], 1);
      assert.equal(status['vms'], 1);
      assert.equal(typeof status['uptimeSeconds'], 'number');
    } finally {
      c.close();
    }
  });
});

test('a VM outlives the client that allocated it', async () => {
  await withDaemon(async (d) => {
    const a = await RmTestClient.connect(d.rmSocketPath);
    await a.request(VM_ALLOCATE, VMID_REQ.encode({ vmid: 0 }));
    a.close();
    const b = await RmTestClient.connect(d.rmSocketPath);
    try {
      // A round trip on b after a's close: the RM has seen the close by now.
      await b.request(VM_GET_VMID);
      const state = await b.request(VM_GET_STATE, VMID_REQ.encode({ vmid: 0x80 }));
      assert.equal(state.err, RM_ERROR.OK);
      assert.equal(((await apiGet(d.apiSocketPath, '/v1/vms')).body as { vms: unknown[] }).vms.length, 1);
    } finally {
      b.close();
    }
  });
});

test('a second daemon on the same DIR is refused, and the first keeps serving', async () => {
  await withDaemon(async (d) => {
    const e = await refusal(startDaemon({ dir: d.dir }), 'already-running');
    assert.match(e.message, new RegExp(`another bothy daemon serves ${d.dir}`));
    assert.equal((await apiGet(d.apiSocketPath, '/v1/daemon')).status, 200);
    const c = await RmTestClient.connect(d.rmSocketPath);
    assert.equal((await c.request(VM_GET_VMID)).err, RM_ERROR.OK);
    c.close();
  });
});

test('something live on api.sock alone also means another daemon', async () => {
  const dir = freshDir();
  const child = nodeChild(`
    require('fs').mkdirSync(${JSON.stringify(dir)}, { mode: 0o700 });
    require('net').createServer().listen(${JSON.stringify(join(dir, 'api.sock'))}, () => console.log('up'));`);
  try {
    await childSays(child, 'up');
    const e = await refusal(startDaemon({ dir }), 'already-running');
    assert.match(e.message, /api\.sock/);
    assert.equal(existsSync(join(dir, 'rm.sock')), false, 'the refused daemon removed the rm.sock it had bound');
  } finally {
    child.kill('SIGKILL');
    await exitOf(child);
  }
});

test('sockets left by a daemon that was killed are replaced', async () => {
  const dir = freshDir();
  const child = nodeChild(`
    require('fs').mkdirSync(${JSON.stringify(dir)}, { mode: 0o700 });
    new nus.SeqpacketServer().listen(${JSON.stringify(join(dir, 'rm.sock'))});
    require('net').createServer().listen(${JSON.stringify(join(dir, 'api.sock'))}, () => process.kill(process.pid, 'SIGKILL'));`);
  await exitOf(child);
  assert.ok(statSync(join(dir, 'rm.sock')).isSocket() && statSync(join(dir, 'api.sock')).isSocket(), 'the stale sockets are there');
  await withDaemon(async (d) => {
    assert.equal((await apiGet(d.apiSocketPath, '/v1/daemon')).status, 200);
    const c = await RmTestClient.connect(d.rmSocketPath);
    assert.equal((await c.request(VM_GET_VMID)).err, RM_ERROR.OK);
    c.close();
  }, dir);
});

test('a DIR that is a file, or open to others, is refused before anything listens', async () => {
  const file = join(base, 'a-file');
  writeFileSync(file, '');
  await refusal(startDaemon({ dir: file }), 'not-a-directory');
  await refusal(startDaemon({ dir: '/tmp' }), 'dir-not-private');
});

test('a file where api.sock goes is refused and rm.sock is cleaned up', async () => {
  const dir = freshDir();
  await withDaemon(async () => {}, dir);
  writeFileSync(join(dir, 'api.sock'), 'not a socket');
  const e = await refusal(startDaemon({ dir }), 'listen-failed');
  assert.match(e.message, /api\.sock: it exists and is not a socket; remove it/);
  assert.equal(existsSync(join(dir, 'rm.sock')), false);
});

test('a client sending garbage does not disturb another client, and the garbage is logged', async () => {
  await withDaemon(async (d, lines) => {
    const good = await RmTestClient.connect(d.rmSocketPath);
    const bad = new SeqpacketSocket();
    try {
      await within(new Promise<void>((r) => bad.connect(d.rmSocketPath, r)), 'the raw connect');
      const junk = [
        Buffer.from([1, 2, 3]),
        Buffer.alloc(8, 0xff),
        Buffer.alloc(300, 0x21), // oversize: dropped by the transport
        Buffer.from(requestPacket(0xdeadbeef, 1)), // unknown msg id: answered UNIMPLEMENTED
        Buffer.from(requestPacket(VM_GET_VMID, 2).map((b, i) => (i === 1 ? (5 << 2) | 1 : b))), // 5 continuations that never come
      ];
      for (let round = 0; round < 50; round++) {
        for (const j of junk) bad.write(j);
        const r = await good.request(VM_GET_VMID);
        assert.equal(r.err, RM_ERROR.OK);
        assert.equal(U32_VMID_REPLY.get(r.data, 'vmid'), VMID_HLOS);
      }
      assert.equal(good.others.length, 0, 'the good client got nothing meant for the other');
      assert.ok(lines.some((l) => /packet-dropped/.test(l)), lines.slice(0, 20).join('\n'));
      assert.ok(lines.some((l) => /dropped a 300-byte packet/.test(l)), lines.slice(0, 20).join('\n'));
      assert.equal(d.clients, 2, 'the garbage client is still connected: RM drops bad packets silently');
    } finally {
      bad.destroy();
      good.close();
    }
  });
});
