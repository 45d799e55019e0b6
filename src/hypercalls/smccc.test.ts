import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as S from './smccc.js';

test('well-known function ids match the reference (§4.2)', () => {
  const golden: ReadonlyArray<[number, number]> = [
    [S.ARM_SMCCC_VERSION_FUNC_ID, 0x80000000],
    [S.ARM_SMCCC_ARCH_FEATURES_FUNC_ID, 0x80000001],
    [S.ARM_SMCCC_ARCH_SOC_ID_FUNC_ID, 0x80000002],
    [S.ARM_SMCCC_ARCH_WORKAROUND_1, 0x80008000],
    [S.ARM_SMCCC_ARCH_WORKAROUND_2, 0x80007fff],
    [S.ARM_SMCCC_ARCH_WORKAROUND_3, 0x80003fff],
    [S.ARM_SMCCC_TRNG_VERSION, 0x84000050],
    [S.ARM_SMCCC_TRNG_FEATURES, 0x84000051],
    [S.ARM_SMCCC_TRNG_GET_UUID, 0x84000052],
    [S.ARM_SMCCC_TRNG_RND32, 0x84000053],
    [S.ARM_SMCCC_TRNG_RND64, 0xc4000053],
    [S.ARM_SMCCC_HV_PV_TIME_FEATURES, 0xc5000020],
    [S.ARM_SMCCC_HV_PV_TIME_ST, 0xc5000021],
    [S.ARM_SMCCC_VENDOR_HYP_KVM_FEATURES_FUNC_ID, 0x86000000],
    [S.ARM_SMCCC_VENDOR_HYP_KVM_PTP_FUNC_ID, 0x86000001],
    [S.ARM_SMCCC_VENDOR_HYP_CALL_UID_FUNC_ID, 0x8600ff01],
    [S.ARM_SMCCC_VENDOR_HYP_KVM_DISCOVER_IMPL_VER_FUNC_ID, 0xc6000040],
    [S.ARM_SMCCC_VENDOR_HYP_KVM_DISCOVER_IMPL_CPUS_FUNC_ID, 0xc6000041],
    [S.PSCI_0_2_FN(0), 0x84000000],
    [S.PSCI_0_2_FN64(3), 0xc4000003],
    [S.PSCI_0_2_FN(0x15), 0x84000015],
    [S.KVM_PSCI_FN(0), 0x95c1ba5e],
    [S.KVM_PSCI_FN(3), 0x95c1ba61],
    [S.GH_HYPERCALL(0x00), 0xc6008000],
    [S.GH_HYPERCALL(0x12), 0xc6008012],
  ];
  for (const [got, want] of golden) assert.equal(got, want, `0x${got.toString(16)} != 0x${want.toString(16)}`);
});

test('owners, return codes and versions', () => {
  assert.deepEqual(
    [S.ARM_SMCCC_OWNER_ARCH, S.ARM_SMCCC_OWNER_CPU, S.ARM_SMCCC_OWNER_SIP, S.ARM_SMCCC_OWNER_OEM, S.ARM_SMCCC_OWNER_STANDARD,
      S.ARM_SMCCC_OWNER_STANDARD_HYP, S.ARM_SMCCC_OWNER_VENDOR_HYP, S.ARM_SMCCC_OWNER_TRUSTED_APP, S.ARM_SMCCC_OWNER_TRUSTED_APP_END,
      S.ARM_SMCCC_OWNER_TRUSTED_OS, S.ARM_SMCCC_OWNER_TRUSTED_OS_END],
    [0, 1, 2, 3, 4, 5, 6, 48, 49, 50, 63],
  );
  assert.deepEqual([S.SMCCC_RET_SUCCESS, S.SMCCC_RET_NOT_SUPPORTED, S.SMCCC_RET_NOT_REQUIRED, S.SMCCC_RET_INVALID_PARAMETER], [0, -1, -2, -3]);
  assert.equal(S.SMCCC_ARCH_WORKAROUND_RET_UNAFFECTED, 1);
  assert.deepEqual([S.ARM_SMCCC_VERSION_1_0, S.ARM_SMCCC_VERSION_1_1, S.ARM_SMCCC_VERSION_1_2, S.ARM_SMCCC_VERSION_1_3], [0x10000, 0x10001, 0x10002, 0x10003]);
  assert.equal(S.smcccRet(S.SMCCC_RET_NOT_SUPPORTED), 0xffff_ffff_ffff_ffffn);
  assert.equal(S.smcccRet(S.SMCCC_RET_INVALID_PARAMETER), 0xffff_ffff_ffff_fffdn);
  assert.equal(S.smcccRet(0x10001), 0x10001n);
  assert.equal(S.ARM_SMCCC_FUNC_QUERY_CALL_UID, 0xff01);
});

test('bit-field table covers all 32 bits exactly once', () => {
  let covered = 0n;
  for (const f of Object.values(S.SMCCC_FUNCTION_ID)) {
    const m = ((1n << BigInt(f.width)) - 1n) << BigInt(f.shift);
    assert.equal(covered & m, 0n);
    covered |= m;
  }
  assert.equal(covered, 0xffff_ffffn);
});

test('decode splits fields; encode(decode(x)) round-trips', () => {
  assert.deepEqual(S.decodeFunctionId(0xc5000021), { type: 1, callConv: 1, owner: 5, reserved: 0, number: 0x21 });
  assert.deepEqual(S.decodeFunctionId(0x0a01ff03), { type: 0, callConv: 0, owner: 0x0a, reserved: 1, number: 0xff03 });
  assert.equal(S.ARM_SMCCC_OWNER_NUM(0x8600ff01), 6);
  assert.equal(S.ARM_SMCCC_FUNC_NUM(0x8600ff01), 0xff01);
  assert.equal(S.ARM_SMCCC_IS_FAST_CALL(0x8600ff01), true);
  assert.equal(S.ARM_SMCCC_IS_FAST_CALL(0x0600ff01), false);
  assert.equal(S.ARM_SMCCC_IS_64(0xc4000003), true);
  assert.equal(S.ARM_SMCCC_IS_64(0x84000003), false);
  let x = 0x12345678;
  for (let i = 0; i < 10_000; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    assert.equal(S.encodeFunctionId(S.decodeFunctionId(x)), x);
  }
  // Like the C macro, out-of-range parts are masked to their field.
  assert.equal(S.ARM_SMCCC_CALL_VAL(1, 1, 0x7f, 0x1ffff), 0xff00ffff);
  assert.throws(() => S.decodeFunctionId(-1), RangeError);
  assert.throws(() => S.decodeFunctionId(2 ** 32), RangeError);
});
