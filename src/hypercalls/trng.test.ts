import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HypercallDispatcher, NOT_SUPPORTED_RESULT, type HypercallArgs } from './dispatcher.js';
import { FakePlatform, type FakePlatformOptions } from './fake-platform.js';
import * as S from './smccc.js';
import * as T from './trng.js';

const u = (n: number): bigint => S.smcccRet(n);
const ONES64 = 0xffff_ffff_ffff_ffffn;
const ONES32 = 0xffff_ffffn;

function setup(options: FakePlatformOptions = {}) {
  const errors: unknown[] = [];
  const d = new HypercallDispatcher({ onServiceError: (_s, _f, e) => errors.push(e) });
  d.register(new T.TrngService());
  const platform = new FakePlatform(options);
  const call = (fid: number, ...args: bigint[]) => d.dispatch(fid, args as unknown as HypercallArgs, { vcpuId: 0, platform });
  return { platform, call, errors };
}

/** A UUID's bytes in textual order, read as little-endian u32 words. */
function uuidRegs(uuid: string): bigint[] {
  const b = Buffer.from(uuid.replaceAll('-', ''), 'hex');
  return [0, 4, 8, 12].map((o) => BigInt(b.readUInt32LE(o)));
}

test('VERSION, GET_UUID (§4.5)', () => {
  const { call } = setup();
  assert.deepEqual(call(S.ARM_SMCCC_TRNG_VERSION), [0x10000n, 0n, 0n, 0n]);
  assert.deepEqual(call(S.ARM_SMCCC_TRNG_GET_UUID), [0x00e0210dn, 0xeb118443n, 0x44527080n, 0x4c5a4e55n]);
  assert.deepEqual(uuidRegs(T.ARM_SMCCC_TRNG_UUID), [...T.ARM_SMCCC_TRNG_UUID_REGS]);
});

test('FEATURES: the five TRNG ids, nothing else, whole x1 compared', () => {
  const { call } = setup();
  for (const f of [S.ARM_SMCCC_TRNG_VERSION, S.ARM_SMCCC_TRNG_FEATURES, S.ARM_SMCCC_TRNG_GET_UUID, S.ARM_SMCCC_TRNG_RND32, S.ARM_SMCCC_TRNG_RND64]) {
    assert.equal(call(S.ARM_SMCCC_TRNG_FEATURES, BigInt(f))[0], 0n);
    assert.equal(call(S.ARM_SMCCC_TRNG_FEATURES, (1n << 32n) | BigInt(f))[0], u(-1));
  }
  for (const f of [S.ARM_SMCCC_VENDOR_HYP_KVM_PTP_FUNC_ID, 0xc4000050, 0x84000054, S.PSCI_0_2_FN(0), 0]) {
    assert.deepEqual(call(S.ARM_SMCCC_TRNG_FEATURES, BigInt(f)), [u(-1), 0n, 0n, 0n]);
  }
});

test('RND64: N bits kept, bits above N cleared, N > 192 → INVALID_PARAMETER (-2)', () => {
  const { platform, call } = setup();
  assert.deepEqual(call(S.ARM_SMCCC_TRNG_RND64, 192n), [0n, ONES64, ONES64, ONES64]);
  assert.deepEqual(call(S.ARM_SMCCC_TRNG_RND64, 1n), [0n, 0n, 0n, 1n]);
  assert.deepEqual(call(S.ARM_SMCCC_TRNG_RND64, 64n), [0n, 0n, 0n, ONES64]);
  assert.deepEqual(call(S.ARM_SMCCC_TRNG_RND64, 65n), [0n, 0n, 1n, ONES64]);
  assert.deepEqual(call(S.ARM_SMCCC_TRNG_RND64, 130n), [0n, 3n, ONES64, ONES64]);
  assert.deepEqual(platform.callsOf('random-bytes').map((c) => c.n), [24, 1, 8, 9, 17]);
  assert.deepEqual(call(S.ARM_SMCCC_TRNG_RND64, 193n), [u(-2), 0n, 0n, 0n]);
  // N is a u32: the upper half of x1 is ignored.
  assert.deepEqual(call(S.ARM_SMCCC_TRNG_RND64, (1n << 32n) | 3n), [0n, 0n, 0n, 7n]);
  assert.equal(call(S.ARM_SMCCC_TRNG_RND64, 0xffff_ffffn)[0], u(-2));
});

test('RND32: 32-bit registers, N ≤ 96', () => {
  const { call } = setup();
  assert.deepEqual(call(S.ARM_SMCCC_TRNG_RND32, 96n), [0n, ONES32, ONES32, ONES32]);
  assert.deepEqual(call(S.ARM_SMCCC_TRNG_RND32, 33n), [0n, 0n, 1n, ONES32]);
  assert.deepEqual(call(S.ARM_SMCCC_TRNG_RND32, 8n), [0n, 0n, 0n, 0xffn]);
  assert.deepEqual(call(S.ARM_SMCCC_TRNG_RND32, 97n), [u(-2), 0n, 0n, 0n]);
});

test('N = 0 is SUCCESS with zeroes and draws no entropy', () => {
  const { platform, call } = setup();
  assert.deepEqual(call(S.ARM_SMCCC_TRNG_RND32, 0n), [0n, 0n, 0n, 0n]);
  assert.deepEqual(call(S.ARM_SMCCC_TRNG_RND64, 0n), [0n, 0n, 0n, 0n]);
  assert.equal(platform.calls.length, 0);
});

test('byte order: the first random byte is bits 7:0, in the last register', () => {
  const { call } = setup({ randomBytes: (n) => Uint8Array.from({ length: n }, (_, i) => i + 1) });
  assert.deepEqual(call(S.ARM_SMCCC_TRNG_RND64, 192n), [0n, 0x1817161514131211n, 0x100f0e0d0c0b0a09n, 0x0807060504030201n]);
  assert.deepEqual(call(S.ARM_SMCCC_TRNG_RND32, 96n), [0n, 0x0c0b0a09n, 0x08070605n, 0x04030201n]);
  assert.deepEqual(call(S.ARM_SMCCC_TRNG_RND64, 12n), [0n, 0n, 0n, 0x201n]);
});

test('a short entropy read is a host error: the guest sees NOT_SUPPORTED', () => {
  const { call, errors } = setup({ randomBytes: () => new Uint8Array(2) });
  assert.deepEqual(call(S.ARM_SMCCC_TRNG_RND64, 64n), NOT_SUPPORTED_RESULT);
  assert.equal(errors.length, 1);
  assert.match(String(errors[0]), /randomBytes\(8\) returned 2 bytes/);
});
