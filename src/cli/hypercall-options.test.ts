// The hypercall options of `bothy run` / `restore` / `clone`: what VmConfig.hypercalls they make, and that bad
// input is a usage error (exit 64) before anything starts — in-process and through the real CLI.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CliError } from './cli-error.js';
import { hypercallOptionsFrom, parseFwRegAssignment, supportedFrom } from './hypercall-options.js';
import {
  FirmwareRegisters, KVM_REG_ARM_PSCI_VERSION, KVM_REG_ARM_STD_BMAP, KVM_REG_ARM_STD_HYP_BMAP, KVM_REG_ARM_VENDOR_HYP_BMAP,
  KVM_REG_ARM_VENDOR_HYP_BMAP_2,
} from '../hypercalls/firmware-registers.js';
import { freshHypercallState } from '../vm/hypercall-state.js';
import { runBothy } from '../../test/support/bothy-process.js';

function usage(fn: () => unknown, re: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof CliError, String(e));
    assert.equal(e.exitCode, 64);
    assert.match(e.message, re);
    return true;
  });
}

test('--mask-hypercalls clears the named services\' bits from KVM\'s masks, per bitmap', () => {
  assert.equal(supportedFrom(undefined), undefined);
  assert.equal(supportedFrom(['']), undefined);
  assert.deepEqual(supportedFrom(['trng']), { STD: 0n });
  assert.deepEqual(supportedFrom(['ptp, PV-Time', 'discover-impl-cpus']), { VENDOR_HYP: 0x1n, STD_HYP: 0n, VENDOR_HYP_2: 0x1n });
  assert.deepEqual(supportedFrom(['vendor,ptp']), { VENDOR_HYP: 0n });
  // kvm-features and vendor are one bit (Call UID, KVM_FEATURES and hypervisor_identify share it).
  assert.deepEqual(supportedFrom(['kvm-features']), supportedFrom(['vendor']));
  usage(() => supportedFrom(['trng,rng']), /^--mask-hypercalls: 'rng' does not name a hypercall service; valid names: trng, pv-time, /);
});

test('--fw-reg takes NAME=VALUE or ID=VALUE, decimal or hex', () => {
  assert.deepEqual(parseFwRegAssignment('psci-version=0x10001'), { id: KVM_REG_ARM_PSCI_VERSION, value: 0x10001n });
  assert.deepEqual(parseFwRegAssignment('0x6030000000160000=0'), { id: KVM_REG_ARM_STD_BMAP, value: 0n });
  assert.deepEqual(parseFwRegAssignment('KVM_REG_ARM_VENDOR_HYP_BMAP_2=3'), { id: KVM_REG_ARM_VENDOR_HYP_BMAP_2, value: 3n });
  usage(() => parseFwRegAssignment('psci-version'), /^--fw-reg 'psci-version': write ID=VALUE/);
  usage(() => parseFwRegAssignment('psci=1'), /^--fw-reg 'psci=1': ENOENT: 'psci' is not a firmware register/);
  usage(() => parseFwRegAssignment('std-bmap=on'), /^--fw-reg 'std-bmap=on': EINVAL: 'on' is not a u64 register value/);
});

test('no option, no hypercalls config (the VM keeps KVM\'s defaults)', () => {
  assert.equal(hypercallOptionsFrom({}), undefined);
  assert.equal(hypercallOptionsFrom({ fwReg: [], hypercalls: [''] }), undefined);
});

test('--hypercalls toggles become one SET per bitmap touched, with that bit changed from KVM\'s default', () => {
  assert.deepEqual(hypercallOptionsFrom({ hypercalls: ['trng=off,ptp=off'] }), {
    fwRegs: [{ id: KVM_REG_ARM_STD_BMAP, value: 0n }, { id: KVM_REG_ARM_VENDOR_HYP_BMAP, value: 0x1n }],
  });
  // VENDOR_HYP_BMAP_2 starts at 0; later toggles of a bit win; repeated options run on.
  assert.deepEqual(hypercallOptionsFrom({ hypercalls: ['discover-impl-cpus=on,pv-time=off', 'pv-time=on,discover-impl-ver=on'] }), {
    fwRegs: [{ id: KVM_REG_ARM_VENDOR_HYP_BMAP_2, value: 0x3n }, { id: KVM_REG_ARM_STD_HYP_BMAP, value: 0x1n }],
  });
  usage(() => hypercallOptionsFrom({ hypercalls: ['trng=maybe'] }), /^--hypercalls: 'trng=maybe' must be trng=on or trng=off/);
  usage(() => hypercallOptionsFrom({ hypercalls: ['rng=off'] }), /^--hypercalls: 'rng=off' does not name a hypercall service/);
});

test('--fw-reg writes come first, then toggles change single bits of what they left', () => {
  assert.deepEqual(hypercallOptionsFrom({ fwReg: ['vendor-hyp-bmap=0', 'psci-version=0x10000'], hypercalls: ['ptp=on'] }), {
    fwRegs: [
      { id: KVM_REG_ARM_VENDOR_HYP_BMAP, value: 0n },
      { id: KVM_REG_ARM_PSCI_VERSION, value: 0x10000n },
      { id: KVM_REG_ARM_VENDOR_HYP_BMAP, value: 0x2n },
    ],
  });
});

test('--mask-hypercalls gives `supported`, and toggles start from the masked defaults', () => {
  assert.deepEqual(hypercallOptionsFrom({ maskHypercalls: ['ptp'], hypercalls: ['vendor=off'] }), {
    supported: { VENDOR_HYP: 0x1n },
    fwRegs: [{ id: KVM_REG_ARM_VENDOR_HYP_BMAP, value: 0n }],
  });
  assert.deepEqual(hypercallOptionsFrom({ maskHypercalls: ['trng'] }), { supported: { STD: 0n } });
});

test('writes KVM would refuse are usage errors naming the option and the errno', () => {
  usage(() => hypercallOptionsFrom({ fwReg: ['std-bmap=2'] }), /^--fw-reg 'std-bmap=2': EINVAL: KVM_REG_ARM_STD_BMAP: bit 1 not supported/);
  usage(() => hypercallOptionsFrom({ fwReg: ['psci-version=7'] }), /^--fw-reg 'psci-version=7': EINVAL: .*not a PSCI version KVM accepts/);
  usage(() => hypercallOptionsFrom({ fwReg: ['0x6030000000140009=0'] }), /^--fw-reg '0x6030000000140009=0': ENOENT: /);
  usage(() => hypercallOptionsFrom({ maskHypercalls: ['trng'], fwReg: ['std-bmap=1'] }), /^--fw-reg 'std-bmap=1': EINVAL: .*supported mask 0x0/);
  usage(() => hypercallOptionsFrom({ maskHypercalls: ['trng'], hypercalls: ['trng=on'] }),
    /^--hypercalls \(a service --mask-hypercalls hides cannot be switched on\): EINVAL: KVM_REG_ARM_STD_BMAP: bit 0 /);
});

test('--vendor-uid is kvm or gunyah', () => {
  assert.deepEqual(hypercallOptionsFrom({ vendorUid: 'gunyah' }), { vendorUid: 'gunyah' });
  assert.deepEqual(hypercallOptionsFrom({ vendorUid: 'kvm' }), { vendorUid: 'kvm' });
  usage(() => hypercallOptionsFrom({ vendorUid: 'xen' }), /^--vendor-uid: 'xen' is not one of kvm, gunyah/);
});

test('what the options make is what the VM builder applies: the registers read as the scratch copy did', () => {
  const o = hypercallOptionsFrom({ maskHypercalls: ['discover-impl-ver'], fwReg: ['psci-version=0x10001'], hypercalls: ['trng=off,discover-impl-cpus=on,ptp=off'] });
  assert.ok(o !== undefined);
  const state = freshHypercallState(1, o);
  const regs = new FirmwareRegisters(state.config, state.registers);
  assert.deepEqual(regs.state(), {
    psciVersion: 0x10001n, workaround1: 2n, workaround2: 3n, workaround3: 2n,
    stdBmap: 0n, stdHypBmap: 1n, vendorHypBmap: 0x1n, vendorHypBmap2: 0x2n,
  });
});

test('bothy run and restore refuse bad hypercall options with one line, exit 64, before anything starts', async () => {
  const cases: [string[], RegExp][] = [
    [['run', '--fw-reg', 'psci=1'], /^bothy: --fw-reg 'psci=1': ENOENT: 'psci' is not a firmware register/],
    [['run', '--fw-reg', 'std-bmap=3'], /^bothy: --fw-reg 'std-bmap=3': EINVAL: /],
    [['run', '--hypercalls', 'trng=of'], /^bothy: --hypercalls: 'trng=of' must be trng=on or trng=off/],
    [['run', '--mask-hypercalls', 'pv-time', '--hypercalls', 'pv-time=on'], /^bothy: --hypercalls .*EINVAL: KVM_REG_ARM_STD_HYP_BMAP/],
    [['run', '--vendor-uid', 'hyperv'], /^bothy: --vendor-uid: 'hyperv' is not one of kvm, gunyah/],
    [['restore', '/nonexistent/snap', '--mask-hypercalls', 'tsc'], /^bothy: --mask-hypercalls: 'tsc' does not name a hypercall service/],
    [['clone', '/nonexistent/snap', '--count', '2', '--mask-hypercalls', 'tsc'], /^bothy: --mask-hypercalls: 'tsc' does not name/],
  ];
  for (const [args, re] of cases) {
    const r = await runBothy(args, { killAfterMs: 30_000 });
    assert.equal(r.code, 64, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re);
    assert.equal(r.stdout, '', 'no guest output: nothing started');
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  }
  const help = await runBothy(['run', '--help']);
  for (const word of ['--fw-reg <id=value>', '--hypercalls <list>', '--vendor-uid <uid>', '--mask-hypercalls <list>']) assert.ok(help.stdout.includes(word), word);
  const restoreHelp = await runBothy(['restore', '--help']);
  assert.ok(restoreHelp.stdout.includes('--mask-hypercalls <list>'));
});
