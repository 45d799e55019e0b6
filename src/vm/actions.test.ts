// The fw-reg actions over real firmware registers (a VM that has run, as every Vm is): names and ids as users
// write them, values as 0x-hex strings, and each refusal an ActionError 'fw-reg' carrying KVM's errno first.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ActionError, FW_REG_SHORT_NAMES, parseFwReg, parseFwRegValue, perform, type Action, type FwRegErrno } from './actions.js';
import type { Vm } from './vm.js';
import {
  FirmwareRegisters, KVM_REG_ARM_PSCI_VERSION, KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1, KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_3,
  KVM_REG_ARM_STD_BMAP, KVM_REG_ARM_STD_HYP_BMAP, KVM_REG_ARM_VENDOR_HYP_BMAP, KVM_REG_ARM_VENDOR_HYP_BMAP_2,
} from '../hypercalls/firmware-registers.js';

/** Only what the fw-reg actions touch; the registers have run, as a Vm's always have. */
function vmWithRegs(regs = new FirmwareRegisters()): Vm {
  regs.markRan();
  return { firmwareRegisters: regs } as unknown as Vm;
}

async function refusal(p: Promise<unknown> | (() => unknown), errno: FwRegErrno, re: RegExp): Promise<ActionError> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    assert.ok(e instanceof ActionError, String(e));
    assert.equal(e.code, 'fw-reg');
    assert.equal(e.errno, errno, e.message);
    assert.ok(e.message.startsWith(`${errno}: `), e.message);
    assert.match(e.message, re);
    return e;
  }
  assert.fail(`expected ${errno}`);
}

test('every register answers to its KVM name, its short name (any case, - or _) and its hex id', () => {
  assert.deepEqual(FW_REG_SHORT_NAMES, [
    'psci-version', 'workaround-1', 'workaround-2', 'workaround-3', 'std-bmap', 'std-hyp-bmap', 'vendor-hyp-bmap', 'vendor-hyp-bmap-2',
  ]);
  const cases: [string, bigint][] = [
    ['KVM_REG_ARM_PSCI_VERSION', KVM_REG_ARM_PSCI_VERSION],
    ['psci-version', KVM_REG_ARM_PSCI_VERSION],
    ['PSCI_VERSION', KVM_REG_ARM_PSCI_VERSION],
    ['kvm_reg_arm_psci_version', KVM_REG_ARM_PSCI_VERSION],
    ['KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1', KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1],
    ['Workaround-3', KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_3],
    ['std-bmap', KVM_REG_ARM_STD_BMAP],
    ['STD-HYP-BMAP', KVM_REG_ARM_STD_HYP_BMAP],
    ['vendor-hyp-bmap', KVM_REG_ARM_VENDOR_HYP_BMAP],
    ['vendor_hyp_bmap_2', KVM_REG_ARM_VENDOR_HYP_BMAP_2],
    ['0x6030000000160003', KVM_REG_ARM_VENDOR_HYP_BMAP_2],
    ['0X6030000000140000', KVM_REG_ARM_PSCI_VERSION],
    // Not a firmware register, but an id: KVM answers it with ENOENT on access, not the parser.
    ['0x6030000000150000', 0x6030000000150000n],
  ];
  for (const [text, id] of cases) assert.equal(parseFwReg(text), id, text);
});

test('text that is neither a register name nor a hex id is ENOENT and lists the names', async () => {
  for (const text of ['psci', 'std-bmap-3', 'workaround-4', '6030000000140000', '0x', '0x60300000001400000', '']) {
    await refusal(() => parseFwReg(text), 'ENOENT', /is not a firmware register; name one of psci-version, workaround-1, .*vendor-hyp-bmap-2/);
  }
});

test('values are decimal or 0x-hex u64s; anything else is EINVAL', async () => {
  assert.equal(parseFwRegValue('0'), 0n);
  assert.equal(parseFwRegValue('65539'), 0x10003n);
  assert.equal(parseFwRegValue('0x10003'), 0x10003n);
  assert.equal(parseFwRegValue('0xFFFFFFFFFFFFFFFF'), 0xffff_ffff_ffff_ffffn);
  for (const text of ['-1', '1.5', '0x', 'one', '0b1', '18446744073709551616', '0x10000000000000000', '']) {
    await refusal(() => parseFwRegValue(text), 'EINVAL', /is not a u64 register value; write it in decimal or 0x-hex/);
  }
});

test('fw-reg-list answers every register in KVM_GET_REG_LIST order with 16-digit ids and hex values', async () => {
  const r = await perform(vmWithRegs(), { kind: 'fw-reg-list' });
  assert.deepEqual(r, {
    kind: 'fw-regs',
    regs: [
      { id: '0x6030000000140000', name: 'KVM_REG_ARM_PSCI_VERSION', value: '0x10003' },
      { id: '0x6030000000140001', name: 'KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1', value: '0x2' },
      { id: '0x6030000000140002', name: 'KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2', value: '0x3' },
      { id: '0x6030000000140003', name: 'KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_3', value: '0x2' },
      { id: '0x6030000000160000', name: 'KVM_REG_ARM_STD_BMAP', value: '0x1' },
      { id: '0x6030000000160001', name: 'KVM_REG_ARM_STD_HYP_BMAP', value: '0x1' },
      { id: '0x6030000000160002', name: 'KVM_REG_ARM_VENDOR_HYP_BMAP', value: '0x3' },
      { id: '0x6030000000160003', name: 'KVM_REG_ARM_VENDOR_HYP_BMAP_2', value: '0x0' },
    ],
  });
});

test('fw-reg-get by name or id; an unknown id is KVM\'s ENOENT', async () => {
  const vm = vmWithRegs(new FirmwareRegisters({ supported: { VENDOR_HYP: 0x1n } }));
  assert.deepEqual(await perform(vm, { kind: 'fw-reg-get', reg: 'vendor-hyp-bmap' }),
    { kind: 'fw-reg', reg: { id: '0x6030000000160002', name: 'KVM_REG_ARM_VENDOR_HYP_BMAP', value: '0x1' } });
  assert.deepEqual(await perform(vm, { kind: 'fw-reg-get', reg: '0x6030000000140000' }),
    { kind: 'fw-reg', reg: { id: '0x6030000000140000', name: 'KVM_REG_ARM_PSCI_VERSION', value: '0x10003' } });
  await refusal(perform(vm, { kind: 'fw-reg-get', reg: '0x6030000000150000' }), 'ENOENT', /0x6030000000150000 is not a firmware pseudo-register/);
  await refusal(perform(vm, { kind: 'fw-reg-get', reg: 'nonsense' }), 'ENOENT', /'nonsense' is not a firmware register/);
});

test('fw-reg-set after the VM has run: KVM\'s rules, checked in its order (§2.4)', async () => {
  const regs = new FirmwareRegisters();
  const vm = vmWithRegs(regs);
  // The PSCI version has no has-run check.
  assert.deepEqual(await perform(vm, { kind: 'fw-reg-set', reg: 'psci-version', value: '0x10000' }),
    { kind: 'fw-reg', reg: { id: '0x6030000000140000', name: 'KVM_REG_ARM_PSCI_VERSION', value: '0x10000' } });
  assert.equal(regs.get(KVM_REG_ARM_PSCI_VERSION), 0x10000n);
  // The same bitmap value is accepted; a changed one is EBUSY and leaves it alone.
  assert.deepEqual(await perform(vm, { kind: 'fw-reg-set', reg: 'std-bmap', value: '1' }),
    { kind: 'fw-reg', reg: { id: '0x6030000000160000', name: 'KVM_REG_ARM_STD_BMAP', value: '0x1' } });
  await refusal(perform(vm, { kind: 'fw-reg-set', reg: 'KVM_REG_ARM_STD_BMAP', value: '0' }), 'EBUSY', /cannot change 0x1 to 0x0 .* after the VM has run/);
  assert.equal(regs.get(KVM_REG_ARM_STD_BMAP), 1n);
  // EINVAL before EBUSY: an undefined bit is a bad value even after the run.
  await refusal(perform(vm, { kind: 'fw-reg-set', reg: 'std-bmap', value: '0x2' }), 'EINVAL', /bit 1 not supported/);
  await refusal(perform(vm, { kind: 'fw-reg-set', reg: 'psci-version', value: '0x7' }), 'EINVAL', /not a PSCI version KVM accepts/);
  await refusal(perform(vm, { kind: 'fw-reg-set', reg: 'psci-version', value: 'seven' }), 'EINVAL', /'seven' is not a u64 register value/);
  await refusal(perform(vm, { kind: 'fw-reg-set', reg: '0x6030000000140004', value: '0' }), 'ENOENT', /is not a firmware pseudo-register/);
  // A workaround SET is checked, not stored: the answer is the host's level the guest sees.
  assert.deepEqual(await perform(vm, { kind: 'fw-reg-set', reg: 'workaround-1', value: '1' }),
    { kind: 'fw-reg', reg: { id: '0x6030000000140001', name: 'KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1', value: '0x2' } });
});

test('a missing reg or value is a bad request, not a register error', async () => {
  const vm = vmWithRegs();
  for (const a of [{ kind: 'fw-reg-get', reg: '' }, { kind: 'fw-reg-set', reg: 'std-bmap' }, { kind: 'fw-reg-set', value: '1' }] as unknown as Action[]) {
    await assert.rejects(perform(vm, a), (e: unknown) => e instanceof ActionError && e.code === 'bad-request' && e.errno === undefined);
  }
});
