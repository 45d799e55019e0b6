// The SMCCC Arm Architecture service: SMCCC_VERSION, SMCCC_ARCH_FEATURES and the WORKAROUND_1/3 calls
// (DEN0028 §7; KVM's answers from arch/arm64/kvm/hypercalls.c, reference §3.3).

import { type HypercallContext, type HypercallFullArgs, type HypercallResult, type HypercallService, x0Result } from './dispatcher.js';
import {
  FirmwareRegisters,
  KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1_AVAIL,
  KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1_NOT_REQUIRED,
  KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2_NOT_REQUIRED,
  KVM_REG_ARM_STD_HYP_BIT_PV_TIME,
} from './firmware-registers.js';
import {
  ARM_SMCCC_ARCH_FEATURES_FUNC_ID,
  ARM_SMCCC_ARCH_WORKAROUND_1,
  ARM_SMCCC_ARCH_WORKAROUND_2,
  ARM_SMCCC_ARCH_WORKAROUND_3,
  ARM_SMCCC_HV_PV_TIME_FEATURES,
  ARM_SMCCC_VERSION_1_1,
  ARM_SMCCC_VERSION_FUNC_ID,
  SMCCC_ARCH_WORKAROUND_RET_UNAFFECTED,
  SMCCC_RET_NOT_REQUIRED,
  SMCCC_RET_NOT_SUPPORTED,
  SMCCC_RET_SUCCESS,
} from './smccc.js';

export class SmcccArchService implements HypercallService {
  readonly name = 'smccc-arch';
  // WORKAROUND_1/3 are answered by KVM's EL2 fast path with x0 = 0; WORKAROUND_2 reaches the C handler and is denied.
  readonly functionIds: readonly number[] = [
    ARM_SMCCC_VERSION_FUNC_ID,
    ARM_SMCCC_ARCH_FEATURES_FUNC_ID,
    ARM_SMCCC_ARCH_WORKAROUND_1,
    ARM_SMCCC_ARCH_WORKAROUND_3,
  ];
  readonly #regs: FirmwareRegisters;

  constructor(regs: FirmwareRegisters) {
    this.#regs = regs;
  }

  call(fid: number, args: HypercallFullArgs, _ctx: HypercallContext): HypercallResult {
    switch (fid) {
      case ARM_SMCCC_VERSION_FUNC_ID:
        return x0Result(ARM_SMCCC_VERSION_1_1);
      case ARM_SMCCC_ARCH_FEATURES_FUNC_ID:
        // KVM reads the queried id into a u32.
        return x0Result(this.#features(Number(BigInt.asUintN(32, args[0]))));
      case ARM_SMCCC_ARCH_WORKAROUND_1:
      case ARM_SMCCC_ARCH_WORKAROUND_3:
        return x0Result(SMCCC_RET_SUCCESS);
      default:
        return x0Result(SMCCC_RET_NOT_SUPPORTED);
    }
  }

  #features(feature: number): number {
    switch (feature) {
      case ARM_SMCCC_ARCH_WORKAROUND_1:
        return branchLevelAnswer(this.#regs.workaroundLevel(1));
      case ARM_SMCCC_ARCH_WORKAROUND_3:
        return branchLevelAnswer(this.#regs.workaroundLevel(3));
      case ARM_SMCCC_ARCH_WORKAROUND_2:
        return this.#regs.workaroundLevel(2) === KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2_NOT_REQUIRED
          ? SMCCC_RET_NOT_REQUIRED
          : SMCCC_RET_NOT_SUPPORTED;
      case ARM_SMCCC_HV_PV_TIME_FEATURES:
        return this.#regs.isBitSet('STD_HYP', KVM_REG_ARM_STD_HYP_BIT_PV_TIME) ? SMCCC_RET_SUCCESS : SMCCC_RET_NOT_SUPPORTED;
      default:
        return SMCCC_RET_NOT_SUPPORTED;
    }
  }
}

/** WORKAROUND_1/3 levels: vulnerable → -1, mitigated → 0, unaffected → 1. */
function branchLevelAnswer(level: bigint): number {
  if (level === KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1_AVAIL) return SMCCC_RET_SUCCESS;
  if (level === KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1_NOT_REQUIRED) return SMCCC_ARCH_WORKAROUND_RET_UNAFFECTED;
  return SMCCC_RET_NOT_SUPPORTED;
}
