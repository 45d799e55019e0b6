import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HypercallDispatcher, type HypercallArgs } from './dispatcher.js';
import { FakePlatform, type FakePlatformOptions } from './fake-platform.js';
import * as R from './firmware-registers.js';
import { HypercallError } from './hypercall-error.js';
import * as S from './smccc.js';
import * as H from './vendor-hyp.js';

const NS = S.smcccRet(-1);

function setup(uid?: H.VendorHypUid, options: FakePlatformOptions = {}) {
  const regs = new R.FirmwareRegisters();
  const d = new HypercallDispatcher({ gate: regs });
  d.register(new H.VendorHypService(regs, uid === undefined ? {} : { uid }));
  const platform = new FakePlatform(options);
  const call = (fid: number, ...args: bigint[]) => d.dispatch(fid, args as unknown as HypercallArgs, { vcpuId: 0, platform });
  return { regs, platform, call };
}

function uuidRegs(uuid: string): bigint[] {
  const b = Buffer.from(uuid.replaceAll('-', ''), 'hex');
  return [0, 4, 8, 12].map((o) => BigInt(b.readUInt32LE(o)));
}

test('Call UID: KVM by default (kvm-uuid selftest §6.4)', () => {
  assert.equal(S.ARM_SMCCC_VENDOR_HYP_CALL_UID_FUNC_ID, 0x8600ff01);
  assert.deepEqual(setup().call(0x8600ff01), [0xb66fb428n, 0xe911c52en, 0x564bcaa9n, 0x743a004dn]);
  assert.deepEqual(setup('kvm').call(0x8600ff01), [0xb66fb428n, 0xe911c52en, 0x564bcaa9n, 0x743a004dn]);
  assert.deepEqual(uuidRegs(H.ARM_SMCCC_VENDOR_HYP_UID_KVM), [...H.VENDOR_HYP_UID_REGS.kvm]);
});

test("Call UID: Gunyah's when asked (gunyah.md §1.3)", () => {
  assert.deepEqual(setup('gunyah').call(0x8600ff01), [0xcd8fd5c1n, 0xdb5f53a4n, 0x36ce6592n, 0x145f3d67n]);
  assert.deepEqual(uuidRegs(H.GUNYAH_UID), [...H.VENDOR_HYP_UID_REGS.gunyah]);
  const regs = new R.FirmwareRegisters();
  assert.throws(() => new H.VendorHypService(regs, { uid: 'xen' as H.VendorHypUid }), (e: unknown) => e instanceof HypercallError && e.code === 'INVALID_OPTION' && /kvm, gunyah/.test(e.message));
  assert.throws(() => new H.VendorHypService(regs, { uid: 'toString' as H.VendorHypUid }), HypercallError);
});

test('KVM_FEATURES: x0 = VENDOR_HYP bitmap, x2 = VENDOR_HYP_2 bitmap, live', () => {
  const { regs, call } = setup();
  assert.deepEqual(call(S.ARM_SMCCC_VENDOR_HYP_KVM_FEATURES_FUNC_ID), [0x3n, 0n, 0n, 0n]);
  regs.set(R.KVM_REG_ARM_VENDOR_HYP_BMAP_2, 0x3n);
  regs.set(R.KVM_REG_ARM_VENDOR_HYP_BMAP, 0x1n);
  assert.deepEqual(call(S.ARM_SMCCC_VENDOR_HYP_KVM_FEATURES_FUNC_ID), [0x1n, 0n, 0x3n, 0n]);
});

test('PTP: wall clock and counter split into 32-bit halves; bad selector or no PTP → -1, 0, 0, 0', () => {
  const ptp = { realtimeNs: 0x1234_5678_9abc_def0n, counter: 0xfedc_ba98_7654_3210n };
  const { platform, call } = setup('kvm', { ptp });
  const want = [0x1234_5678n, 0x9abc_def0n, 0xfedc_ba98n, 0x7654_3210n];
  assert.deepEqual(call(S.ARM_SMCCC_VENDOR_HYP_KVM_PTP_FUNC_ID, BigInt(H.KVM_PTP_VIRT_COUNTER)), want);
  assert.deepEqual(call(S.ARM_SMCCC_VENDOR_HYP_KVM_PTP_FUNC_ID, BigInt(H.KVM_PTP_PHYS_COUNTER)), want);
  assert.deepEqual(call(S.ARM_SMCCC_VENDOR_HYP_KVM_PTP_FUNC_ID, 1n << 32n), want); // u32 selector → virtual
  assert.deepEqual(platform.callsOf('ptp').map((c) => c.counter), ['virtual', 'physical', 'virtual']);
  assert.deepEqual(call(S.ARM_SMCCC_VENDOR_HYP_KVM_PTP_FUNC_ID, 2n), [NS, 0n, 0n, 0n]);
  assert.equal(platform.callsOf('ptp').length, 3);
  assert.deepEqual(setup().call(S.ARM_SMCCC_VENDOR_HYP_KVM_PTP_FUNC_ID, 0n), [NS, 0n, 0n, 0n]);
});

test('gated by VENDOR_HYP: bit 0 hides UID and KVM_FEATURES, bit 1 hides PTP', () => {
  const { regs, call } = setup('kvm', { ptp: { realtimeNs: 1n, counter: 2n } });
  regs.set(R.KVM_REG_ARM_VENDOR_HYP_BMAP, 0x1n);
  assert.deepEqual(call(S.ARM_SMCCC_VENDOR_HYP_KVM_PTP_FUNC_ID, 0n), [NS, 0n, 0n, 0n]);
  assert.equal(call(S.ARM_SMCCC_VENDOR_HYP_CALL_UID_FUNC_ID)[0], 0xb66fb428n);
  regs.set(R.KVM_REG_ARM_VENDOR_HYP_BMAP, 0x2n);
  assert.deepEqual(call(S.ARM_SMCCC_VENDOR_HYP_CALL_UID_FUNC_ID), [NS, 0n, 0n, 0n]);
  assert.deepEqual(call(S.ARM_SMCCC_VENDOR_HYP_KVM_FEATURES_FUNC_ID), [NS, 0n, 0n, 0n]);
  assert.deepEqual(call(S.ARM_SMCCC_VENDOR_HYP_KVM_PTP_FUNC_ID, 0n), [0n, 1n, 0n, 2n]);
});
