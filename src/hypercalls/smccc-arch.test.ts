import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HypercallDispatcher } from './dispatcher.js';
import { FirmwareRegisters, KVM_REG_ARM_STD_BMAP, KVM_REG_ARM_STD_HYP_BMAP, KVM_REG_ARM_VENDOR_HYP_BMAP, type FirmwareRegistersConfig } from './firmware-registers.js';
import { FakePlatform } from './fake-platform.js';
import { SmcccArchService } from './smccc-arch.js';
import * as S from './smccc.js';

const ctx = { vcpuId: 0, platform: new FakePlatform() };
const x0 = (d: HypercallDispatcher, fid: number, ...args: bigint[]): bigint =>
  d.dispatch(fid, args as unknown as Parameters<typeof d.dispatch>[1], ctx)[0];
const neg = (n: number): bigint => S.smcccRet(n);

function setup(config: FirmwareRegistersConfig = {}): { regs: FirmwareRegisters; d: HypercallDispatcher } {
  const regs = new FirmwareRegisters(config);
  const d = new HypercallDispatcher({ gate: regs });
  d.register(new SmcccArchService(regs));
  return { regs, d };
}

test('SMCCC_VERSION reports 1.1 like KVM', () => {
  const { d } = setup();
  assert.deepEqual(d.dispatch(S.ARM_SMCCC_VERSION_FUNC_ID, [], ctx), [0x10001n, 0n, 0n, 0n]);
});

test('ARCH_FEATURES per host workaround level (§3.3)', () => {
  const unaffected = setup().d;
  assert.equal(x0(unaffected, S.ARM_SMCCC_ARCH_FEATURES_FUNC_ID, BigInt(S.ARM_SMCCC_ARCH_WORKAROUND_1)), 1n);
  assert.equal(x0(unaffected, S.ARM_SMCCC_ARCH_FEATURES_FUNC_ID, BigInt(S.ARM_SMCCC_ARCH_WORKAROUND_2)), neg(-2));
  assert.equal(x0(unaffected, S.ARM_SMCCC_ARCH_FEATURES_FUNC_ID, BigInt(S.ARM_SMCCC_ARCH_WORKAROUND_3)), 1n);
  const mitigated = setup({ hostWorkarounds: { wa1: 1n, wa2: 0n, wa3: 0n } }).d;
  assert.equal(x0(mitigated, S.ARM_SMCCC_ARCH_FEATURES_FUNC_ID, BigInt(S.ARM_SMCCC_ARCH_WORKAROUND_1)), 0n);
  assert.equal(x0(mitigated, S.ARM_SMCCC_ARCH_FEATURES_FUNC_ID, BigInt(S.ARM_SMCCC_ARCH_WORKAROUND_2)), neg(-1));
  assert.equal(x0(mitigated, S.ARM_SMCCC_ARCH_FEATURES_FUNC_ID, BigInt(S.ARM_SMCCC_ARCH_WORKAROUND_3)), neg(-1));
  // The queried id is read as u32, as KVM's `u32 feature` does.
  assert.equal(x0(mitigated, S.ARM_SMCCC_ARCH_FEATURES_FUNC_ID, (0xdeadn << 32n) | BigInt(S.ARM_SMCCC_ARCH_WORKAROUND_1)), 0n);
  // WORKAROUND_1/3 calls themselves answer 0 (EL2 fast path); WORKAROUND_2 is not served.
  assert.equal(x0(mitigated, S.ARM_SMCCC_ARCH_WORKAROUND_1), 0n);
  assert.equal(x0(mitigated, S.ARM_SMCCC_ARCH_WORKAROUND_3), 0n);
  assert.equal(x0(mitigated, S.ARM_SMCCC_ARCH_WORKAROUND_2), neg(-1));
});

test('ARCH_FEATURES: everything else is NOT_SUPPORTED, incl. itself, VERSION, SOC_ID, TRNG (FALSE_INFO stage)', () => {
  const { d } = setup();
  for (const f of [S.ARM_SMCCC_VERSION_FUNC_ID, S.ARM_SMCCC_ARCH_FEATURES_FUNC_ID, S.ARM_SMCCC_ARCH_SOC_ID_FUNC_ID, S.ARM_SMCCC_TRNG_RND64, S.ARM_SMCCC_VENDOR_HYP_KVM_PTP_FUNC_ID, 0]) {
    assert.equal(x0(d, S.ARM_SMCCC_ARCH_FEATURES_FUNC_ID, BigInt(f)), neg(-1), `0x${f.toString(16)}`);
  }
});

test('hypercalls selftest FEAT_DISABLED: ARCH_FEATURES(PV_TIME_FEATURES) follows STD_HYP_BMAP', () => {
  const { regs, d } = setup();
  assert.equal(x0(d, S.ARM_SMCCC_ARCH_FEATURES_FUNC_ID, BigInt(S.ARM_SMCCC_HV_PV_TIME_FEATURES)), 0n);
  for (const id of [KVM_REG_ARM_STD_BMAP, KVM_REG_ARM_STD_HYP_BMAP, KVM_REG_ARM_VENDOR_HYP_BMAP]) regs.set(id, 0n);
  regs.markRan();
  assert.equal(x0(d, S.ARM_SMCCC_ARCH_FEATURES_FUNC_ID, BigInt(S.ARM_SMCCC_HV_PV_TIME_FEATURES)), neg(-1));
  // Calls with no service yet (TRNG, PV time, vendor hyp) answer -1 too.
  for (const f of [S.ARM_SMCCC_TRNG_VERSION, S.ARM_SMCCC_TRNG_GET_UUID, S.ARM_SMCCC_HV_PV_TIME_ST, S.ARM_SMCCC_VENDOR_HYP_CALL_UID_FUNC_ID, S.ARM_SMCCC_VENDOR_HYP_KVM_PTP_FUNC_ID]) {
    assert.equal(x0(d, f), neg(-1));
  }
  // A configuration masking PV time answers -1 from the start.
  assert.equal(x0(setup({ supported: { STD_HYP: 0n } }).d, S.ARM_SMCCC_ARCH_FEATURES_FUNC_ID, BigInt(S.ARM_SMCCC_HV_PV_TIME_FEATURES)), neg(-1));
});
