import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HypercallArgs, HypercallDispatcher } from './dispatcher.js';
import { FakePlatform } from './fake-platform.js';
import * as R from './firmware-registers.js';
import { FwRegError } from './fw-reg-error.js';
import { HypercallError } from './hypercall-error.js';
import * as P from './psci.js';
import { applyHypercallToggles, createDispatcher, HYPERCALL_FEATURES, parseHypercallToggles } from './services.js';
import * as S from './smccc.js';

const NS = S.smcccRet(-1);

function caller(d: HypercallDispatcher, platform: FakePlatform) {
  return (fid: number, ...args: bigint[]) => d.dispatch(fid, args as unknown as HypercallArgs, { vcpuId: 0, platform });
}

/** hypercalls.c §6.1 steps 4 and 6: the same eleven calls, [fid, x1]. */
const SELFTEST_CALLS: ReadonlyArray<readonly [string, number, bigint]> = [
  ['TRNG_VERSION', S.ARM_SMCCC_TRNG_VERSION, 0n],
  ['TRNG_FEATURES(RND64)', S.ARM_SMCCC_TRNG_FEATURES, BigInt(S.ARM_SMCCC_TRNG_RND64)],
  ['TRNG_GET_UUID', S.ARM_SMCCC_TRNG_GET_UUID, 0n],
  ['TRNG_RND32(0)', S.ARM_SMCCC_TRNG_RND32, 0n],
  ['TRNG_RND64(0)', S.ARM_SMCCC_TRNG_RND64, 0n],
  ['ARCH_FEATURES(PV_TIME_FEATURES)', S.ARM_SMCCC_ARCH_FEATURES_FUNC_ID, BigInt(S.ARM_SMCCC_HV_PV_TIME_FEATURES)],
  ['PV_TIME_FEATURES(PV_TIME_ST)', S.ARM_SMCCC_HV_PV_TIME_FEATURES, BigInt(S.ARM_SMCCC_HV_PV_TIME_ST)],
  ['PV_TIME_ST', S.ARM_SMCCC_HV_PV_TIME_ST, 0n],
  ['KVM_FEATURES(PTP)', S.ARM_SMCCC_VENDOR_HYP_KVM_FEATURES_FUNC_ID, BigInt(S.ARM_SMCCC_VENDOR_HYP_KVM_PTP_FUNC_ID)],
  ['VENDOR_HYP_CALL_UID', S.ARM_SMCCC_VENDOR_HYP_CALL_UID_FUNC_ID, 0n],
  ['PTP(KVM_PTP_VIRT_COUNTER)', S.ARM_SMCCC_VENDOR_HYP_KVM_PTP_FUNC_ID, 0n],
];

const fullPlatform = (): FakePlatform => new FakePlatform({ stolenTimeGpa: 1n << 30n, ptp: { realtimeNs: 1_700_000_000_000_000_000n, counter: 123_456n } });

test('hypercalls selftest stage FEAT_DISABLED: every bitmap 0 after the first run → a0 == -1', () => {
  const regs = new R.FirmwareRegisters();
  for (const id of [R.KVM_REG_ARM_STD_BMAP, R.KVM_REG_ARM_STD_HYP_BMAP, R.KVM_REG_ARM_VENDOR_HYP_BMAP, R.KVM_REG_ARM_VENDOR_HYP_BMAP_2]) regs.set(id, 0n);
  regs.markRan();
  const platform = fullPlatform();
  const call = caller(createDispatcher(regs), platform);
  for (const [name, fid, x1] of SELFTEST_CALLS) assert.deepEqual(call(fid, x1), [NS, 0n, 0n, 0n], name);
  assert.deepEqual(call(S.GH_HYPERCALL_HYP_IDENTIFY), [NS, 0n, 0n, 0n]);
  assert.equal(platform.calls.length, 0);
});

test('hypercalls selftest stage FEAT_ENABLED: defaults → a0 != -1', () => {
  const regs = new R.FirmwareRegisters();
  regs.markRan();
  const call = caller(createDispatcher(regs), fullPlatform());
  for (const [name, fid, x1] of SELFTEST_CALLS) assert.notEqual(call(fid, x1)[0], NS, name);
  assert.equal(call(S.ARM_SMCCC_HV_PV_TIME_ST)[0], 1n << 30n);
  assert.equal(call(S.ARM_SMCCC_VENDOR_HYP_KVM_FEATURES_FUNC_ID)[0], 0x3n);
});

test('hypercalls selftest stage FALSE_INFO: features asked of the wrong service → -1', () => {
  const call = caller(createDispatcher(new R.FirmwareRegisters()), fullPlatform());
  assert.equal(call(S.ARM_SMCCC_TRNG_FEATURES, BigInt(S.ARM_SMCCC_VENDOR_HYP_KVM_PTP_FUNC_ID))[0], NS);
  assert.equal(call(S.ARM_SMCCC_ARCH_FEATURES_FUNC_ID, BigInt(S.ARM_SMCCC_TRNG_RND64))[0], NS);
  assert.equal(call(S.ARM_SMCCC_HV_PV_TIME_FEATURES, BigInt(S.ARM_SMCCC_TRNG_RND64))[0], NS);
});

test('kvm-uuid selftest (§6.4), and the Gunyah UID and identify flags through the options', () => {
  const kvm = caller(createDispatcher(new R.FirmwareRegisters()), new FakePlatform());
  assert.deepEqual(kvm(0x8600ff01), [0xb66fb428n, 0xe911c52en, 0x564bcaa9n, 0x743a004dn]);
  assert.deepEqual(kvm(0xc6008000), [0x4800_0000_0000_8001n, 0n, 0n, 0n]);
  const gh = caller(createDispatcher(new R.FirmwareRegisters(), { vendorUid: 'gunyah', gunyahFlags: [0b110n, 0n, 0n] }), new FakePlatform());
  assert.deepEqual(gh(0x8600ff01), [0xcd8fd5c1n, 0xdb5f53a4n, 0x36ce6592n, 0x145f3d67n]);
  assert.deepEqual(gh(0xc6008000), [0x4800_0000_0000_8001n, 0b110n, 0n, 0n]);
});

test('every service is registered, under its own name', () => {
  const d = createDispatcher(new R.FirmwareRegisters());
  const want: ReadonlyArray<readonly [number, string]> = [
    [S.ARM_SMCCC_VERSION_FUNC_ID, 'smccc-arch'], [S.ARM_SMCCC_ARCH_FEATURES_FUNC_ID, 'smccc-arch'],
    [P.PSCI_0_2_FN64_CPU_ON, 'psci'], [P.KVM_PSCI_FN_CPU_OFF, 'psci'], [S.ARM_SMCCC_TRNG_RND64, 'trng'],
    [S.ARM_SMCCC_HV_PV_TIME_ST, 'pv-time'], [S.ARM_SMCCC_VENDOR_HYP_KVM_PTP_FUNC_ID, 'vendor-hyp'],
    [S.GH_HYPERCALL_HYP_IDENTIFY, 'gunyah-identify'],
  ];
  for (const [fid, name] of want) assert.equal(d.serviceFor(fid), name, `0x${fid.toString(16)}`);
  assert.equal(d.serviceFor(S.ARM_SMCCC_VENDOR_HYP_KVM_DISCOVER_IMPL_VER_FUNC_ID), undefined);
});

test('createDispatcher passes onServiceError through', () => {
  const seen: string[] = [];
  const platform = new FakePlatform({ randomBytes: () => new Uint8Array(0) });
  const call = caller(createDispatcher(new R.FirmwareRegisters(), { onServiceError: (s) => seen.push(s) }), platform);
  assert.equal(call(S.ARM_SMCCC_TRNG_RND64, 8n)[0], NS);
  assert.deepEqual(seen, ['trng']);
});

test('fuzz: no service fails on any argument values', () => {
  const regs = new R.FirmwareRegisters();
  regs.set(R.KVM_REG_ARM_VENDOR_HYP_BMAP_2, 0x3n);
  const d = createDispatcher(regs);
  const platform = fullPlatform();
  const fids = [
    ...Array.from({ length: 32 }, (_, n) => S.PSCI_0_2_FN(n)), ...Array.from({ length: 32 }, (_, n) => S.PSCI_0_2_FN64(n)),
    ...[0, 1, 2, 3].map(S.KVM_PSCI_FN), ...SELFTEST_CALLS.map((c) => c[1]), S.GH_HYPERCALL_HYP_IDENTIFY, S.ARM_SMCCC_VERSION_FUNC_ID,
  ].filter((f) => f !== P.PSCI_0_2_FN_SYSTEM_OFF);
  let s = 0x2545f491;
  const r32 = (): number => { s ^= s << 13; s ^= s >>> 17; s ^= s << 5; return s >>> 0; };
  const pick = (): bigint => [0n, 1n, 2n, 3n, 0xffn, 0x100n, 1n << 32n, 0xffff_ffffn, (BigInt(r32()) << 32n) | BigInt(r32()), -1n][r32() % 10]!;
  for (let i = 0; i < 50_000; i++) {
    const r = d.dispatch(fids[r32() % fids.length]!, [pick(), pick(), pick(), pick(), pick(), pick()], { vcpuId: 0, platform });
    for (const v of r) assert.ok(v >= 0n && v < 1n << 64n);
  }
  assert.equal(d.stats.errors, 0);
  assert.equal(d.stats.unknown, 0);
});

test('HYPERCALL_FEATURES names → bitmap bits', () => {
  assert.deepEqual(HYPERCALL_FEATURES['trng'], { bitmap: 'STD', bit: 0 });
  assert.deepEqual(HYPERCALL_FEATURES['pv-time'], { bitmap: 'STD_HYP', bit: 0 });
  assert.deepEqual(HYPERCALL_FEATURES['vendor'], { bitmap: 'VENDOR_HYP', bit: 0 });
  assert.deepEqual(HYPERCALL_FEATURES['kvm-features'], { bitmap: 'VENDOR_HYP', bit: 0 });
  assert.deepEqual(HYPERCALL_FEATURES['ptp'], { bitmap: 'VENDOR_HYP', bit: 1 });
  assert.deepEqual(HYPERCALL_FEATURES['discover-impl-ver'], { bitmap: 'VENDOR_HYP_2', bit: 0 });
  assert.deepEqual(HYPERCALL_FEATURES['discover-impl-cpus'], { bitmap: 'VENDOR_HYP_2', bit: 1 });
  assert.equal(Object.keys(HYPERCALL_FEATURES).length, 7);
});

test('parseHypercallToggles', () => {
  assert.deepEqual(parseHypercallToggles('trng=off,pv-time=on'), [
    { bitmap: 'STD', bit: 0, on: false },
    { bitmap: 'STD_HYP', bit: 0, on: true },
  ]);
  assert.deepEqual(parseHypercallToggles(' PTP = Off , discover-impl-cpus=on '), [
    { bitmap: 'VENDOR_HYP', bit: 1, on: false },
    { bitmap: 'VENDOR_HYP_2', bit: 1, on: true },
  ]);
  assert.deepEqual(parseHypercallToggles(''), []);
  const bad = (text: string, re: RegExp): void => {
    assert.throws(() => parseHypercallToggles(text), (e: unknown) => e instanceof HypercallError && e.code === 'INVALID_TOGGLE' && re.test(e.message), text);
  };
  bad('trng=off,psci=off', /'psci=off' does not name.*valid names: trng, pv-time, vendor, kvm-features, ptp, discover-impl-ver, discover-impl-cpus/);
  bad('trng', /'trng' must be trng=on or trng=off/);
  bad('trng=yes', /'trng=yes' must be/);
  bad('trng=off,', /'' does not name/);
  bad('toString=on', /does not name/);
});

test('applyHypercallToggles sets bitmaps through SET (EINVAL for unsupported bits, EBUSY after run)', () => {
  const regs = new R.FirmwareRegisters();
  applyHypercallToggles(regs, parseHypercallToggles('trng=off,ptp=off,discover-impl-ver=on'));
  assert.equal(regs.get(R.KVM_REG_ARM_STD_BMAP), 0n);
  assert.equal(regs.get(R.KVM_REG_ARM_VENDOR_HYP_BMAP), 0x1n);
  assert.equal(regs.get(R.KVM_REG_ARM_VENDOR_HYP_BMAP_2), 0x1n);
  assert.equal(regs.get(R.KVM_REG_ARM_STD_HYP_BMAP), 0x1n);
  applyHypercallToggles(regs, parseHypercallToggles('trng=on,trng=off'));
  assert.equal(regs.get(R.KVM_REG_ARM_STD_BMAP), 0n);
  const narrow = new R.FirmwareRegisters({ supported: { VENDOR_HYP: 0x1n } });
  assert.throws(() => applyHypercallToggles(narrow, parseHypercallToggles('ptp=on')), (e: unknown) => e instanceof FwRegError && e.code === 'EINVAL');
  regs.markRan();
  applyHypercallToggles(regs, parseHypercallToggles('trng=off'));
  assert.throws(() => applyHypercallToggles(regs, parseHypercallToggles('trng=on')), (e: unknown) => e instanceof FwRegError && e.code === 'EBUSY');
});
