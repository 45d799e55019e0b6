// The Arm True Random Number Generator firmware interface 1.0 (Arm DEN0098) as KVM serves it
// (arch/arm64/kvm/trng.c; reference §4.5), drawing entropy from the host's CSPRNG via the platform.

import { type HypercallContext, type HypercallFullArgs, type HypercallResult, type HypercallService, x0Result } from './dispatcher.js';
import {
  ARM_SMCCC_TRNG_FEATURES,
  ARM_SMCCC_TRNG_GET_UUID,
  ARM_SMCCC_TRNG_RND32,
  ARM_SMCCC_TRNG_RND64,
  ARM_SMCCC_TRNG_VERSION,
  smcccRet,
} from './smccc.js';

export const ARM_SMCCC_TRNG_VERSION_1_0 = 0x10000;

// DEN0098's own codes, deliberately separate from the generic SMCCC ones (INVALID_PARAMETER is -2 here).
export const TRNG_SUCCESS = 0;
export const TRNG_NOT_SUPPORTED = -1;
export const TRNG_INVALID_PARAMETER = -2;
export const TRNG_NO_ENTROPY = -3;

export const TRNG_MAX_BITS32 = 96;
export const TRNG_MAX_BITS64 = 192;

/** KVM's TRNG back-end UUID (arm_smc_trng_uuid). */
export const ARM_SMCCC_TRNG_UUID = '0d21e000-4384-11eb-8070-5244554e5a4c';
/** TRNG_GET_UUID's x0..x3: the UUID's bytes in textual order, read as little-endian u32 words. */
export const ARM_SMCCC_TRNG_UUID_REGS: HypercallResult = [0x00e0210dn, 0xeb118443n, 0x44527080n, 0x4c5a4e55n];

const FUNCTION_IDS: readonly number[] = [
  ARM_SMCCC_TRNG_VERSION,
  ARM_SMCCC_TRNG_FEATURES,
  ARM_SMCCC_TRNG_GET_UUID,
  ARM_SMCCC_TRNG_RND32,
  ARM_SMCCC_TRNG_RND64,
];
const U32_MASK = 0xffff_ffffn;
const U64_MASK = 0xffff_ffff_ffff_ffffn;

export class TrngService implements HypercallService {
  readonly name = 'trng';
  readonly functionIds = FUNCTION_IDS;

  call(fid: number, args: HypercallFullArgs, ctx: HypercallContext): HypercallResult {
    switch (fid) {
      case ARM_SMCCC_TRNG_VERSION:
        return x0Result(ARM_SMCCC_TRNG_VERSION_1_0);
      case ARM_SMCCC_TRNG_FEATURES:
        // Compared as the whole x1 (KVM switches on the unsigned long), so high bits make it unknown.
        return x0Result(args[0] <= U32_MASK && FUNCTION_IDS.includes(Number(args[0])) ? TRNG_SUCCESS : TRNG_NOT_SUPPORTED);
      case ARM_SMCCC_TRNG_GET_UUID:
        return ARM_SMCCC_TRNG_UUID_REGS;
      case ARM_SMCCC_TRNG_RND32:
        return rnd(args, ctx, 32);
      case ARM_SMCCC_TRNG_RND64:
        return rnd(args, ctx, 64);
      default:
        return x0Result(TRNG_NOT_SUPPORTED);
    }
  }
}

/**
 * kvm_trng_do_rnd: N = w1 (a u32 in KVM for both forms), at most three registers' worth; N = 0 is a valid
 * request for no bits. Bits at and above N are cleared; bit 0 lands in the last register.
 */
function rnd(args: HypercallFullArgs, ctx: HypercallContext, size: 32 | 64): HypercallResult {
  const n = Number(BigInt.asUintN(32, args[0]));
  if (n > 3 * size) return x0Result(TRNG_INVALID_PARAMETER);
  const bits = n === 0 ? 0n : entropy(ctx, n) & ((1n << BigInt(n)) - 1n);
  const mask = size === 32 ? U32_MASK : U64_MASK;
  const w = BigInt(size);
  return [smcccRet(TRNG_SUCCESS), (bits >> (2n * w)) & mask, (bits >> w) & mask, bits & mask];
}

function entropy(ctx: HypercallContext, nBits: number): bigint {
  const want = Math.ceil(nBits / 8);
  const b = ctx.platform.randomBytes(want);
  if (!(b instanceof Uint8Array) || b.length < want) {
    throw new RangeError(`platform.randomBytes(${want}) returned ${b instanceof Uint8Array ? `${b.length} bytes` : String(b)}`);
  }
  let v = 0n;
  for (let i = want - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
  return v;
}
