// Hypervisor services from inside a guest, through the x86 port-I/O doorbell: the KVM selftests
// (arm64 hypercalls.c, kvm-uuid) ported as micro-guests, PSCI CPU_ON/CPU_OFF/SYSTEM_*, TRNG, PV time,
// and a fuzz of random function ids. Every run is under a watchdog.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { guestSkipReason } from '../support/bothy-process.js';
import { runGuest } from '../support/in-process-guest.js';
import {
  KVM_REG_ARM_STD_BMAP, KVM_REG_ARM_STD_HYP_BMAP, KVM_REG_ARM_VENDOR_HYP_BMAP, KVM_REG_ARM_VENDOR_HYP_BMAP_2,
} from '../../src/hypercalls/firmware-registers.js';

const ALL_OFF = [KVM_REG_ARM_STD_BMAP, KVM_REG_ARM_STD_HYP_BMAP, KVM_REG_ARM_VENDOR_HYP_BMAP, KVM_REG_ARM_VENDOR_HYP_BMAP_2].map((id) => ({ id, value: 0n }));

test('hypercalls.c, every service disabled: all eleven calls answer NOT_SUPPORTED', async (t) => {
  const skip = guestSkipReason('hypercalls');
  if (skip) return t.skip(skip);
  const r = await runGuest('hypercalls', { cmdline: 'stage=disabled', hypercalls: { fwRegs: ALL_OFF } });
  assert.deepEqual(r.reason, { kind: 'guest-exit', code: 0 }, r.console);
  assert.match(r.console, /hypercalls: (\d+)\/\1 ok/);
});

test('hypercalls.c, defaults: all eleven calls are served; kvm-uuid reads KVM\'s UID', async (t) => {
  const skip = guestSkipReason('hypercalls');
  if (skip) return t.skip(skip);
  const r = await runGuest('hypercalls', { cmdline: 'stage=enabled uid=kvm' });
  assert.deepEqual(r.reason, { kind: 'guest-exit', code: 0 }, r.console);
  assert.match(r.console, /hypercalls: (\d+)\/\1 ok/);
});

test('a Gunyah-aware guest finds Gunyah\'s UID and hypervisor_identify api_version 1', async (t) => {
  const skip = guestSkipReason('hypercalls');
  if (skip) return t.skip(skip);
  const r = await runGuest('hypercalls', { cmdline: 'stage=enabled uid=gunyah', hypercalls: { vendorUid: 'gunyah' } });
  assert.deepEqual(r.reason, { kind: 'guest-exit', code: 0 }, r.console);
});

test('PSCI CPU_ON starts a parked vCPU with its context, CPU_OFF parks it again, and it starts a second time', async (t) => {
  const skip = guestSkipReason('psci');
  if (skip) return t.skip(skip);
  const r = await runGuest('psci', { vcpus: 2 });
  assert.deepEqual(r.reason, { kind: 'guest-exit', code: 0 }, r.console);
  assert.equal((r.console.match(/psci: cpu 1 on, context ok/g) ?? []).length, 2, r.console);
});

for (const [end, kind] of [['off', 'poweroff'], ['reset', 'reset'], ['reset2', 'reset']] as const) {
  test(`PSCI SYSTEM_${end.toUpperCase()} ends the VM as a ${kind}`, async (t) => {
    const skip = guestSkipReason('psci');
    if (skip) return t.skip(skip);
    const r = await runGuest('psci', { vcpus: 2, cmdline: `end=${end}` });
    assert.deepEqual(r.reason, { kind }, r.console);
  });
}

test('TRNG returns different random bits each call and clears the bits above N', async (t) => {
  const skip = guestSkipReason('trng');
  if (skip) return t.skip(skip);
  const r = await runGuest('trng');
  assert.deepEqual(r.reason, { kind: 'guest-exit', code: 0 }, r.console);
});

test('a guest fuzzing random function ids and arguments always gets an SMCCC answer and keeps its registers', async (t) => {
  const skip = guestSkipReason('hcfuzz');
  if (skip) return t.skip(skip);
  const seed = Date.now() % 100_000;
  const r = await runGuest('hcfuzz', { cmdline: `count=5000 seed=${seed}`, timeoutMs: 120_000 });
  assert.deepEqual(r.reason, { kind: 'guest-exit', code: 0 }, `seed=${seed}\n${r.console}`);
  assert.match(r.console, /hcfuzz: 5000 calls, \d+ not-supported, 0 preserved-register errors/);
});
