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
import { ActionError, perform as performOnVm, type Action, type VmStatus } from '../vm/actions.js';
import type { Vm } from '../vm/vm.js';
import { FirmwareRegisters } from '../hypercalls/firmware-registers.js';
import { BOTHY_CLI } from '../../test/support/bothy-process.js';

const dir = mkdtempSync(join(tmpdir(), 'bothy-ctl-'));
const STATUS: VmStatus = { state: 'running', vcpus: 2, memSize: 512 * 2 ** 20, kernel: '/g/demo.elf', cmdline: 'idle' };
const UUID = '0f8a3c9e-8b5e-4d3b-9a57-2c1e7d4b6a10';

let seen: Action[] = [];
let failWith: ActionError | undefined;
/** Real firmware registers of a VM that has run, behind the fw-reg actions. */
let regsVm: Vm;
const perform: Perform = async (a) => {
  seen.push(a);
  if (failWith) throw failWith;
  if (a.kind.startsWith('fw-reg')) return performOnVm(regsVm, a);
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
  const regs = new FirmwareRegisters();
  regs.markRan();
  regsVm = { firmwareRegisters: regs } as unknown as Vm;
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
  for (const word of ['status', 'pause', 'resume', 'vmgenid', 'snapshot <dir>', 'fw-reg', '--api-sock', '--json']) assert.ok(help.stdout.includes(word), word);
  const fwHelp = await bothy(['ctl', 'fw-reg', '--help']);
  assert.equal(fwHelp.code, 0);
  for (const word of ['list', 'get <reg>', 'set <reg> <value>', 'EBUSY']) assert.ok(fwHelp.stdout.includes(word), word);
});

test('fw-reg list prints id, name and value per register; --json prints the API answer', async () => {
  const s = await api();
  let r = await bothy(['ctl', '--api-sock', s, 'fw-reg', 'list']);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.split('\n');
  assert.equal(lines.length, 9);
  assert.equal(lines[0], '0x6030000000140000  KVM_REG_ARM_PSCI_VERSION             0x10003');
  assert.equal(lines[7], '0x6030000000160003  KVM_REG_ARM_VENDOR_HYP_BMAP_2        0x0');
  r = await bothy(['ctl', '--api-sock', s, '--json', 'fw-reg', 'list']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).regs.length, 8);
  assert.deepEqual(seen, [{ kind: 'fw-reg-list' }, { kind: 'fw-reg-list' }]);
});

test('fw-reg get prints the value alone; set prints what the register now reads', async () => {
  const s = await api();
  let r = await bothy(['ctl', '--api-sock', s, 'fw-reg', 'get', 'vendor-hyp-bmap']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '0x3\n');
  r = await bothy(['ctl', 'fw-reg', 'set', 'KVM_REG_ARM_PSCI_VERSION', '0x10001', '--api-sock', s]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'KVM_REG_ARM_PSCI_VERSION = 0x10001\n');
  r = await bothy(['ctl', '--api-sock', s, 'fw-reg', 'get', '0x6030000000140000']);
  assert.equal(r.stdout, '0x10001\n');
  assert.deepEqual(seen, [
    { kind: 'fw-reg-get', reg: 'vendor-hyp-bmap' },
    { kind: 'fw-reg-set', reg: 'KVM_REG_ARM_PSCI_VERSION', value: '0x10001' },
    { kind: 'fw-reg-get', reg: '0x6030000000140000' },
  ]);
});

test('a register refusal prints KVM\'s errno first and exits 1; --json shows the errno field', async () => {
  const s = await api();
  let r = await bothy(['ctl', '--api-sock', s, 'fw-reg', 'set', 'std-bmap', '0']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^bothy: EBUSY: KVM_REG_ARM_STD_BMAP: cannot change 0x1 to 0x0 .*after the VM has run/);
  assert.equal(r.stdout, '');
  noStack(r);
  r = await bothy(['ctl', '--api-sock', s, '--json', 'fw-reg', 'set', 'std-bmap', '2']);
  assert.equal(r.code, 1);
  const body = JSON.parse(r.stdout);
  assert.equal(body.error.code, 'fw-reg');
  assert.equal(body.error.errno, 'EINVAL');
  assert.match(r.stderr, /^bothy: EINVAL: /);
  // An id that is well formed but no firmware register is the VM's answer, ENOENT.
  r = await bothy(['ctl', '--api-sock', s, 'fw-reg', 'get', '0x6030000000140007']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^bothy: ENOENT: Register 0x6030000000140007 is not a firmware pseudo-register/);
});

test('a register name or value that can never be right is a usage error, exit 64, and nothing is sent', async () => {
  const s = await api();
  const cases: [string[], RegExp][] = [
    [['get', 'psci'], /^bothy: ENOENT: 'psci' is not a firmware register; name one of psci-version, /],
    [['set', 'bogus', '1'], /^bothy: ENOENT: 'bogus' is not a firmware register/],
    [['set', 'std-bmap', 'lots'], /^bothy: EINVAL: 'lots' is not a u64 register value/],
    [['set', 'std-bmap', '0x1ffffffffffffffff'], /^bothy: EINVAL: /],
    [['set', 'std-bmap'], /missing required argument 'value'/],
    [['frob'], /unknown command 'frob'/],
  ];
  for (const [args, re] of cases) {
    const r = await bothy(['ctl', '--api-sock', s, 'fw-reg', ...args]);
    assert.equal(r.code, 64, args.join(' '));
    assert.match(r.stderr, re);
    noStack(r);
  }
  assert.deepEqual(seen, []);
});
