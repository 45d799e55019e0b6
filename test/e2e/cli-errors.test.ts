// Bad input to `bothy run` gets one clear line and the exit code from the table — never a stack trace.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBothy, guestElf, guestSkipReason } from '../support/bothy-process.js';

const dir = mkdtempSync(join(tmpdir(), 'bothy-cli-'));

function assertOneLineError(stderr: string, pattern: RegExp): void {
  assert.match(stderr, pattern);
  assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
}

test('a missing kernel file is named, exit 66', async () => {
  const r = await runBothy(['run', '--kernel', '/nonexistent/vmlinux']);
  assertOneLineError(r.stderr, /kernel '\/nonexistent\/vmlinux' does not exist/);
  assert.equal(r.code, 66);
});

test('a file that is not a kernel is refused with what was expected, exit 65', async () => {
  const f = join(dir, 'notes.txt');
  writeFileSync(f, 'just some text, not a kernel\n'.repeat(40));
  const r = await runBothy(['run', '--kernel', f]);
  assertOneLineError(r.stderr, /Not a kernel: no ELF magic/);
  assert.equal(r.code, 65);
});

test('a truncated ELF is refused, exit 65', async (t) => {
  const skip = guestSkipReason('demo');
  if (skip) return t.skip(skip);
  const { readFileSync } = await import('node:fs');
  const f = join(dir, 'cut.elf');
  writeFileSync(f, readFileSync(guestElf('demo')).subarray(0, 100));
  const r = await runBothy(['run', '--kernel', f]);
  assertOneLineError(r.stderr, /truncat|too short|past the end/i);
  assert.equal(r.code, 65);
});

test('bad sizes and counts say what is accepted, exit 64', async () => {
  let r = await runBothy(['run', '--mem', 'lots']);
  assertOneLineError(r.stderr, /--mem: 'lots' is not a size/);
  assert.equal(r.code, 64);
  r = await runBothy(['run', '--vcpus', 'two']);
  assertOneLineError(r.stderr, /--vcpus: 'two' is not a whole number/);
  assert.equal(r.code, 64);
  r = await runBothy(['run', '--boot', 'uefi']);
  assertOneLineError(r.stderr, /--boot: 'uefi' is not one of auto, linux64, pvh/);
  assert.equal(r.code, 64);
});

test('vCPUs and memory beyond what KVM allows are refused with the limit, exit 64', async (t) => {
  const skip = guestSkipReason('demo');
  if (skip) return t.skip(skip);
  let r = await runBothy(['run', '--vcpus', '5000']);
  assertOneLineError(r.stderr, /5000 vCPUs is out of range: this host's KVM allows 1 to \d+/);
  assert.equal(r.code, 64);
  r = await runBothy(['run', '--vcpus', '0']);
  assert.equal(r.code, 64);
  r = await runBothy(['run', '--mem', '4M']);
  assertOneLineError(r.stderr, /Memory size .* is out of range: give between 16 MiB and/);
  assert.equal(r.code, 64);
  r = await runBothy(['run', '--mem', '2000T']);
  assert.equal(r.code, 64);
});

test('no KVM device: says what to do, exit 69', async (t) => {
  const skip = guestSkipReason('demo');
  if (skip) return t.skip(skip.replace(/; KVM.*/, ''));
  const r = await runBothy(['run'], { env: { ...process.env, BOTHY_KVM_DEVICE: '/nonexistent/kvm' } });
  assertOneLineError(r.stderr, /KVM is not available on this machine: load the kvm module/);
  assert.equal(r.code, 69);
});

test('--help documents run, dump-firmware and the exit codes', async () => {
  const top = await runBothy(['--help']);
  assert.equal(top.code, 0);
  assert.match(top.stdout, /run \[options\]/);
  assert.match(top.stdout, /dump-firmware \[options\]/);
  const run = await runBothy(['run', '--help']);
  for (const opt of ['--kernel', '--initrd', '--cmdline', '--mem', '--vcpus', '--boot', '--timeout']) assert.match(run.stdout, new RegExp(opt));
  assert.match(run.stdout, /Exit code: 0 when the guest powers off/);
});

test('dump-firmware writes every ACPI table', async () => {
  const out = join(dir, 'fw');
  const r = await runBothy(['dump-firmware', '--vcpus', '2', '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  for (const f of ['rsdp.dat', 'dsdt.dat', 'facp.dat', 'apic.dat', 'xsdt.dat']) assert.match(r.stdout, new RegExp(f));
});
