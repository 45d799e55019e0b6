// Paravirtualized time, stolen-time part (Arm DEN0057A; KVM's arch/arm64/kvm/pvtime.c, reference §3.3, §4.6):
// PV_TIME_FEATURES / PV_TIME_ST, and the 64-byte per-vCPU record layout with its writers.

import { bytes, struct, u32le, u64le } from '../binary/struct.js';
import { type HypercallContext, type HypercallFullArgs, type HypercallResult, type HypercallService, x0Result } from './dispatcher.js';
import { ARM_SMCCC_HV_PV_TIME_FEATURES, ARM_SMCCC_HV_PV_TIME_ST, SMCCC_RET_NOT_SUPPORTED, SMCCC_RET_SUCCESS } from './smccc.js';

/** struct pvclock_vcpu_stolen_time: little-endian, packed, 64 bytes; revision and attributes must stay 0. */
export const PVCLOCK_VCPU_STOLEN_TIME = struct('pvclock_vcpu_stolen_time', {
  revision: u32le,
  attributes: u32le,
  /** Nanoseconds this vCPU was runnable but not running since PV_TIME_ST. */
  stolen_time: u64le,
  padding: bytes(48),
});

/** The guest-physical alignment KVM demands of a record (KVM_ARM_VCPU_PVTIME_IPA). */
export const PVCLOCK_VCPU_STOLEN_TIME_ALIGN = 64;

function checkRecord(record: Uint8Array): void {
  if (record.length !== PVCLOCK_VCPU_STOLEN_TIME.size) {
    throw new RangeError(`A stolen-time record is ${PVCLOCK_VCPU_STOLEN_TIME.size} bytes (pvclock_vcpu_stolen_time), got ${record.length}`);
  }
}

/** Stores `ns` in stolen_time (the one field a guest reads), leaving the rest untouched. */
export function writeStolenTime(record: Uint8Array, ns: bigint): void {
  checkRecord(record);
  PVCLOCK_VCPU_STOLEN_TIME.set(record, 'stolen_time', ns);
}

/** PV_TIME_ST's reset: the whole record, revision and attributes included, is zero. */
export function zeroStolenTime(record: Uint8Array): void {
  checkRecord(record);
  record.fill(0);
}

export class PvTimeService implements HypercallService {
  readonly name = 'pv-time';
  readonly functionIds: readonly number[] = [ARM_SMCCC_HV_PV_TIME_FEATURES, ARM_SMCCC_HV_PV_TIME_ST];

  call(fid: number, args: HypercallFullArgs, ctx: HypercallContext): HypercallResult {
    switch (fid) {
      case ARM_SMCCC_HV_PV_TIME_FEATURES: {
        // KVM reads the queried id into a u32.
        const feature = Number(BigInt.asUintN(32, args[0]));
        const known = feature === ARM_SMCCC_HV_PV_TIME_FEATURES || feature === ARM_SMCCC_HV_PV_TIME_ST;
        const hasRecord = ctx.platform.hasStolenTime?.() ?? true;
        return x0Result(known && hasRecord ? SMCCC_RET_SUCCESS : SMCCC_RET_NOT_SUPPORTED);
      }
      case ARM_SMCCC_HV_PV_TIME_ST: {
        const gpa = ctx.platform.startStolenTime();
        return x0Result(gpa ?? SMCCC_RET_NOT_SUPPORTED);
      }
      default:
        return x0Result(SMCCC_RET_NOT_SUPPORTED);
    }
  }
}
