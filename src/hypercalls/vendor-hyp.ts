// The vendor-specific hypervisor service as KVM serves it (arch/arm64/kvm/hypercalls.c; reference §3.3):
// Call UID, KVM_FEATURES and PTP. The UID can instead be Gunyah's (gunyah.md §1.3) so Gunyah guests find us.

import { type HypercallContext, type HypercallFullArgs, type HypercallResult, type HypercallService, NOT_SUPPORTED_RESULT } from './dispatcher.js';
import { FirmwareRegisters } from './firmware-registers.js';
import { HypercallError } from './hypercall-error.js';
import type { PtpCounter } from './platform.js';
import {
  ARM_SMCCC_VENDOR_HYP_CALL_UID_FUNC_ID,
  ARM_SMCCC_VENDOR_HYP_KVM_FEATURES_FUNC_ID,
  ARM_SMCCC_VENDOR_HYP_KVM_PTP_FUNC_ID,
} from './smccc.js';

/** KVM's UID 28b46fb6-2ec5-11e9-a9ca-4b564d003a74, four UUID bytes per register packed little-endian. */
export const ARM_SMCCC_VENDOR_HYP_UID_KVM = '28b46fb6-2ec5-11e9-a9ca-4b564d003a74';
export const ARM_SMCCC_VENDOR_HYP_UID_KVM_REG_0 = 0xb66fb428n;
export const ARM_SMCCC_VENDOR_HYP_UID_KVM_REG_1 = 0xe911c52en;
export const ARM_SMCCC_VENDOR_HYP_UID_KVM_REG_2 = 0x564bcaa9n;
export const ARM_SMCCC_VENDOR_HYP_UID_KVM_REG_3 = 0x743a004dn;

/** Gunyah's open-source UID c1d58fcd-a453-5fdb-9265-ce36673d5f14, packed the same way (hyp smccc.tc). */
export const GUNYAH_UID = 'c1d58fcd-a453-5fdb-9265-ce36673d5f14';
export const SMCCC_GUNYAH_UID0 = 0xcd8fd5c1n;
export const SMCCC_GUNYAH_UID1 = 0xdb5f53a4n;
export const SMCCC_GUNYAH_UID2 = 0x36ce6592n;
export const SMCCC_GUNYAH_UID3 = 0x145f3d67n;

export type VendorHypUid = 'kvm' | 'gunyah';

export const VENDOR_HYP_UID_REGS: Readonly<Record<VendorHypUid, HypercallResult>> = {
  kvm: [ARM_SMCCC_VENDOR_HYP_UID_KVM_REG_0, ARM_SMCCC_VENDOR_HYP_UID_KVM_REG_1, ARM_SMCCC_VENDOR_HYP_UID_KVM_REG_2, ARM_SMCCC_VENDOR_HYP_UID_KVM_REG_3],
  gunyah: [SMCCC_GUNYAH_UID0, SMCCC_GUNYAH_UID1, SMCCC_GUNYAH_UID2, SMCCC_GUNYAH_UID3],
};

/** PTP's x1: which counter pairs with the wall clock. */
export const KVM_PTP_VIRT_COUNTER = 0;
export const KVM_PTP_PHYS_COUNTER = 1;

export interface VendorHypOptions {
  /** Which hypervisor the Call UID names (default 'kvm'). */
  readonly uid?: VendorHypUid;
}

const U32_MASK = 0xffff_ffffn;

export class VendorHypService implements HypercallService {
  readonly name = 'vendor-hyp';
  readonly functionIds: readonly number[] = [
    ARM_SMCCC_VENDOR_HYP_CALL_UID_FUNC_ID,
    ARM_SMCCC_VENDOR_HYP_KVM_FEATURES_FUNC_ID,
    ARM_SMCCC_VENDOR_HYP_KVM_PTP_FUNC_ID,
  ];
  readonly #regs: FirmwareRegisters;
  readonly #uid: HypercallResult;

  constructor(regs: FirmwareRegisters, options: VendorHypOptions = {}) {
    this.#regs = regs;
    const uid = options.uid ?? 'kvm';
    const r = Object.hasOwn(VENDOR_HYP_UID_REGS, uid) ? VENDOR_HYP_UID_REGS[uid] : undefined;
    if (r === undefined) {
      throw new HypercallError('INVALID_OPTION', `Vendor hypervisor UID '${String(uid)}' is unknown; use one of: ${Object.keys(VENDOR_HYP_UID_REGS).join(', ')}.`);
    }
    this.#uid = r;
  }

  call(fid: number, args: HypercallFullArgs, ctx: HypercallContext): HypercallResult {
    switch (fid) {
      case ARM_SMCCC_VENDOR_HYP_CALL_UID_FUNC_ID:
        return this.#uid;
      case ARM_SMCCC_VENDOR_HYP_KVM_FEATURES_FUNC_ID:
        // Functions 0-31 in x0, 64-95 in x2; 32-63 (pKVM's) and x3 stay 0.
        return [this.#regs.bitmap('VENDOR_HYP'), 0n, this.#regs.bitmap('VENDOR_HYP_2'), 0n];
      case ARM_SMCCC_VENDOR_HYP_KVM_PTP_FUNC_ID:
        return ptp(args, ctx);
      default:
        return NOT_SUPPORTED_RESULT;
    }
  }
}

/** kvm_ptp_get_time: x0/x1 = realtime ns high/low 32 bits, x2/x3 = counter high/low; the selector is a u32. */
function ptp(args: HypercallFullArgs, ctx: HypercallContext): HypercallResult {
  const sel = Number(BigInt.asUintN(32, args[0]));
  const counter: PtpCounter | undefined = sel === KVM_PTP_VIRT_COUNTER ? 'virtual' : sel === KVM_PTP_PHYS_COUNTER ? 'physical' : undefined;
  if (counter === undefined) return NOT_SUPPORTED_RESULT;
  const t = ctx.platform.ptp(counter);
  if (t === undefined) return NOT_SUPPORTED_RESULT;
  const wall = BigInt.asUintN(64, t.realtimeNs);
  const cycles = BigInt.asUintN(64, t.counter);
  return [wall >> 32n, wall & U32_MASK, cycles >> 32n, cycles & U32_MASK];
}
