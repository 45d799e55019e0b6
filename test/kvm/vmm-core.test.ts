// The VMM core on real KVM with micro-guests: boot, SMP, console input, reset and power-off, and the
// ways a bad guest ends its VM (unmapped MMIO, triple fault, an instruction KVM can't run).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runBothy, guestElf, guestSkipReason } from '../support/bothy-process.js';

const run = (guest: string, extra: string[] = [], opts = {}) =>
  runBothy(['run', '--kernel', guestElf(guest), '--timeout', '60', ...extra], { killAfterMs: 90_000, ...opts });

test('the demo guest boots, reports what it sees and powers off cleanly', async (t) => {
  const skip = guestSkipReason('demo');
  if (skip) return t.skip(skip);
  const r = await runBothy(['run', '--kernel', guestElf('demo'), '--cmdline', 'hello=world', '--timeout', '60'], { killAfterMs: 90_000 });
  assert.equal(r.killed, false);
  assert.match(r.stdout, /bothy demo guest/);
  assert.match(r.stdout, /cmdline: hello=world/);
  assert.match(r.stdout, /cpus: 1\b/);
  assert.match(r.stdout, /acpi: RSDP at 0xe0000/);
  // The e820 map the guest read back is the one bothy built.
  assert.match(r.stdout, /0x0+-0x0*9fbff.*(RAM|usable|1)/i);
  assert.match(r.stdout, /0x0*9fc00-0x0*dffff.*(reserved|2)/i);
  assert.match(r.stderr, /the guest powered off/);
  assert.equal(r.code, 0);
});

test('the demo guest also boots through its PVH note', async (t) => {
  const skip = guestSkipReason('demo');
  if (skip) return t.skip(skip);
  const r = await run('demo', ['--boot', 'pvh']);
  assert.match(r.stdout, /bothy demo guest/);
  assert.match(r.stdout, /acpi: RSDP at 0xe0000/);
  assert.equal(r.code, 0, r.stderr);
});

for (const n of [2, 4]) {
  test(`SMP: all ${n} vCPUs come online through INIT/SIPI`, async (t) => {
    const skip = guestSkipReason('smp');
    if (skip) return t.skip(skip);
    const r = await run('smp', ['--vcpus', String(n)]);
    for (let i = 1; i < n; i++) assert.match(r.stdout, new RegExp(`cpu ${i} online`));
    assert.match(r.stdout, new RegExp(`smp: ${n}/${n} cpus online`));
    assert.equal(r.code, 0, r.stderr);
  });
}

test('console input raises the UART interrupt and reaches the guest', async (t) => {
  const skip = guestSkipReason('uart-echo');
  if (skip) return t.skip(skip);
  const r = await run('uart-echo', [], { waitFor: 'uart-echo ready', input: 'hi q' });
  assert.match(r.stdout, /rx 68/); // 'h'
  assert.match(r.stdout, /rx 69/); // 'i'
  assert.match(r.stdout, /irqs=[1-9]/);
  assert.equal(r.code, 0, r.stderr);
});

test('i8042 reset (0xFE) ends the VM with reason reset', async (t) => {
  const skip = guestSkipReason('reset');
  if (skip) return t.skip(skip);
  const r = await run('reset');
  assert.match(r.stderr, /the guest reset the machine/);
  assert.equal(r.code, 0);
});

test('unmapped MMIO stops the VM with the address in the reason, non-zero exit', async (t) => {
  const skip = guestSkipReason('mmio-fault');
  if (skip) return t.skip(skip);
  const r = await run('mmio-fault');
  assert.equal(r.killed, false);
  assert.match(r.stderr, /unmapped MMIO read of 4 bytes at 0xd0000000/);
  assert.equal(r.code, 70);
});

test('a triple fault stops the VM with a clear reason, non-zero exit', async (t) => {
  const skip = guestSkipReason('triple-fault');
  if (skip) return t.skip(skip);
  const r = await run('triple-fault');
  assert.equal(r.killed, false);
  assert.match(r.stderr, /triple-faulted \(KVM_EXIT_SHUTDOWN\)/);
  assert.equal(r.code, 70);
});

test('an instruction KVM cannot run stops the VM with its bytes (or runs, on hardware KVM)', async (t) => {
  const skip = guestSkipReason('bad-insn');
  if (skip) return t.skip(skip);
  const r = await run('bad-insn');
  assert.equal(r.killed, false);
  if (r.code === 0) return; // hardware KVM executes popcnt
  assert.equal(r.code, 70);
  assert.match(r.stderr, /KVM_EXIT_INTERNAL_ERROR: instruction emulation failed/);
  assert.match(r.stderr, /instruction bytes: f3 (48 )?0f b8/);
});

test('a guest spinning forever is stopped by the watchdog without hanging', async (t) => {
  const skip = guestSkipReason('demo');
  if (skip) return t.skip(skip);
  const r = await runBothy(['run', '--kernel', guestElf('demo'), '--cmdline', 'idle', '--timeout', '3'], { killAfterMs: 30_000 });
  assert.equal(r.killed, false);
  assert.match(r.stdout, /tick 1\b/);
  assert.match(r.stderr, /stopped by the watchdog/);
  assert.equal(r.code, 124);
});

test('Ctrl-C (SIGINT) stops a running VM cleanly', async (t) => {
  const skip = guestSkipReason('demo');
  if (skip) return t.skip(skip);
  const { spawn } = await import('node:child_process');
  const { BOTHY_CLI } = await import('../support/bothy-process.js');
  const child = spawn(process.execPath, [BOTHY_CLI, 'run', '--kernel', guestElf('demo'), '--cmdline', 'idle'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d));
  const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  let sent = false;
  child.stdout.on('data', (d: Buffer) => {
    out += d;
    // One Ctrl-C: a second one landing after bothy has finished stopping would kill it outright.
    if (!sent && out.includes('bothy demo guest')) {
      sent = true;
      child.kill('SIGINT');
    }
  });
  const code = await new Promise<number | null>((res) => child.on('close', (c) => res(c)));
  clearTimeout(killer);
  assert.match(err, /stopped by the signal/);
  assert.equal(code, 130);
});
