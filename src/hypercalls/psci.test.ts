import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HypercallDispatcher, type HypercallArgs } from './dispatcher.js';
import { FakePlatform, type FakePlatformOptions } from './fake-platform.js';
import * as R from './firmware-registers.js';
import * as P from './psci.js';
import * as S from './smccc.js';

const u = (n: number): bigint => S.smcccRet(n);

function setup(version: bigint | 'psci-0.1', options: FakePlatformOptions = {}) {
  const regs = new R.FirmwareRegisters(version === 'psci-0.1' ? { psci02: false } : {});
  if (version !== 'psci-0.1') regs.set(R.KVM_REG_ARM_PSCI_VERSION, version);
  const d = new HypercallDispatcher({ gate: regs, onServiceError: (s, f, e) => { throw new Error(`${s} 0x${f.toString(16)}: ${String(e)}`); } });
  d.register(new P.PsciService(regs));
  const platform = new FakePlatform(options);
  const call = (fid: number, ...args: bigint[]) => d.dispatch(fid, args as unknown as HypercallArgs, { vcpuId: 0, platform });
  const x0 = (fid: number, ...args: bigint[]): bigint => call(fid, ...args)[0];
  return { regs, d, platform, call, x0 };
}

const V1 = [R.KVM_ARM_PSCI_1_0, R.KVM_ARM_PSCI_1_1, R.KVM_ARM_PSCI_1_2, R.KVM_ARM_PSCI_1_3];
const ALL = [R.KVM_ARM_PSCI_0_2, ...V1];

test('function ids are include/uapi/linux/psci.h (§4.3)', () => {
  assert.equal(P.PSCI_0_2_FN_PSCI_VERSION, 0x84000000);
  assert.equal(P.PSCI_0_2_FN64_CPU_SUSPEND, 0xc4000001);
  assert.equal(P.PSCI_0_2_FN_CPU_OFF, 0x84000002);
  assert.equal(P.PSCI_0_2_FN64_CPU_ON, 0xc4000003);
  assert.equal(P.PSCI_0_2_FN64_AFFINITY_INFO, 0xc4000004);
  assert.equal(P.PSCI_0_2_FN_SYSTEM_RESET, 0x84000009);
  assert.equal(P.PSCI_1_0_FN_PSCI_FEATURES, 0x8400000a);
  assert.equal(P.PSCI_1_0_FN64_SYSTEM_SUSPEND, 0xc400000e);
  assert.equal(P.PSCI_1_1_FN_SYSTEM_RESET2, 0x84000012);
  assert.equal(P.PSCI_1_1_FN64_SYSTEM_RESET2, 0xc4000012);
  assert.equal(P.PSCI_1_3_FN_SYSTEM_OFF2, 0x84000015);
  assert.equal(P.PSCI_1_3_FN64_SYSTEM_OFF2, 0xc4000015);
  assert.deepEqual([P.KVM_PSCI_FN_CPU_SUSPEND, P.KVM_PSCI_FN_CPU_OFF, P.KVM_PSCI_FN_CPU_ON, P.KVM_PSCI_FN_MIGRATE], [0x95c1ba5e, 0x95c1ba5f, 0x95c1ba60, 0x95c1ba61]);
  const svc = new P.PsciService(new R.FirmwareRegisters());
  assert.equal(svc.functionIds.length, 68);
  assert.ok(svc.functionIds.includes(0x8400001f) && svc.functionIds.includes(0xc400001f) && !svc.functionIds.includes(0x84000020));
});

test('MPIDR ↔ vCPU index (Aff0 7:0, Aff1 15:8, Aff2 23:16, Aff3 39:32)', () => {
  assert.equal(P.mpidrToVcpu(0n), 0);
  assert.equal(P.mpidrToVcpu(0x0102n), 0x0102);
  assert.equal(P.mpidrToVcpu(0x01_0000_0003n), 0x0100_0003);
  assert.equal(P.mpidrToVcpu(0x0100_0000n), undefined); // bit 24 is outside MPIDR_HWID_BITMASK
  assert.equal(P.mpidrToVcpu(1n << 40n), undefined);
  for (const v of [0, 1, 255, 256, 0xffffff, 0x1000000, 0x1abcdef]) assert.equal(P.mpidrToVcpu(P.vcpuToMpidr(v)), v);
  assert.equal(P.vcpuToMpidr(0x0100_0003), 0x01_0000_0003n);
  assert.deepEqual([0n, 1n, 2n, 3n, 4n].map(P.psciAffinityMask), [0xff00ffffffn, 0xff00ffff00n, 0xff00ff0000n, 0xff00000000n, 0n]);
});

test('PSCI_VERSION per register value, re-read at every call', () => {
  for (const v of ALL) assert.equal(setup(v).x0(P.PSCI_0_2_FN_PSCI_VERSION), v);
  const { regs, x0 } = setup(R.KVM_ARM_PSCI_1_3);
  regs.markRan();
  regs.set(R.KVM_REG_ARM_PSCI_VERSION, R.KVM_ARM_PSCI_0_2); // allowed after run
  assert.equal(x0(P.PSCI_0_2_FN_PSCI_VERSION), 2n);
  assert.equal(x0(P.PSCI_1_0_FN_PSCI_FEATURES, BigInt(P.PSCI_0_2_FN_CPU_ON)), u(-1)); // 0.2 has no PSCI_FEATURES
});

// §4.4: the ids PSCI_FEATURES answers 0 for at every 1.x version.
const FEATURES_BASE = [
  P.PSCI_0_2_FN_PSCI_VERSION, P.PSCI_0_2_FN_CPU_SUSPEND, P.PSCI_0_2_FN64_CPU_SUSPEND, P.PSCI_0_2_FN_CPU_OFF,
  P.PSCI_0_2_FN_CPU_ON, P.PSCI_0_2_FN64_CPU_ON, P.PSCI_0_2_FN_AFFINITY_INFO, P.PSCI_0_2_FN64_AFFINITY_INFO,
  P.PSCI_0_2_FN_MIGRATE_INFO_TYPE, P.PSCI_0_2_FN_SYSTEM_OFF, P.PSCI_0_2_FN_SYSTEM_RESET, P.PSCI_1_0_FN_PSCI_FEATURES,
  S.ARM_SMCCC_VERSION_FUNC_ID,
];

test('PSCI_FEATURES table per version (§4.4)', () => {
  const queried = [
    ...Array.from({ length: 32 }, (_, n) => S.PSCI_0_2_FN(n)),
    ...Array.from({ length: 32 }, (_, n) => S.PSCI_0_2_FN64(n)),
    S.ARM_SMCCC_ARCH_FEATURES_FUNC_ID, S.ARM_SMCCC_TRNG_RND64, S.ARM_SMCCC_HV_PV_TIME_ST, P.KVM_PSCI_FN_CPU_ON, 0,
  ];
  for (const v of V1) {
    const minor = Number(v & 0xffffn);
    const { x0 } = setup(v);
    for (const fid of queried) {
      let want = FEATURES_BASE.includes(fid) ? 0n : u(-1);
      if ((fid === P.PSCI_1_1_FN_SYSTEM_RESET2 || fid === P.PSCI_1_1_FN64_SYSTEM_RESET2) && minor >= 1) want = 0n;
      if ((fid === P.PSCI_1_3_FN_SYSTEM_OFF2 || fid === P.PSCI_1_3_FN64_SYSTEM_OFF2) && minor >= 3) want = 1n; // HIBERNATE_OFF
      assert.equal(x0(P.PSCI_1_0_FN_PSCI_FEATURES, BigInt(fid)), want, `1.${minor} FEATURES(0x${fid.toString(16)})`);
    }
    // SYSTEM_SUSPEND is not enabled; MIGRATE and friends are not served.
    assert.equal(x0(P.PSCI_1_0_FN_PSCI_FEATURES, BigInt(P.PSCI_1_0_FN_SYSTEM_SUSPEND)), u(-1));
    assert.equal(x0(P.PSCI_1_0_FN_PSCI_FEATURES, BigInt(P.PSCI_0_2_FN_MIGRATE)), u(-1));
    // The queried id is a u32.
    assert.equal(x0(P.PSCI_1_0_FN_PSCI_FEATURES, (7n << 32n) | BigInt(P.PSCI_0_2_FN64_CPU_ON)), 0n);
  }
});

test('CPU_ON: target by MPIDR, platform result mapping, 32-bit narrowing', () => {
  const { platform, x0 } = setup(R.KVM_ARM_PSCI_1_3);
  assert.equal(x0(P.PSCI_0_2_FN64_CPU_ON, 1n, 0x1_0000_1000n, 0xabcn), 0n);
  assert.deepEqual(platform.callsOf('cpu-on')[0], { kind: 'cpu-on', target: 1, entry: 0x1_0000_1000n, contextId: 0xabcn, result: 'ok' });
  assert.equal(x0(P.PSCI_0_2_FN64_CPU_ON, 1n, 0n, 0n), u(P.PSCI_RET_ON_PENDING));
  platform.states[1] = 'on';
  assert.equal(x0(P.PSCI_0_2_FN64_CPU_ON, 1n, 0n, 0n), u(P.PSCI_RET_ALREADY_ON));
  assert.equal(x0(P.PSCI_0_2_FN64_CPU_ON, 0n, 0n, 0n), u(P.PSCI_RET_ALREADY_ON));
  const before = platform.calls.length;
  // No such vCPU (index 4, Aff1 = 1 → 256) and bits outside MPIDR_HWID_BITMASK never reach the platform.
  for (const mpidr of [4n, 0x100n, 1n << 24n, 1n << 40n, (1n << 32n) | 2n]) {
    assert.equal(x0(P.PSCI_0_2_FN64_CPU_ON, mpidr, 0n, 0n), u(P.PSCI_RET_INVALID_PARAMS), `0x${mpidr.toString(16)}`);
  }
  assert.equal(platform.calls.length, before);
  // The 32-bit form drops x1-x3's upper halves: (1<<32)|2 names vCPU 2.
  assert.equal(x0(P.PSCI_0_2_FN_CPU_ON, (1n << 32n) | 2n, 0xdead_0000_1000n, 0xffff_0000_0000_0007n), 0n);
  assert.deepEqual(platform.callsOf('cpu-on').at(-1), { kind: 'cpu-on', target: 2, entry: 0x1000n, contextId: 7n, result: 'ok' });
  // A wider VM: Aff1 = 1, Aff0 = 1 is vCPU 257.
  const big = setup(R.KVM_ARM_PSCI_1_0, { states: Array.from({ length: 300 }, () => 'off' as const) });
  assert.equal(big.x0(P.PSCI_0_2_FN64_CPU_ON, 0x101n, 0n, 0n), 0n);
  assert.equal(big.platform.callsOf('cpu-on')[0]?.target, 257);
});

test('CPU_ON: a platform answering no-such-cpu → INVALID_PARAMS', () => {
  class Gone extends FakePlatform {
    override cpuOn(): 'no-such-cpu' {
      return 'no-such-cpu';
    }
  }
  const regs = new R.FirmwareRegisters();
  const svc = new P.PsciService(regs);
  const r = svc.call(P.PSCI_0_2_FN64_CPU_ON, [1n, 0n, 0n, 0n, 0n, 0n], { vcpuId: 0, platform: new Gone() });
  assert.equal(r[0], u(P.PSCI_RET_INVALID_PARAMS));
});

test('AFFINITY_INFO: ON / OFF / ON_PENDING, levels, bad arguments', () => {
  const { platform, x0 } = setup(R.KVM_ARM_PSCI_1_1, { states: ['on', 'off', 'on-pending', 'off'] });
  const ai = (t: bigint, lvl: bigint, fid = P.PSCI_0_2_FN64_AFFINITY_INFO): bigint => x0(fid, t, lvl);
  assert.equal(ai(0n, 0n), 0n);
  assert.equal(ai(1n, 0n), 1n);
  assert.equal(ai(2n, 0n), 2n);
  assert.equal(ai(4n, 0n), u(-2)); // no matching vCPU
  assert.equal(ai(0n, 4n), u(-2)); // level above 3
  assert.equal(ai(1n << 24n, 0n), u(-2)); // outside MPIDR_HWID_BITMASK
  assert.equal(ai(3n, 1n), 0n); // level 1 ignores Aff0: all four match, vCPU 0 is on
  assert.equal(ai(0x100n, 1n), u(-2)); // Aff1 = 1: none
  platform.states[0] = 'off';
  assert.equal(ai(0n, 1n), 2n);
  platform.states[2] = 'off';
  assert.equal(ai(0n, 3n), 1n);
  // 32-bit form narrows the level: (1<<32) → 0.
  assert.equal(ai(1n, 1n << 32n, P.PSCI_0_2_FN_AFFINITY_INFO), 1n);
  assert.equal(ai(1n, 1n << 32n), u(-2));
  assert.equal(platform.calls.length, 0);
});

test('CPU_OFF, CPU_SUSPEND, MIGRATE_INFO_TYPE and the unserved calls', () => {
  for (const v of ALL) {
    const { platform, call, x0 } = setup(v);
    assert.deepEqual(call(P.PSCI_0_2_FN_CPU_OFF), [0n, 0n, 0n, 0n]);
    assert.deepEqual(platform.calls, [{ kind: 'cpu-off', vcpu: 0 }]);
    assert.equal(platform.states[0], 'off');
    assert.equal(x0(P.PSCI_0_2_FN_CPU_SUSPEND, 0x10000n, 0x1000n, 0n), 0n);
    assert.equal(x0(P.PSCI_0_2_FN64_CPU_SUSPEND, 0n, 0n, 0n), 0n);
    assert.equal(x0(P.PSCI_0_2_FN_MIGRATE_INFO_TYPE), 2n);
    for (const f of [P.PSCI_0_2_FN_MIGRATE, P.PSCI_0_2_FN64_MIGRATE, P.PSCI_0_2_FN_MIGRATE_INFO_UP_CPU, P.PSCI_1_0_FN_CPU_FREEZE,
      P.PSCI_1_0_FN_SYSTEM_SUSPEND, P.PSCI_1_0_FN64_SYSTEM_SUSPEND, P.PSCI_1_1_FN_MEM_PROTECT, S.PSCI_0_2_FN(0x1f),
      P.KVM_PSCI_FN_CPU_ON, P.KVM_PSCI_FN_CPU_OFF]) {
      assert.equal(x0(f, 0n), u(-1), `${v} 0x${f.toString(16)}`);
    }
    assert.equal(platform.calls.length, 1);
  }
});

test('SYSTEM_OFF / SYSTEM_RESET end the VM with x0 preloaded to INTERNAL_FAILURE', () => {
  for (const v of ALL) {
    const { platform, call } = setup(v);
    assert.deepEqual(call(P.PSCI_0_2_FN_SYSTEM_OFF, 5n, 6n, 7n), [u(-6), 0n, 0n, 0n]);
    assert.deepEqual(call(P.PSCI_0_2_FN_SYSTEM_RESET), [u(-6), 0n, 0n, 0n]);
    assert.deepEqual(platform.callsOf('system-event').map((c) => c.event), ['poweroff', 'reset']);
  }
});

test('SYSTEM_RESET2 (1.1+): reset types, u32 type, only x0 written', () => {
  const old = setup(R.KVM_ARM_PSCI_1_0);
  assert.deepEqual(old.call(P.PSCI_1_1_FN_SYSTEM_RESET2, 0n, 0n), [u(-1), 0n, 0n, 0n]);
  assert.equal(old.platform.calls.length, 0);
  const { platform, call } = setup(R.KVM_ARM_PSCI_1_1);
  assert.deepEqual(call(P.PSCI_1_1_FN64_SYSTEM_RESET2, 0n, 0x1234n), [u(-6), 0n, 0x1234n, 0n]);
  assert.deepEqual(call(P.PSCI_1_1_FN64_SYSTEM_RESET2, 0x8000_0000n, 5n), [u(-6), 0x8000_0000n, 5n, 0n]);
  assert.deepEqual(call(P.PSCI_1_1_FN_SYSTEM_RESET2, 0xffff_ffffn, (9n << 32n) | 1n, 3n), [u(-6), 0xffff_ffffn, 1n, 3n]);
  // KVM's `u32 arg`: 1<<32 is warm reset even in the 64-bit form.
  assert.equal(call(P.PSCI_1_1_FN64_SYSTEM_RESET2, 1n << 32n)[0], u(-6));
  assert.equal(platform.callsOf('system-event').length, 4);
  for (const t of [1n, 0x7fff_ffffn]) assert.deepEqual(call(P.PSCI_1_1_FN64_SYSTEM_RESET2, t), [u(-2), 0n, 0n, 0n]);
  assert.equal(platform.callsOf('system-event').length, 4);
  assert.ok(platform.callsOf('system-event').every((c) => c.event === 'reset'));
});

test('SYSTEM_OFF2 (1.3): type 0 or HIBERNATE_OFF with arg2 = 0, else INVALID_PARAMS', () => {
  assert.equal(setup(R.KVM_ARM_PSCI_1_2).x0(P.PSCI_1_3_FN64_SYSTEM_OFF2, 0n, 0n), u(-1));
  const { platform, call, x0 } = setup(R.KVM_ARM_PSCI_1_3);
  assert.deepEqual(call(P.PSCI_1_3_FN64_SYSTEM_OFF2, 0n, 0n), [u(-6), 0n, 0n, 0n]);
  assert.equal(x0(P.PSCI_1_3_FN_SYSTEM_OFF2, 1n, 0n), u(-6));
  assert.equal(x0(P.PSCI_1_3_FN_SYSTEM_OFF2, 0n, 1n << 32n), u(-6)); // 32-bit form: arg2 narrows to 0
  assert.equal(platform.callsOf('system-event').length, 3);
  assert.ok(platform.callsOf('system-event').every((c) => c.event === 'poweroff'));
  for (const [a1, a2] of [[2n, 0n], [0n, 1n], [1n, 1n << 32n]] as const) {
    assert.equal(x0(P.PSCI_1_3_FN64_SYSTEM_OFF2, a1, a2), u(-2), `${a1}, ${a2}`);
  }
  assert.equal(platform.callsOf('system-event').length, 3);
});

test('PSCI 0.1: only KVM_PSCI_FN CPU_ON and CPU_OFF; already on → INVALID_PARAMS', () => {
  const { regs, platform, x0 } = setup('psci-0.1');
  assert.equal(regs.get(R.KVM_REG_ARM_PSCI_VERSION), R.KVM_ARM_PSCI_0_1);
  assert.equal(x0(P.KVM_PSCI_FN_CPU_ON, 3n, 0x2000n, 1n), 0n);
  assert.equal(x0(P.KVM_PSCI_FN_CPU_ON, 3n, 0x2000n, 1n), u(-2)); // on-pending
  assert.equal(x0(P.KVM_PSCI_FN_CPU_ON, 0n, 0x2000n, 1n), u(-2)); // already on
  assert.equal(x0(P.KVM_PSCI_FN_CPU_ON, 9n, 0n, 0n), u(-2));
  assert.equal(x0(P.KVM_PSCI_FN_CPU_OFF), 0n);
  assert.equal(x0(P.KVM_PSCI_FN_CPU_SUSPEND), u(-1));
  assert.equal(x0(P.KVM_PSCI_FN_MIGRATE), u(-1));
  for (const f of [P.PSCI_0_2_FN_PSCI_VERSION, P.PSCI_0_2_FN_SYSTEM_OFF, P.PSCI_0_2_FN64_CPU_ON, P.PSCI_1_0_FN_PSCI_FEATURES]) assert.equal(x0(f, 1n), u(-1));
  assert.deepEqual(platform.calls.map((c) => c.kind), ['cpu-on', 'cpu-on', 'cpu-on', 'cpu-off']);
});

test('PSCI is never gated by the bitmaps', () => {
  const { regs, x0 } = setup(R.KVM_ARM_PSCI_1_1);
  for (const id of [R.KVM_REG_ARM_STD_BMAP, R.KVM_REG_ARM_STD_HYP_BMAP, R.KVM_REG_ARM_VENDOR_HYP_BMAP]) regs.set(id, 0n);
  regs.markRan();
  assert.equal(x0(P.PSCI_0_2_FN_PSCI_VERSION), R.KVM_ARM_PSCI_1_1);
  assert.equal(x0(P.PSCI_0_2_FN_MIGRATE_INFO_TYPE), 2n);
});
