import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HypercallDispatcher, type HypercallArgs } from './dispatcher.js';
import { FakePlatform, type FakePlatformOptions } from './fake-platform.js';
import * as V from './pv-time.js';
import * as S from './smccc.js';

const u = (n: number): bigint => S.smcccRet(n);

function setup(options: FakePlatformOptions = {}) {
  const d = new HypercallDispatcher();
  d.register(new V.PvTimeService());
  const platform = new FakePlatform(options);
  const call = (fid: number, ...args: bigint[]) => d.dispatch(fid, args as unknown as HypercallArgs, { vcpuId: 0, platform });
  return { platform, call };
}

test('pvclock_vcpu_stolen_time layout (§4.6)', () => {
  assert.equal(V.PVCLOCK_VCPU_STOLEN_TIME.size, 64);
  assert.deepEqual(V.PVCLOCK_VCPU_STOLEN_TIME.offsets, { revision: 0, attributes: 4, stolen_time: 8, padding: 16 });
});

test('writeStolenTime / zeroStolenTime', () => {
  const rec = new Uint8Array(64).fill(0xaa);
  V.writeStolenTime(rec, 0x0102_0304_0506_0708n);
  assert.deepEqual([...rec.subarray(8, 16)], [8, 7, 6, 5, 4, 3, 2, 1]);
  assert.ok(rec.subarray(0, 8).every((b) => b === 0xaa) && rec.subarray(16).every((b) => b === 0xaa));
  assert.equal(V.PVCLOCK_VCPU_STOLEN_TIME.decode(rec).stolen_time, 0x0102_0304_0506_0708n);
  V.zeroStolenTime(rec);
  assert.ok(rec.every((b) => b === 0));
  assert.throws(() => V.writeStolenTime(new Uint8Array(63), 1n), RangeError);
  assert.throws(() => V.zeroStolenTime(new Uint8Array(65)), RangeError);
  assert.throws(() => V.writeStolenTime(rec, -1n), RangeError);
});

test('PV_TIME_FEATURES: FEATURES and ST only, and only with a record; never starts it', () => {
  const gpa = 0x4000_0000n;
  const withRec = setup({ stolenTimeGpa: gpa });
  for (const f of [S.ARM_SMCCC_HV_PV_TIME_FEATURES, S.ARM_SMCCC_HV_PV_TIME_ST]) {
    assert.deepEqual(withRec.call(S.ARM_SMCCC_HV_PV_TIME_FEATURES, BigInt(f)), [0n, 0n, 0n, 0n]);
    assert.equal(withRec.call(S.ARM_SMCCC_HV_PV_TIME_FEATURES, (5n << 32n) | BigInt(f))[0], 0n); // u32 feature
    assert.equal(setup().call(S.ARM_SMCCC_HV_PV_TIME_FEATURES, BigInt(f))[0], u(-1));
  }
  for (const f of [S.ARM_SMCCC_TRNG_RND64, 0xc5000022, 0]) assert.equal(withRec.call(S.ARM_SMCCC_HV_PV_TIME_FEATURES, BigInt(f))[0], u(-1));
  assert.equal(withRec.platform.calls.length, 0);
  // A platform without hasStolenTime gives every vCPU a record.
  assert.equal(setup({ omitHasStolenTime: true }).call(S.ARM_SMCCC_HV_PV_TIME_FEATURES, BigInt(S.ARM_SMCCC_HV_PV_TIME_ST))[0], 0n);
});

test('PV_TIME_ST: starts the record and returns its address, or -1 without one', () => {
  const { platform, call } = setup({ stolenTimeGpa: 0x4000_0040n });
  assert.deepEqual(call(S.ARM_SMCCC_HV_PV_TIME_ST), [0x4000_0040n, 0n, 0n, 0n]);
  assert.deepEqual(platform.calls, [{ kind: 'start-stolen-time' }]);
  const none = setup({ omitHasStolenTime: true });
  assert.deepEqual(none.call(S.ARM_SMCCC_HV_PV_TIME_ST), [u(-1), 0n, 0n, 0n]);
  assert.deepEqual(none.platform.calls, [{ kind: 'start-stolen-time' }]);
});
