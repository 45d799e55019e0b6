// Gunyah's hypervisor_identify (GH_HYPERCALL(0) = 0xC6008000; gunyah.md §1.2, §1.4): x0 = api_info, x1-x3 =
// feature flags0-2. Lets a Gunyah-aware guest probe which Gunyah kernel objects bothy offers.

import type { HypercallContext, HypercallFullArgs, HypercallResult, HypercallService } from './dispatcher.js';
import { HypercallError } from './hypercall-error.js';
import { GH_HYPERCALL_HYP_IDENTIFY, type BitField } from './smccc.js';

/** api_info (x0) layout (hyp api.tc; Linux GUNYAH_API_INFO_*). Bits 55:16 are reserved. */
export const GH_API_INFO = {
  api_version: { shift: 0, width: 14 },
  big_endian: { shift: 14, width: 1 },
  is_64bit: { shift: 15, width: 1 },
  variant: { shift: 56, width: 8 },
} as const satisfies Readonly<Record<string, BitField>>;

/** GUNYAH_API_V1: the only API version Linux accepts. */
export const GUNYAH_API_V1 = 1;
export const HYP_VARIANT_UNKNOWN = 0x00;
/** The open-source Gunyah build (the doc text calls it "Haven"). */
export const HYP_VARIANT_GUNYAH = 0x48;
export const HYP_VARIANT_QUALCOMM = 0x51;

/** flags0 (x1) bit numbers: set bit n when the matching Gunyah kernel-object hypercalls are served. */
export const GH_API_FEATURE_PARTITION_CSPACE = 0;
export const GH_API_FEATURE_DOORBELL = 1;
export const GH_API_FEATURE_MSGQUEUE = 2;
export const GH_API_FEATURE_VIC = 3;
export const GH_API_FEATURE_VPM = 4;
export const GH_API_FEATURE_VCPU = 5;
export const GH_API_FEATURE_MEMEXTENT = 6;
export const GH_API_FEATURE_TRACE_CTRL = 7;
export const GH_API_FEATURE_WATCHDOG = 8;
export const GH_API_FEATURE_VIRTIO_MMIO = 9;
export const GH_API_FEATURE_PRNG = 10;
export const GH_API_FEATURE_VCPU_RUN = 11;
/** flags0 bits 31:28: the scheduler variant. */
export const GH_API_FLAGS0_SCHEDULER: BitField = { shift: 28, width: 4 };
/** flags1 (x2) bit 0: ARMv8.2 SVE. flags2 (x3) is reserved. */
export const GH_API_FLAGS1_ARM_SVE = 0;

export type GunyahFlags = readonly [bigint, bigint, bigint];

export interface GunyahApiInfo {
  readonly apiVersion: number;
  readonly bigEndian: boolean;
  readonly is64Bit: boolean;
  readonly variant: number;
}

const field = (f: BitField, v: number): bigint => (BigInt(v) & ((1n << BigInt(f.width)) - 1n)) << BigInt(f.shift);

export function encodeGunyahApiInfo(info: GunyahApiInfo): bigint {
  return field(GH_API_INFO.api_version, info.apiVersion)
    | field(GH_API_INFO.big_endian, info.bigEndian ? 1 : 0)
    | field(GH_API_INFO.is_64bit, info.is64Bit ? 1 : 0)
    | field(GH_API_INFO.variant, info.variant);
}

/** bothy's answer: API v1, little-endian, 64-bit, the open-source variant. */
export const BOTHY_GUNYAH_API_INFO = encodeGunyahApiInfo({ apiVersion: GUNYAH_API_V1, bigEndian: false, is64Bit: true, variant: HYP_VARIANT_GUNYAH });

/** flags0 with the given GH_API_FEATURE_* bits set. */
export function gunyahFeatureFlags(features: readonly number[]): bigint {
  let v = 0n;
  for (const f of features) {
    if (!Number.isInteger(f) || f < 0 || f > 63) throw new HypercallError('INVALID_OPTION', `Gunyah feature bit ${f} is not a bit number 0..63; use the GH_API_FEATURE_* constants.`);
    v |= 1n << BigInt(f);
  }
  return v;
}

const U64_MAX = 0xffff_ffff_ffff_ffffn;

export class GunyahIdentifyService implements HypercallService {
  readonly name = 'gunyah-identify';
  readonly functionIds: readonly number[] = [GH_HYPERCALL_HYP_IDENTIFY];
  readonly #result: HypercallResult;

  /** No Gunyah kernel objects are served by default, so every flag is 0 until a service (msgqueue, doorbell) claims its bit. */
  constructor(flags: GunyahFlags = [0n, 0n, 0n]) {
    flags.forEach((f, i) => {
      if (typeof f !== 'bigint' || f < 0n || f > U64_MAX) {
        throw new HypercallError('INVALID_OPTION', `Gunyah flags${i} ${String(f)} is not a u64; pass three bigints (flags0..flags2).`);
      }
    });
    this.#result = [BOTHY_GUNYAH_API_INFO, flags[0], flags[1], flags[2]];
  }

  call(_fid: number, _args: HypercallFullArgs, _ctx: HypercallContext): HypercallResult {
    // No error slot: Linux copies x0-x3 straight into api_info and flags[].
    return this.#result;
  }
}
