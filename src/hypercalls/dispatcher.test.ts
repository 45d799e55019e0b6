import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HypercallDispatcher, NOT_SUPPORTED_RESULT, type HypercallService } from './dispatcher.js';
import { FirmwareRegisters, KVM_REG_ARM_STD_BMAP } from './firmware-registers.js';
import { FakePlatform } from './fake-platform.js';
import { HypercallError } from './hypercall-error.js';
import { SmcccArchService } from './smccc-arch.js';
import { ARM_SMCCC_TRNG_VERSION, ARM_SMCCC_VERSION_FUNC_ID } from './smccc.js';

const platform = new FakePlatform();
const ctx = { vcpuId: 0, platform };
const NS = 0xffff_ffff_ffff_ffffn;

const echo: HypercallService = {
  name: 'echo',
  functionIds: [0xc6000099],
  call: (_fid, a) => [a[0], a[5], -2n, 1n << 70n],
};

test('unknown id → NOT_SUPPORTED, counted', () => {
  const d = new HypercallDispatcher();
  assert.deepEqual(d.dispatch(0x80000000, [], ctx), [NS, 0n, 0n, 0n]);
  assert.deepEqual(d.stats, { calls: 1, unknown: 1, denied: 0, errors: 0 });
});

test('results are u64; missing args are zero', () => {
  const d = new HypercallDispatcher();
  d.register(echo);
  assert.equal(d.serviceFor(0xc6000099), 'echo');
  assert.deepEqual(d.dispatch(0xc6000099, [7n], ctx), [7n, 0n, 0xffff_ffff_ffff_fffen, 0n]);
  assert.deepEqual(d.dispatch(0xc6000099, [-1n, 0n, 0n, 0n, 0n, 9n], ctx), [NS, 9n, 0xffff_ffff_ffff_fffen, 0n]);
});

test('registration errors are host errors', () => {
  const d = new HypercallDispatcher();
  d.register(echo);
  assert.throws(() => d.register({ ...echo, name: 'echo2' }), (e: unknown) => e instanceof HypercallError && e.code === 'DUPLICATE_FUNCTION_ID' && /echo/.test(e.message));
  assert.throws(() => d.register({ ...echo, functionIds: [2 ** 32] }), (e: unknown) => e instanceof HypercallError && e.code === 'INVALID_FUNCTION_ID');
  assert.equal(d.serviceFor(2 ** 32), undefined);
});

test('disabled by firmware registers → NOT_SUPPORTED without calling the service', () => {
  const regs = new FirmwareRegisters();
  const d = new HypercallDispatcher({ gate: regs });
  let called = 0;
  d.register({ name: 'trng', functionIds: [ARM_SMCCC_TRNG_VERSION], call: () => { called++; return [0x10000n, 0n, 0n, 0n]; } });
  assert.deepEqual(d.dispatch(ARM_SMCCC_TRNG_VERSION, [], ctx), [0x10000n, 0n, 0n, 0n]);
  regs.set(KVM_REG_ARM_STD_BMAP, 0n);
  assert.deepEqual(d.dispatch(ARM_SMCCC_TRNG_VERSION, [], ctx), NOT_SUPPORTED_RESULT);
  assert.equal(called, 1);
  assert.equal(d.stats.denied, 1);
});

test('a throwing or malformed service → NOT_SUPPORTED and a counted error', () => {
  const seen: string[] = [];
  const d = new HypercallDispatcher({ onServiceError: (s, fid, e) => { seen.push(`${s}:${fid.toString(16)}:${String(e)}`); throw new Error('logger broke'); } });
  d.register({ name: 'boom', functionIds: [1], call: () => { throw new Error('kaput'); } });
  d.register({ name: 'bad', functionIds: [2], call: () => [1n, 2n] as unknown as [bigint, bigint, bigint, bigint] });
  d.register({ name: 'num', functionIds: [3], call: () => [0, 0, 0, 0] as unknown as [bigint, bigint, bigint, bigint] });
  for (const fid of [1, 2, 3]) assert.deepEqual(d.dispatch(fid, [], ctx), NOT_SUPPORTED_RESULT);
  assert.equal(d.stats.errors, 3);
  assert.equal(seen.length, 3);
  assert.match(seen[0] ?? '', /boom:1:Error: kaput/);
  const g = new HypercallDispatcher({ gate: { isVisible: () => { throw new Error('gate'); } } });
  g.register(echo);
  assert.deepEqual(g.dispatch(0xc6000099, [], ctx), NOT_SUPPORTED_RESULT);
  assert.equal(g.stats.errors, 1);
});

test('fuzz: 100k random function ids and args always get a 4×u64 SMCCC answer', () => {
  const regs = new FirmwareRegisters();
  const d = new HypercallDispatcher({ gate: regs });
  d.register(new SmcccArchService(regs));
  d.register(echo);
  d.register({ name: 'boom', functionIds: [0x84000050], call: () => { throw new Error('x'); } });
  let s = 0x9e3779b9;
  const r32 = (): number => { s ^= s << 13; s ^= s >>> 17; s ^= s << 5; return s >>> 0; };
  const r64 = (): bigint => (BigInt(r32()) << 32n) | BigInt(r32());
  const hot = [0x80000000, 0x80000001, 0x80008000, 0x80003fff, 0x80007fff, 0xc6000099, 0x84000050];
  for (let i = 0; i < 100_000; i++) {
    const fid = i % 4 === 0 ? (hot[r32() % hot.length] ?? 0) : i % 97 === 0 ? [-1, 2 ** 32, 1.5, NaN][i % 4] ?? 0 : r32();
    const n = r32() % 7;
    const args = Array.from({ length: n }, () => (r32() % 5 === 0 ? -r64() : r64())) as unknown as Parameters<typeof d.dispatch>[1];
    const r = d.dispatch(fid, args, { vcpuId: i % 8, platform });
    assert.equal(r.length, 4);
    for (const v of r) assert.ok(typeof v === 'bigint' && v >= 0n && v <= NS, `fid ${fid}: ${String(v)}`);
  }
  assert.equal(d.stats.calls, 100_000);
  assert.ok(d.stats.unknown > 50_000);
  assert.ok(d.stats.errors > 0);
  assert.deepEqual(d.dispatch(ARM_SMCCC_VERSION_FUNC_ID, [], ctx), [0x10001n, 0n, 0n, 0n]);
});
