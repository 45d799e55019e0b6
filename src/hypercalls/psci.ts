// PSCI 0.1/0.2/1.0-1.3 as KVM serves it (arch/arm64/kvm/psci.c; reference §4.3, §4.4), at the version the
// KVM_REG_ARM_PSCI_VERSION firmware register holds at the moment of each call. Every vCPU is AArch64 here
// (there is no AArch32 on x86), and a vCPU's MPIDR is its index: Aff0 = bits 7:0, Aff1 = 15:8, ...

import { assertNever } from '../binary/assert-never.js';
import { type HypercallContext, type HypercallFullArgs, type HypercallResult, type HypercallService, x0Result } from './dispatcher.js';
import {
  FirmwareRegisters,
  KVM_ARM_PSCI_0_1,
  KVM_ARM_PSCI_0_2,
  KVM_ARM_PSCI_1_0,
  KVM_ARM_PSCI_1_3,
  KVM_REG_ARM_PSCI_VERSION,
} from './firmware-registers.js';
import type { CpuOnResult, HypercallPlatform } from './platform.js';
import { ARM_SMCCC_VERSION_FUNC_ID, KVM_PSCI_FN, PSCI_0_2_FN, PSCI_0_2_FN64, PSCI_0_2_FN_LAST, smcccRet } from './smccc.js';

export const PSCI_0_2_FN_PSCI_VERSION = PSCI_0_2_FN(0);
export const PSCI_0_2_FN_CPU_SUSPEND = PSCI_0_2_FN(1);
export const PSCI_0_2_FN_CPU_OFF = PSCI_0_2_FN(2);
export const PSCI_0_2_FN_CPU_ON = PSCI_0_2_FN(3);
export const PSCI_0_2_FN_AFFINITY_INFO = PSCI_0_2_FN(4);
export const PSCI_0_2_FN_MIGRATE = PSCI_0_2_FN(5);
export const PSCI_0_2_FN_MIGRATE_INFO_TYPE = PSCI_0_2_FN(6);
export const PSCI_0_2_FN_MIGRATE_INFO_UP_CPU = PSCI_0_2_FN(7);
export const PSCI_0_2_FN_SYSTEM_OFF = PSCI_0_2_FN(8);
export const PSCI_0_2_FN_SYSTEM_RESET = PSCI_0_2_FN(9);
export const PSCI_0_2_FN64_CPU_SUSPEND = PSCI_0_2_FN64(1);
export const PSCI_0_2_FN64_CPU_ON = PSCI_0_2_FN64(3);
export const PSCI_0_2_FN64_AFFINITY_INFO = PSCI_0_2_FN64(4);
export const PSCI_0_2_FN64_MIGRATE = PSCI_0_2_FN64(5);
export const PSCI_0_2_FN64_MIGRATE_INFO_UP_CPU = PSCI_0_2_FN64(7);

export const PSCI_1_0_FN_PSCI_FEATURES = PSCI_0_2_FN(10);
export const PSCI_1_0_FN_CPU_FREEZE = PSCI_0_2_FN(11);
export const PSCI_1_0_FN_CPU_DEFAULT_SUSPEND = PSCI_0_2_FN(12);
export const PSCI_1_0_FN_NODE_HW_STATE = PSCI_0_2_FN(13);
export const PSCI_1_0_FN_SYSTEM_SUSPEND = PSCI_0_2_FN(14);
export const PSCI_1_0_FN_SET_SUSPEND_MODE = PSCI_0_2_FN(15);
export const PSCI_1_0_FN_STAT_RESIDENCY = PSCI_0_2_FN(16);
export const PSCI_1_0_FN_STAT_COUNT = PSCI_0_2_FN(17);
export const PSCI_1_1_FN_SYSTEM_RESET2 = PSCI_0_2_FN(18);
export const PSCI_1_1_FN_MEM_PROTECT = PSCI_0_2_FN(19);
export const PSCI_1_1_FN_MEM_PROTECT_CHECK_RANGE = PSCI_0_2_FN(20);
export const PSCI_1_3_FN_SYSTEM_OFF2 = PSCI_0_2_FN(21);
export const PSCI_1_0_FN64_CPU_DEFAULT_SUSPEND = PSCI_0_2_FN64(12);
export const PSCI_1_0_FN64_NODE_HW_STATE = PSCI_0_2_FN64(13);
export const PSCI_1_0_FN64_SYSTEM_SUSPEND = PSCI_0_2_FN64(14);
export const PSCI_1_0_FN64_STAT_RESIDENCY = PSCI_0_2_FN64(16);
export const PSCI_1_0_FN64_STAT_COUNT = PSCI_0_2_FN64(17);
export const PSCI_1_1_FN64_SYSTEM_RESET2 = PSCI_0_2_FN64(18);
export const PSCI_1_1_FN64_MEM_PROTECT_CHECK_RANGE = PSCI_0_2_FN64(20);
export const PSCI_1_3_FN64_SYSTEM_OFF2 = PSCI_0_2_FN64(21);

export const KVM_PSCI_FN_CPU_SUSPEND = KVM_PSCI_FN(0);
export const KVM_PSCI_FN_CPU_OFF = KVM_PSCI_FN(1);
export const KVM_PSCI_FN_CPU_ON = KVM_PSCI_FN(2);
export const KVM_PSCI_FN_MIGRATE = KVM_PSCI_FN(3);

export const PSCI_RET_SUCCESS = 0;
export const PSCI_RET_NOT_SUPPORTED = -1;
export const PSCI_RET_INVALID_PARAMS = -2;
export const PSCI_RET_DENIED = -3;
export const PSCI_RET_ALREADY_ON = -4;
export const PSCI_RET_ON_PENDING = -5;
export const PSCI_RET_INTERNAL_FAILURE = -6;
export const PSCI_RET_NOT_PRESENT = -7;
export const PSCI_RET_DISABLED = -8;
export const PSCI_RET_INVALID_ADDRESS = -9;

export const PSCI_0_2_AFFINITY_LEVEL_ON = 0;
export const PSCI_0_2_AFFINITY_LEVEL_OFF = 1;
export const PSCI_0_2_AFFINITY_LEVEL_ON_PENDING = 2;
export const PSCI_0_2_TOS_UP_MIGRATE = 0;
export const PSCI_0_2_TOS_UP_NO_MIGRATE = 1;
export const PSCI_0_2_TOS_MP = 2;
export const PSCI_1_1_RESET_TYPE_SYSTEM_WARM_RESET = 0n;
export const PSCI_1_1_RESET_TYPE_VENDOR_START = 0x8000_0000n;
export const PSCI_1_3_OFF_TYPE_HIBERNATE_OFF = 1n;

/** Aff3 (39:32) | Aff2 (23:16) | Aff1 (15:8) | Aff0 (7:0). */
export const MPIDR_HWID_BITMASK = 0xff_00ff_ffffn;
export const MPIDR_LEVEL_BITS = 8n;
const AFF3_SHIFT = 32n;

/** The vCPU index an MPIDR names, or undefined if it sets bits outside MPIDR_HWID_BITMASK. */
export function mpidrToVcpu(mpidr: bigint): number | undefined {
  if ((mpidr & ~MPIDR_HWID_BITMASK) !== 0n) return undefined;
  return Number((mpidr & 0xff_ffffn) | ((mpidr >> AFF3_SHIFT) << 24n));
}

export function vcpuToMpidr(vcpu: number): bigint {
  const v = BigInt(vcpu);
  return (v & 0xff_ffffn) | ((v >> 24n) << AFF3_SHIFT);
}

/** psci_affinity_mask: the MPIDR bits AFFINITY_INFO compares at `level`, or 0n for a level above 3. */
export function psciAffinityMask(level: bigint): bigint {
  if (level > 3n) return 0n;
  return MPIDR_HWID_BITMASK & ~((1n << (level * MPIDR_LEVEL_BITS)) - 1n);
}

/** The functions KVM lets through ungated (kvm_smccc_default_allowed): the whole PSCI 0.2 range and the 0.1 ids. */
const FUNCTION_IDS: readonly number[] = [
  ...Array.from({ length: PSCI_0_2_FN_LAST + 1 }, (_, n) => PSCI_0_2_FN(n)),
  ...Array.from({ length: PSCI_0_2_FN_LAST + 1 }, (_, n) => PSCI_0_2_FN64(n)),
  KVM_PSCI_FN_CPU_SUSPEND,
  KVM_PSCI_FN_CPU_OFF,
  KVM_PSCI_FN_CPU_ON,
  KVM_PSCI_FN_MIGRATE,
];

/** Functions whose 32-bit form narrows x1-x3 to 32 bits (kvm_psci_narrow_to_32bit). */
const NARROWED = new Set([
  PSCI_0_2_FN_CPU_ON,
  PSCI_0_2_FN_AFFINITY_INFO,
  PSCI_1_0_FN_SYSTEM_SUSPEND,
  PSCI_1_1_FN_SYSTEM_RESET2,
  PSCI_1_3_FN_SYSTEM_OFF2,
]);

export class PsciService implements HypercallService {
  readonly name = 'psci';
  readonly functionIds = FUNCTION_IDS;
  readonly #regs: FirmwareRegisters;

  constructor(regs: FirmwareRegisters) {
    this.#regs = regs;
  }

  call(fid: number, raw: HypercallFullArgs, ctx: HypercallContext): HypercallResult {
    const args = NARROWED.has(fid) ? narrow(raw) : raw;
    // Read per call: KVM lets the VMM rewrite the version at any time, even while the guest runs.
    const version = this.#regs.get(KVM_REG_ARM_PSCI_VERSION);
    if (version === KVM_ARM_PSCI_0_1) return this.#call01(fid, args, ctx.platform);
    if (version === KVM_ARM_PSCI_0_2) return this.#call02(fid, args, ctx.platform, version);
    if (version >= KVM_ARM_PSCI_1_0 && version <= KVM_ARM_PSCI_1_3) return this.#call1x(fid, args, ctx.platform, version);
    return x0Result(PSCI_RET_NOT_SUPPORTED);
  }

  #call01(fid: number, args: HypercallFullArgs, p: HypercallPlatform): HypercallResult {
    switch (fid) {
      case KVM_PSCI_FN_CPU_OFF:
        p.cpuOff();
        return x0Result(PSCI_RET_SUCCESS);
      case KVM_PSCI_FN_CPU_ON:
        return x0Result(cpuOn(args, p, true));
      default:
        return x0Result(PSCI_RET_NOT_SUPPORTED);
    }
  }

  #call02(fid: number, args: HypercallFullArgs, p: HypercallPlatform, version: bigint): HypercallResult {
    switch (fid) {
      case PSCI_0_2_FN_PSCI_VERSION:
        return x0Result(Number(version));
      case PSCI_0_2_FN_CPU_SUSPEND:
      case PSCI_0_2_FN64_CPU_SUSPEND:
        // KVM waits for an interrupt here (kvm_vcpu_wfi); PSCI allows an early return, so SUCCESS at once is valid.
        return x0Result(PSCI_RET_SUCCESS);
      case PSCI_0_2_FN_CPU_OFF:
        p.cpuOff();
        return x0Result(PSCI_RET_SUCCESS);
      case PSCI_0_2_FN_CPU_ON:
      case PSCI_0_2_FN64_CPU_ON:
        return x0Result(cpuOn(args, p, false));
      case PSCI_0_2_FN_AFFINITY_INFO:
      case PSCI_0_2_FN64_AFFINITY_INFO:
        return x0Result(affinityInfo(args, p));
      case PSCI_0_2_FN_MIGRATE_INFO_TYPE:
        return x0Result(PSCI_0_2_TOS_MP);
      // The VM ends once the call returns; x0 is preloaded as KVM does, for a VMM that resumes the vCPU anyway.
      case PSCI_0_2_FN_SYSTEM_OFF:
        p.systemEvent('poweroff');
        return x0Result(PSCI_RET_INTERNAL_FAILURE);
      case PSCI_0_2_FN_SYSTEM_RESET:
        p.systemEvent('reset');
        return x0Result(PSCI_RET_INTERNAL_FAILURE);
      default:
        return x0Result(PSCI_RET_NOT_SUPPORTED);
    }
  }

  #call1x(fid: number, args: HypercallFullArgs, p: HypercallPlatform, version: bigint): HypercallResult {
    const minor = Number(version & 0xffffn);
    switch (fid) {
      case PSCI_0_2_FN_PSCI_VERSION:
        return x0Result(Number(version));
      case PSCI_1_0_FN_PSCI_FEATURES:
        // KVM reads the queried id into a u32.
        return x0Result(psciFeatures(Number(BigInt.asUintN(32, args[0])), minor));
      case PSCI_1_0_FN_SYSTEM_SUSPEND:
      case PSCI_1_0_FN64_SYSTEM_SUSPEND:
        // KVM_CAP_ARM_SYSTEM_SUSPEND is never enabled: bothy has no suspend-to-RAM exit to hand it to.
        return x0Result(PSCI_RET_NOT_SUPPORTED);
      case PSCI_1_1_FN_SYSTEM_RESET2:
      case PSCI_1_1_FN64_SYSTEM_RESET2: {
        if (minor < 1) return x0Result(PSCI_RET_NOT_SUPPORTED);
        // `u32 arg` in KVM: the reset type is truncated even in the 64-bit form.
        const type = BigInt.asUintN(32, args[0]);
        if (type > PSCI_1_1_RESET_TYPE_SYSTEM_WARM_RESET && type < PSCI_1_1_RESET_TYPE_VENDOR_START) return x0Result(PSCI_RET_INVALID_PARAMS);
        p.systemEvent('reset');
        // KVM writes only x0 here (vcpu_set_reg), so x1-x3 keep the (possibly narrowed) arguments.
        return [smcccRet(PSCI_RET_INTERNAL_FAILURE), args[0], args[1], args[2]];
      }
      case PSCI_1_3_FN_SYSTEM_OFF2:
      case PSCI_1_3_FN64_SYSTEM_OFF2: {
        if (minor < 3) return x0Result(PSCI_RET_NOT_SUPPORTED);
        // Type 0 means HIBERNATE_OFF; the type is a u32 in KVM, arg2 is compared whole.
        const type = BigInt.asUintN(32, args[0]);
        if ((type !== 0n && type !== PSCI_1_3_OFF_TYPE_HIBERNATE_OFF) || args[1] !== 0n) return x0Result(PSCI_RET_INVALID_PARAMS);
        p.systemEvent('poweroff');
        return x0Result(PSCI_RET_INTERNAL_FAILURE);
      }
      default:
        return this.#call02(fid, args, p, version);
    }
  }
}

/** PSCI_FEATURES at 1.`minor` (kvm_psci_1_x_call): 0 or a feature word for what KVM serves, else NOT_SUPPORTED. */
export function psciFeatures(fid: number, minor: number): number {
  switch (fid) {
    case PSCI_0_2_FN_PSCI_VERSION:
    case PSCI_0_2_FN_CPU_SUSPEND:
    case PSCI_0_2_FN64_CPU_SUSPEND:
    case PSCI_0_2_FN_CPU_OFF:
    case PSCI_0_2_FN_CPU_ON:
    case PSCI_0_2_FN64_CPU_ON:
    case PSCI_0_2_FN_AFFINITY_INFO:
    case PSCI_0_2_FN64_AFFINITY_INFO:
    case PSCI_0_2_FN_MIGRATE_INFO_TYPE:
    case PSCI_0_2_FN_SYSTEM_OFF:
    case PSCI_0_2_FN_SYSTEM_RESET:
    case PSCI_1_0_FN_PSCI_FEATURES:
    case ARM_SMCCC_VERSION_FUNC_ID:
      return PSCI_RET_SUCCESS;
    case PSCI_1_1_FN_SYSTEM_RESET2:
    case PSCI_1_1_FN64_SYSTEM_RESET2:
      return minor >= 1 ? PSCI_RET_SUCCESS : PSCI_RET_NOT_SUPPORTED;
    case PSCI_1_3_FN_SYSTEM_OFF2:
    case PSCI_1_3_FN64_SYSTEM_OFF2:
      // The answer is the bitmap of supported off types, not 0.
      return minor >= 3 ? Number(PSCI_1_3_OFF_TYPE_HIBERNATE_OFF) : PSCI_RET_NOT_SUPPORTED;
    default:
      return PSCI_RET_NOT_SUPPORTED;
  }
}

function narrow(a: HypercallFullArgs): HypercallFullArgs {
  return [BigInt.asUintN(32, a[0]), BigInt.asUintN(32, a[1]), BigInt.asUintN(32, a[2]), a[3], a[4], a[5]];
}

/** kvm_psci_vcpu_on: x1 target MPIDR, x2 entry point, x3 context id. */
function cpuOn(args: HypercallFullArgs, p: HypercallPlatform, psci01: boolean): number {
  const target = mpidrToVcpu(args[0]);
  if (target === undefined || target >= p.vcpuCount) return PSCI_RET_INVALID_PARAMS;
  return cpuOnAnswer(p.cpuOn(target, args[1], args[2]), psci01);
}

function cpuOnAnswer(r: CpuOnResult, psci01: boolean): number {
  switch (r) {
    case 'ok': return PSCI_RET_SUCCESS;
    case 'no-such-cpu': return PSCI_RET_INVALID_PARAMS;
    // PSCI 0.1 has no ALREADY_ON or ON_PENDING: KVM answers INVALID_PARAMS there.
    case 'already-on': return psci01 ? PSCI_RET_INVALID_PARAMS : PSCI_RET_ALREADY_ON;
    case 'on-pending': return psci01 ? PSCI_RET_INVALID_PARAMS : PSCI_RET_ON_PENDING;
    default: return assertNever(r, 'CPU_ON result');
  }
}

/**
 * kvm_psci_vcpu_affinity_info: x1 target affinity, x2 lowest affinity level. ON if any matching vCPU runs,
 * ON_PENDING if none runs but one is starting (the platform can tell, KVM cannot), else OFF.
 */
function affinityInfo(args: HypercallFullArgs, p: HypercallPlatform): number {
  const mask = psciAffinityMask(args[1]);
  if ((args[0] & ~MPIDR_HWID_BITMASK) !== 0n || mask === 0n) return PSCI_RET_INVALID_PARAMS;
  const target = args[0] & mask;
  let matching = 0;
  let pending = false;
  for (let i = 0; i < p.vcpuCount; i++) {
    if ((vcpuToMpidr(i) & mask) !== target) continue;
    const s = p.powerState(i);
    if (s === undefined) continue;
    matching++;
    if (s === 'on') return PSCI_0_2_AFFINITY_LEVEL_ON;
    if (s === 'on-pending') pending = true;
  }
  if (matching === 0) return PSCI_RET_INVALID_PARAMS;
  return pending ? PSCI_0_2_AFFINITY_LEVEL_ON_PENDING : PSCI_0_2_AFFINITY_LEVEL_OFF;
}
