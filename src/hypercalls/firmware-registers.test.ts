import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import * as R from './firmware-registers.js';
import { FwRegError } from './fw-reg-error.js';
import * as S from './smccc.js';

const { FirmwareRegisters } = R;

function throwsCode(fn: () => unknown, code: 'ENOENT' | 'EINVAL' | 'EBUSY', re?: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof FwRegError, `expected FwRegError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (re) assert.match(e.message, re);
    return true;
  });
}

test('register ids are exactly KVM uapi (§2.2)', () => {
  assert.equal(R.KVM_REG_ARM_PSCI_VERSION, 0x6030000000140000n);
  assert.equal(R.KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1, 0x6030000000140001n);
  assert.equal(R.KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2, 0x6030000000140002n);
  assert.equal(R.KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_3, 0x6030000000140003n);
  assert.equal(R.KVM_REG_ARM_STD_BMAP, 0x6030000000160000n);
  assert.equal(R.KVM_REG_ARM_STD_HYP_BMAP, 0x6030000000160001n);
  assert.equal(R.KVM_REG_ARM_VENDOR_HYP_BMAP, 0x6030000000160002n);
  assert.equal(R.KVM_REG_ARM_VENDOR_HYP_BMAP_2, 0x6030000000160003n);
  assert.equal(R.KVM_REG_SIZE(R.KVM_REG_ARM_PSCI_VERSION), 8);
  assert.equal(R.KVM_REG_SIZE(0x6020000000140000n), 4);
});

// get-reg-list (§6.2): blessed fw regs present in order, GET works, SET of the value just read works,
// and no id has stray bits outside KVM_REG_ARM_FW[_FEAT_BMAP]_REG(id & 0xffff).
test('get-reg-list: firmware part', () => {
  const regs = new FirmwareRegisters();
  const list = regs.list();
  assert.deepEqual(list, [0, 1, 2, 3].map(R.KVM_REG_ARM_FW_REG).concat([0, 1, 2, 3].map(R.KVM_REG_ARM_FW_FEAT_BMAP_REG)));
  for (const id of list) {
    const r = Number(id & 0xffffn);
    const coproc = (id >> R.KVM_REG_ARM_COPROC_SHIFT) & 0xffffn;
    assert.equal(id, coproc === 0x14n ? R.KVM_REG_ARM_FW_REG(r) : R.KVM_REG_ARM_FW_FEAT_BMAP_REG(r));
    const v = regs.get(id);
    regs.set(id, v, 8);
    assert.equal(regs.get(id), v);
  }
  // Also with every host/feature combination the config allows.
  const vuln = new FirmwareRegisters({ psci02: false, hostWorkarounds: { wa1: 0n, wa2: 0n, wa3: 1n } });
  for (const id of vuln.list()) vuln.set(id, vuln.get(id));
});

test('defaults (§2.2)', () => {
  const regs = new FirmwareRegisters();
  assert.equal(regs.get(R.KVM_REG_ARM_PSCI_VERSION), R.KVM_ARM_PSCI_LATEST);
  assert.equal(regs.get(R.KVM_REG_ARM_STD_BMAP), 0x1n);
  assert.equal(regs.get(R.KVM_REG_ARM_STD_HYP_BMAP), 0x1n);
  assert.equal(regs.get(R.KVM_REG_ARM_VENDOR_HYP_BMAP), 0x3n);
  assert.equal(regs.get(R.KVM_REG_ARM_VENDOR_HYP_BMAP_2), 0x0n);
  assert.equal(regs.get(R.KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1), 2n);
  assert.equal(regs.get(R.KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2), 3n);
  assert.equal(new FirmwareRegisters({ psci02: false }).get(R.KVM_REG_ARM_PSCI_VERSION), R.KVM_ARM_PSCI_0_1);
  // A configuration that masks a service starts with that bit clear.
  assert.equal(new FirmwareRegisters({ supported: { VENDOR_HYP: 0x1n } }).get(R.KVM_REG_ARM_VENDOR_HYP_BMAP), 0x1n);
  throwsCode(() => new FirmwareRegisters({ supported: { STD: 0x2n } }), 'EINVAL', /KVM_REG_ARM_STD_BMAP/);
});

// hypercalls.c selftest host side (§6.1), per bitmap register.
const BMAPS: ReadonlyArray<[bigint, bigint, number]> = [
  [R.KVM_REG_ARM_STD_BMAP, 0x1n, 0],
  [R.KVM_REG_ARM_STD_HYP_BMAP, 0x1n, 0],
  [R.KVM_REG_ARM_VENDOR_HYP_BMAP, 0x3n, 1],
  [R.KVM_REG_ARM_VENDOR_HYP_BMAP_2, 0x0n, 1],
];

test('hypercalls selftest: before and after the first run', () => {
  const regs = new FirmwareRegisters();
  for (const [id, reset, max] of BMAPS) {
    assert.equal(regs.get(id), reset);
    const full = (1n << BigInt(max + 1)) - 1n;
    const v = reset !== 0n ? 0n : full;
    regs.set(id, v);
    assert.equal(regs.get(id), v);
    if (v === full) {
      regs.set(id, 0n);
      assert.equal(regs.get(id), 0n);
    }
    throwsCode(() => regs.set(id, 1n << BigInt(max + 1)), 'EINVAL', /not supported/);
  }
  assert.equal(regs.hasRan, false);
  regs.markRan();
  assert.equal(regs.hasRan, true);
  for (const [id, , max] of BMAPS) {
    assert.equal(regs.get(id), 0n);
    throwsCode(() => regs.set(id, (1n << BigInt(max + 1)) - 1n), 'EBUSY', /after the VM has run/);
    regs.set(id, 0n); // unchanged value after run: OK
    throwsCode(() => regs.set(id, 1n << BigInt(max + 1)), 'EINVAL'); // EINVAL wins over EBUSY
    assert.equal(regs.get(id), 0n);
  }
  // PSCI version is not run-gated.
  regs.set(R.KVM_REG_ARM_PSCI_VERSION, R.KVM_ARM_PSCI_1_0);
  assert.equal(regs.get(R.KVM_REG_ARM_PSCI_VERSION), R.KVM_ARM_PSCI_1_0);
});

test('SET error order: size/unknown → ENOENT before anything else', () => {
  const regs = new FirmwareRegisters();
  regs.markRan();
  throwsCode(() => regs.get(0x6030000000160004n), 'ENOENT');
  throwsCode(() => regs.get(0x6030000000150000n), 'ENOENT');
  throwsCode(() => regs.set(0x6030000000160004n, 0n), 'ENOENT');
  // Wrong size wins even over a value that would be EINVAL/EBUSY.
  throwsCode(() => regs.set(R.KVM_REG_ARM_STD_BMAP, 0xffn, 4), 'ENOENT', /64-bit/);
  throwsCode(() => regs.set(0x6020000000160000n, 0x0n), 'ENOENT');
  throwsCode(() => regs.set(R.KVM_REG_ARM_STD_BMAP, -1n), 'EINVAL');
  throwsCode(() => regs.set(R.KVM_REG_ARM_STD_BMAP, 1n << 64n), 'EINVAL');
});

test('EINVAL message names the register and the bits; a masked configuration rejects its bit', () => {
  const regs = new FirmwareRegisters({ supported: { VENDOR_HYP: 0x1n } });
  throwsCode(() => regs.set(R.KVM_REG_ARM_VENDOR_HYP_BMAP, 0x3n), 'EINVAL', /KVM_REG_ARM_VENDOR_HYP_BMAP: bit 1 \(KVM_REG_ARM_VENDOR_HYP_BIT_PTP\)/);
  throwsCode(() => regs.set(R.KVM_REG_ARM_STD_BMAP, 0x81n), 'EINVAL', /bit 7/);
  regs.set(R.KVM_REG_ARM_VENDOR_HYP_BMAP, 0x0n);
  regs.markRan();
  throwsCode(() => regs.set(R.KVM_REG_ARM_VENDOR_HYP_BMAP, 0x1n), 'EBUSY', /KVM_REG_ARM_VENDOR_HYP_BMAP/);
});

test('PSCI_VERSION SET (§2.4 step 1)', () => {
  const r02 = new FirmwareRegisters();
  for (const v of [R.KVM_ARM_PSCI_0_2, R.KVM_ARM_PSCI_1_0, R.KVM_ARM_PSCI_1_1, R.KVM_ARM_PSCI_1_2, R.KVM_ARM_PSCI_1_3]) {
    r02.set(R.KVM_REG_ARM_PSCI_VERSION, v);
    assert.equal(r02.get(R.KVM_REG_ARM_PSCI_VERSION), v);
  }
  throwsCode(() => r02.set(R.KVM_REG_ARM_PSCI_VERSION, R.KVM_ARM_PSCI_0_1), 'EINVAL');
  throwsCode(() => r02.set(R.KVM_REG_ARM_PSCI_VERSION, 0x10004n), 'EINVAL');
  throwsCode(() => r02.set(R.KVM_REG_ARM_PSCI_VERSION, 0n), 'EINVAL');
  const r01 = new FirmwareRegisters({ psci02: false });
  r01.set(R.KVM_REG_ARM_PSCI_VERSION, R.KVM_ARM_PSCI_0_1);
  throwsCode(() => r01.set(R.KVM_REG_ARM_PSCI_VERSION, R.KVM_ARM_PSCI_1_0), 'EINVAL', /PSCI_0_2/);
});

test('WORKAROUND SET: never better than host, never stored (§2.4 steps 2-3)', () => {
  const mitig = new FirmwareRegisters({ hostWorkarounds: { wa1: 1n, wa2: 0n, wa3: 1n } });
  mitig.set(R.KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1, 0n);
  assert.equal(mitig.get(R.KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1), 1n); // not stored
  mitig.set(R.KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1, 1n);
  throwsCode(() => mitig.set(R.KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1, 2n), 'EINVAL', /better protection/);
  throwsCode(() => mitig.set(R.KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_3, 0x10n), 'EINVAL', /undefined/);
  mitig.set(R.KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2, 1n); // UNKNOWN maps to NOT_AVAIL
  throwsCode(() => mitig.set(R.KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2, 3n), 'EINVAL', /better protection/);
  throwsCode(() => mitig.set(R.KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2, 0x20n), 'EINVAL', /undefined/);
  throwsCode(() => mitig.set(R.KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2, 0x13n), 'EINVAL', /ENABLED/);
  throwsCode(() => mitig.set(R.KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2, 4n), 'EINVAL', /level 4/);
  const safe = new FirmwareRegisters();
  safe.set(R.KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2, 0x12n); // AVAIL|ENABLED maps to NOT_REQUIRED
  safe.markRan();
  safe.set(R.KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1, 0n); // not run-gated
});

test('service gate follows the bitmaps (§3.2)', () => {
  const regs = new FirmwareRegisters();
  for (const fid of [S.ARM_SMCCC_TRNG_VERSION, S.ARM_SMCCC_TRNG_RND64, S.ARM_SMCCC_HV_PV_TIME_ST, S.ARM_SMCCC_VENDOR_HYP_KVM_PTP_FUNC_ID, S.ARM_SMCCC_VENDOR_HYP_CALL_UID_FUNC_ID]) {
    assert.equal(regs.isVisible(fid), true);
  }
  assert.equal(regs.isVisible(S.ARM_SMCCC_VENDOR_HYP_KVM_DISCOVER_IMPL_VER_FUNC_ID), false); // BMAP_2 resets to 0
  regs.set(R.KVM_REG_ARM_VENDOR_HYP_BMAP, 0x1n);
  assert.equal(regs.isVisible(S.ARM_SMCCC_VENDOR_HYP_KVM_PTP_FUNC_ID), false);
  assert.equal(regs.isVisible(S.ARM_SMCCC_VENDOR_HYP_KVM_FEATURES_FUNC_ID), true);
  for (const id of [R.KVM_REG_ARM_STD_BMAP, R.KVM_REG_ARM_STD_HYP_BMAP, R.KVM_REG_ARM_VENDOR_HYP_BMAP]) regs.set(id, 0n);
  for (const fid of [S.ARM_SMCCC_TRNG_VERSION, S.ARM_SMCCC_TRNG_FEATURES, S.ARM_SMCCC_TRNG_GET_UUID, S.ARM_SMCCC_TRNG_RND32, S.ARM_SMCCC_TRNG_RND64,
    S.ARM_SMCCC_HV_PV_TIME_FEATURES, S.ARM_SMCCC_HV_PV_TIME_ST, S.ARM_SMCCC_VENDOR_HYP_KVM_FEATURES_FUNC_ID, S.ARM_SMCCC_VENDOR_HYP_CALL_UID_FUNC_ID,
    S.ARM_SMCCC_VENDOR_HYP_KVM_PTP_FUNC_ID]) {
    assert.equal(regs.isVisible(fid), false, `0x${fid.toString(16)}`);
  }
  for (const fid of [S.ARM_SMCCC_VERSION_FUNC_ID, S.ARM_SMCCC_ARCH_FEATURES_FUNC_ID, S.PSCI_0_2_FN(0), S.KVM_PSCI_FN(1)]) {
    assert.equal(regs.isVisible(fid), true);
  }
});

test('state codec: layout, round trip, version check', () => {
  assert.equal(R.FIRMWARE_REGISTERS_STATE.size, 72);
  assert.equal(R.FIRMWARE_REGISTERS_STATE.offsets.psciVersion, 8);
  assert.equal(R.FIRMWARE_REGISTERS_STATE.offsets.vendorHypBmap2, 64);
  const regs = new FirmwareRegisters();
  regs.set(R.KVM_REG_ARM_VENDOR_HYP_BMAP_2, 0x2n);
  regs.set(R.KVM_REG_ARM_STD_BMAP, 0n);
  regs.set(R.KVM_REG_ARM_PSCI_VERSION, R.KVM_ARM_PSCI_1_1);
  regs.markRan();
  const s = regs.state();
  const bytes = R.encodeFirmwareRegistersState(s);
  assert.equal(bytes[0], 1);
  const back = R.decodeFirmwareRegistersState(bytes);
  assert.deepEqual(back, s);
  const restored = FirmwareRegisters.fromState(back);
  assert.deepEqual(restored.state(), s);
  assert.equal(restored.hasRan, false); // restored VM has not run yet: KVM semantics at the destination
  assert.deepEqual(R.encodeFirmwareRegistersState(restored.state()), bytes);
  const bad = bytes.slice();
  bad[0] = 2;
  throwsCode(() => R.decodeFirmwareRegistersState(bad), 'EINVAL', /version 2/);
  throwsCode(() => R.decodeFirmwareRegistersState(bytes.subarray(0, 71)), 'EINVAL', /71 bytes/);
});

test('checkRestorable refuses bits the configuration lacks, naming them', () => {
  const full = new FirmwareRegisters();
  full.set(R.KVM_REG_ARM_VENDOR_HYP_BMAP_2, 0x3n);
  const saved = full.state();
  const narrow = new FirmwareRegisters({ supported: { VENDOR_HYP: 0x1n, VENDOR_HYP_2: 0x0n } });
  throwsCode(() => narrow.checkRestorable(saved), 'EINVAL',
    /KVM_REG_ARM_VENDOR_HYP_BMAP bit 1 \(KVM_REG_ARM_VENDOR_HYP_BIT_PTP\); KVM_REG_ARM_VENDOR_HYP_BMAP_2 bit 0 .*DISCOVER_IMPL_VER.*bit 1/);
  throwsCode(() => FirmwareRegisters.fromState(saved, { supported: { VENDOR_HYP: 0x1n } }), 'EINVAL', /Cannot restore/);
  // A snapshot with those bits cleared restores fine on the narrow config.
  narrow.checkRestorable({ ...saved, vendorHypBmap: 0x1n, vendorHypBmap2: 0n });
  // A weaker host cannot take a guest promised "not required".
  throwsCode(() => FirmwareRegisters.fromState(saved, { hostWorkarounds: { wa1: 1n, wa2: 3n, wa3: 2n } }), 'EINVAL', /Cannot restore: KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1/);
  // Checks do not depend on having run.
  full.markRan();
  full.checkRestorable(saved);
});

test('shared layout: size and offsets', () => {
  assert.equal(R.FIRMWARE_REGISTERS_SHARED.size, 56);
  assert.equal(R.FIRMWARE_REGISTERS_SHARED_BYTES, 56);
  assert.equal(R.FIRMWARE_REGISTERS_SHARED.offsets.ran, 8);
  assert.equal(R.FIRMWARE_REGISTERS_SHARED.offsets.psciVersion, 16);
  assert.equal(R.FIRMWARE_REGISTERS_SHARED.offsets.vendorHypBmap2, 48);
  const regs = new FirmwareRegisters();
  assert.ok(regs.buffer instanceof SharedArrayBuffer);
  assert.equal(regs.buffer.byteLength, 56);
});

test('two instances over one buffer see every SET, markRan and PSCI version', () => {
  const a = new FirmwareRegisters();
  a.set(R.KVM_REG_ARM_STD_BMAP, 0n);
  a.set(R.KVM_REG_ARM_VENDOR_HYP_BMAP_2, 0x2n);
  // Attaching keeps the values already there instead of resetting them to the defaults.
  const b = new FirmwareRegisters({}, a.buffer);
  assert.equal(b.buffer, a.buffer);
  assert.deepEqual(b.state(), a.state());
  assert.equal(b.get(R.KVM_REG_ARM_STD_BMAP), 0n);
  assert.equal(b.isVisible(S.ARM_SMCCC_TRNG_VERSION), false);
  assert.equal(b.isVisible(S.ARM_SMCCC_VENDOR_HYP_KVM_DISCOVER_IMPL_CPUS_FUNC_ID), true);
  b.set(R.KVM_REG_ARM_VENDOR_HYP_BMAP, 0x1n);
  assert.equal(a.isVisible(S.ARM_SMCCC_VENDOR_HYP_KVM_PTP_FUNC_ID), false);
  assert.equal(a.bitmap('VENDOR_HYP'), 0x1n);
  b.markRan();
  assert.equal(a.hasRan, true);
  throwsCode(() => a.set(R.KVM_REG_ARM_STD_BMAP, 1n), 'EBUSY');
  b.set(R.KVM_REG_ARM_PSCI_VERSION, R.KVM_ARM_PSCI_1_0);
  assert.equal(a.get(R.KVM_REG_ARM_PSCI_VERSION), R.KVM_ARM_PSCI_1_0);
  // Separate buffers stay separate.
  assert.equal(new FirmwareRegisters().get(R.KVM_REG_ARM_STD_BMAP), 1n);
});

test('shared buffer: wrong size or kind, or a config that cannot hold its values, is refused', () => {
  assert.throws(() => new FirmwareRegisters({}, new SharedArrayBuffer(48)), (e: unknown) => e instanceof RangeError && /FIRMWARE_REGISTERS_SHARED_BYTES/.test(e.message));
  assert.throws(() => new FirmwareRegisters({}, new ArrayBuffer(56) as unknown as SharedArrayBuffer), RangeError);
  const full = new FirmwareRegisters();
  throwsCode(() => new FirmwareRegisters({ supported: { VENDOR_HYP: 0x1n } }, full.buffer), 'EINVAL', /KVM_REG_ARM_VENDOR_HYP_BMAP bit 1.*same config/);
  // A fresh buffer gets this instance's defaults.
  const fresh = new SharedArrayBuffer(R.FIRMWARE_REGISTERS_SHARED_BYTES);
  assert.equal(new FirmwareRegisters({ supported: { VENDOR_HYP: 0x1n } }, fresh).get(R.KVM_REG_ARM_VENDOR_HYP_BMAP), 0x1n);
});

test('fromState into a shared buffer', () => {
  const src = new FirmwareRegisters();
  src.set(R.KVM_REG_ARM_STD_HYP_BMAP, 0n);
  src.set(R.KVM_REG_ARM_PSCI_VERSION, R.KVM_ARM_PSCI_1_1);
  const buf = new SharedArrayBuffer(R.FIRMWARE_REGISTERS_SHARED_BYTES);
  const restored = FirmwareRegisters.fromState(src.state(), {}, buf);
  assert.equal(restored.buffer, buf);
  assert.deepEqual(new FirmwareRegisters({}, buf).state(), src.state());
});

// A vCPU thread never reads messages: it sees the main thread's writes through the buffer alone.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
import(workerData.url).then((R) => {
  const regs = new R.FirmwareRegisters({}, workerData.buffer);
  const go = new Int32Array(workerData.signal);
  Atomics.wait(go, 0, 0);
  parentPort.postMessage({ std: regs.get(R.KVM_REG_ARM_STD_BMAP), psci: regs.get(R.KVM_REG_ARM_PSCI_VERSION), ptp: regs.isVisible(0x86000001) });
  regs.markRan();
  regs.set(R.KVM_REG_ARM_PSCI_VERSION, R.KVM_ARM_PSCI_1_1);
  let busy = false;
  try { regs.set(R.KVM_REG_ARM_STD_BMAP, 1n); } catch (e) { busy = e.code === 'EBUSY'; }
  parentPort.postMessage({ busy });
});
`;

test('a Worker thread over the same buffer sees SETs without messages, and its writes come back', async () => {
  const regs = new FirmwareRegisters();
  const signal = new SharedArrayBuffer(4);
  const url = new URL('./firmware-registers.js', import.meta.url).href;
  const worker = new Worker(WORKER, { eval: true, workerData: { url, buffer: regs.buffer, signal } });
  // Queue every message so none is lost between awaits; a worker error fails the test instead of hanging it.
  const messages: unknown[] = [];
  let failure: unknown;
  let wake = (): void => {};
  worker.on('message', (m: unknown) => { messages.push(m); wake(); });
  worker.on('error', (e: unknown) => { failure = e; wake(); });
  const next = async (i: number): Promise<unknown> => {
    while (messages.length <= i && failure === undefined) await new Promise<void>((r) => { wake = r; });
    if (failure !== undefined) throw failure;
    return messages[i];
  };
  try {
    regs.set(R.KVM_REG_ARM_STD_BMAP, 0n);
    regs.set(R.KVM_REG_ARM_VENDOR_HYP_BMAP, 0x1n);
    regs.set(R.KVM_REG_ARM_PSCI_VERSION, R.KVM_ARM_PSCI_1_0);
    const go = new Int32Array(signal);
    Atomics.store(go, 0, 1);
    Atomics.notify(go, 0);
    assert.deepEqual(await next(0), { std: 0n, psci: R.KVM_ARM_PSCI_1_0, ptp: false });
    assert.deepEqual(await next(1), { busy: true });
    assert.equal(regs.hasRan, true);
    assert.equal(regs.get(R.KVM_REG_ARM_PSCI_VERSION), R.KVM_ARM_PSCI_1_1);
  } finally {
    await worker.terminate();
  }
});
