// End to end: `bothy daemon --dir DIR` as a child process. Its sockets, a hand-built VM_GET_VMID and a
// VM_ALLOCATE over rm.sock seen by GET /v1/vms over api.sock, a second daemon refused, garbage from one
// client not reaching another, a clean stop on SIGTERM/SIGINT, and the exit codes for a bad DIR.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SeqpacketSocket } from 'node-unix-socket';
import { connectSeqpacket } from '../../src/rm/transport/seqpacket-client.js';
import { Inbox, within } from '../../src/rm/transport/testing.js';
import { apiGet, RmTestClient } from '../../src/daemon/testing.js';
import { EXIT } from '../../src/cli/exit-codes.js';
import { runBothy } from '../support/bothy-process.js';
import { daemonReady, spawnDaemon, type DaemonProcess } from '../support/daemon-process.js';

const base = mkdtempSync(join(tmpdir(), 'bothy-dmn-e2e-'));
let n = 0;
const freshDir = (): string => join(base, `d${++n}`);

async function stopped(d: DaemonProcess, signal: NodeJS.Signals): Promise<void> {
  d.child.kill(signal);
  const e = await d.exited;
  assert.equal(e.killed, false, 'the daemon stopped before the kill timer');
  assert.equal(e.code, EXIT.OK, `exit ${e.code ?? e.signal}; stderr: ${d.stderr()}`);
}

// VM_GET_VMID (0x56000024), seq 0x1234, as the bytes of gunyah.md §3.1: byte 0 = header_words 2 << 4 |
// api_version 1; byte 1 = num_fragments 0 << 2 | type REQUEST (1); seq_num and msg_id little-endian; no payload.
const GET_VMID_REQUEST = Uint8Array.of(0x21, 0x01, 0x34, 0x12, 0x24, 0x00, 0x00, 0x56);
// The reply: type REPLY (2), the same seq and msg id, then u32 error 0 (RM_OK) and u32 vmid 3 (HLOS).
const GET_VMID_REPLY = Uint8Array.of(0x21, 0x02, 0x34, 0x12, 0x24, 0x00, 0x00, 0x56, 0, 0, 0, 0, 3, 0, 0, 0);
// VM_ALLOCATE (0x56000001) seq 7 with vmid 0 (allocate one) and the pad: u16 0, u16 0.
const ALLOCATE_REQUEST = Uint8Array.of(0x21, 0x01, 0x07, 0x00, 0x01, 0x00, 0x00, 0x56, 0, 0, 0, 0);
// Its reply: RM_OK and u32 vmid 0x80, the first dynamic vmid.
const ALLOCATE_REPLY = Uint8Array.of(0x21, 0x02, 0x07, 0x00, 0x01, 0x00, 0x00, 0x56, 0, 0, 0, 0, 0x80, 0, 0, 0);

test('bothy daemon serves RM RPC and the API, refuses a second daemon, and stops on SIGTERM', { timeout: 120_000 }, async () => {
  const dir = freshDir();
  const d = spawnDaemon(dir);
  try {
    await daemonReady(d, dir);
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    for (const name of ['rm.sock', 'api.sock']) {
      const st = statSync(join(dir, name));
      assert.ok(st.isSocket(), name);
      assert.equal(st.mode & 0o777, 0o600, name);
    }

    const c = await connectSeqpacket(join(dir, 'rm.sock'));
    const inbox = new Inbox(c);
    c.send(GET_VMID_REQUEST);
    assert.deepEqual((await inbox.upTo(1, 'the GET_VMID reply'))[0], GET_VMID_REPLY);
    c.send(ALLOCATE_REQUEST);
    assert.deepEqual((await inbox.upTo(2, 'the VM_ALLOCATE reply'))[1], ALLOCATE_REPLY);

    const list = await apiGet(join(dir, 'api.sock'), '/v1/vms');
    assert.equal(list.status, 200);
    const vms = (list.body as { vms: { vmid: number; owner: number }[] }).vms;
    assert.deepEqual(vms.map((v) => [v.vmid, v.owner]), [[0x80, 3]]);
    const daemon = (await apiGet(join(dir, 'api.sock'), '/v1/daemon')).body as { pid: number; dir: string; clients: number };
    assert.equal(daemon.pid, d.child.pid);
    assert.equal(daemon.dir, dir);
    assert.equal(daemon.clients, 1);
    assert.equal((await apiGet(join(dir, 'api.sock'), '/openapi.json')).status, 200);

    const second = await runBothy(['daemon', '--dir', dir], { killAfterMs: 30_000 });
    assert.equal(second.code, EXIT.FAILURE, second.stderr);
    assert.match(second.stderr, new RegExp(`^bothy: Cannot start: another bothy daemon serves ${dir}`));
    assert.equal(second.stdout, '');
    // Still serving, and still the same sockets.
    c.send(GET_VMID_REQUEST);
    assert.deepEqual((await inbox.upTo(3, 'a GET_VMID reply after the refusal'))[2], GET_VMID_REPLY);
    c.close();
  } finally {
    await stopped(d, 'SIGTERM');
  }
  assert.equal(existsSync(join(dir, 'rm.sock')), false, 'rm.sock is gone');
  assert.equal(existsSync(join(dir, 'api.sock')), false, 'api.sock is gone');
  assert.match(d.stderr(), /SIGTERM: stopping/);
});

test('a client sending garbage does not disturb another client', { timeout: 120_000 }, async () => {
  const dir = freshDir();
  const d = spawnDaemon(dir);
  try {
    await daemonReady(d, dir);
    const good = await RmTestClient.connect(join(dir, 'rm.sock'));
    const bad = new SeqpacketSocket();
    await within(new Promise<void>((r) => bad.connect(join(dir, 'rm.sock'), r)), 'the raw connect');
    for (let round = 0; round < 100; round++) {
      // Short, bad header, oversize, a first fragment whose continuations never come, a stray continuation.
      bad.write(Buffer.from([0x21, 0x01]));
      bad.write(Buffer.alloc(16, 0xff));
      bad.write(Buffer.alloc(241, 0x21));
      bad.write(Buffer.from([0x21, 0x01 | (3 << 2), 1, 0, 0x24, 0, 0, 0x56]));
      bad.write(Buffer.from([0x21, 0x00 | (3 << 2), 9, 0, 0x01, 0, 0, 0x56]));
      const r = await good.request(0x5600_0024);
      assert.equal(r.err, 0);
      assert.deepEqual([...r.data], [3, 0, 0, 0]);
    }
    assert.equal(good.others.length, 0);
    bad.destroy();
    good.close();
    assert.equal(d.exit(), undefined, 'the daemon is still running');
  } finally {
    await stopped(d, 'SIGTERM');
  }
});

test('SIGINT also stops the daemon cleanly with exit 0', { timeout: 60_000 }, async () => {
  const dir = freshDir();
  const d = spawnDaemon(dir);
  await daemonReady(d, dir);
  await stopped(d, 'SIGINT');
  assert.equal(existsSync(join(dir, 'rm.sock')), false);
  assert.equal(existsSync(join(dir, 'api.sock')), false);
});

test('a bad DIR ends with the usage or bad-input exit code and one line that says what to do', { timeout: 60_000 }, async () => {
  const file = join(base, 'a-file');
  writeFileSync(file, '');
  const open = join(base, 'open');
  mkdirSync(open);
  chmodSync(open, 0o755);
  const cases: [string[], number, RegExp][] = [
    [['daemon', '--dir', file], EXIT.BAD_INPUT, /exists and is not a directory/],
    [['daemon', '--dir', open], EXIT.BAD_INPUT, /has mode 0755.*chmod 700/],
    [['daemon', '--dir', join(base, 'x'.repeat(110))], EXIT.USAGE, /choose a shorter --dir/],
    [['daemon', '--dir', '/proc/bothy-no-such/run'], EXIT.USAGE, /Cannot create the daemon directory/],
    [['daemon'], EXIT.USAGE, /required option '--dir <dir>' not specified/],
  ];
  for (const [args, code, message] of cases) {
    const r = await runBothy(args, { killAfterMs: 30_000 });
    assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(r.stdout, '');
  }
});
