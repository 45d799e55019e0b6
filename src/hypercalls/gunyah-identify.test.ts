import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HypercallDispatcher } from './dispatcher.js';
import { FakePlatform } from './fake-platform.js';
import * as R from './firmware-registers.js';
import * as G from './gunyah-identify.js';
import { HypercallError } from './hypercall-error.js';
import * as S from './smccc.js';

const ctx = { vcpuId: 0, platform: new FakePlatform() };

test('hypervisor_identify is GH_HYPERCALL(0) = 0xC6008000', () => {
  assert.equal(S.GH_HYPERCALL_HYP_IDENTIFY, 0xc6008000);
  assert.deepEqual(new G.GunyahIdentifyService().functionIds, [0xc6008000]);
});

test('api_info: version 1, 64-bit, little-endian, variant HYP_VARIANT_GUNYAH (gunyah.md §1.4)', () => {
  assert.equal(G.BOTHY_GUNYAH_API_INFO, 0x4800_0000_0000_8001n);
  const x0 = G.BOTHY_GUNYAH_API_INFO;
  assert.equal(x0 & 0x3fffn, 1n); // GUNYAH_API_INFO_API_VERSION_MASK = GENMASK(13, 0)
  assert.equal((x0 >> 14n) & 1n, 0n);
  assert.equal((x0 >> 15n) & 1n, 1n);
  assert.equal((x0 >> 16n) & ((1n << 40n) - 1n), 0n);
  assert.equal(x0 >> 56n, 0x48n);
  assert.equal(G.encodeGunyahApiInfo({ apiVersion: 0x3fff, bigEndian: true, is64Bit: false, variant: G.HYP_VARIANT_QUALCOMM }), 0x5100_0000_0000_7fffn);
});

test('flags0..2 are what the constructor was given; default all 0', () => {
  assert.deepEqual(new G.GunyahIdentifyService().call(0xc6008000, [0n, 0n, 0n, 0n, 0n, 0n], ctx), [0x4800_0000_0000_8001n, 0n, 0n, 0n]);
  assert.deepEqual([G.GH_API_FEATURE_DOORBELL, G.GH_API_FEATURE_MSGQUEUE, G.GH_API_FEATURE_VCPU, G.GH_API_FEATURE_MEMEXTENT], [1, 2, 5, 6]);
  const f0 = G.gunyahFeatureFlags([G.GH_API_FEATURE_MSGQUEUE, G.GH_API_FEATURE_DOORBELL]);
  assert.equal(f0, 0b110n);
  const svc = new G.GunyahIdentifyService([f0, 1n << BigInt(G.GH_API_FLAGS1_ARM_SVE), 0n]);
  assert.deepEqual(svc.call(0xc6008000, [0n, 0n, 0n, 0n, 0n, 0n], ctx), [0x4800_0000_0000_8001n, 0b110n, 1n, 0n]);
  for (const bad of [[-1n, 0n, 0n], [0n, 1n << 64n, 0n], [0n, 0n, 1 as unknown as bigint]] as const) {
    assert.throws(() => new G.GunyahIdentifyService(bad), (e: unknown) => e instanceof HypercallError && e.code === 'INVALID_OPTION');
  }
  assert.throws(() => G.gunyahFeatureFlags([64]), HypercallError);
});

test('gated like the vendor discovery calls: VENDOR_HYP bit 0', () => {
  const regs = new R.FirmwareRegisters();
  const d = new HypercallDispatcher({ gate: regs });
  d.register(new G.GunyahIdentifyService());
  assert.equal(d.dispatch(0xc6008000, [], ctx)[0], 0x4800_0000_0000_8001n);
  regs.set(R.KVM_REG_ARM_VENDOR_HYP_BMAP, 0x2n);
  assert.deepEqual(d.dispatch(0xc6008000, [], ctx), [S.smcccRet(-1), 0n, 0n, 0n]);
  regs.set(R.KVM_REG_ARM_VENDOR_HYP_BMAP, 0x1n);
  assert.equal(regs.isVisible(0xc6008000), true);
});
