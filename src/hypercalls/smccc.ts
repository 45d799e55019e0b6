// SMCCC function-id codec, owners, return codes and the well-known function ids
// (Arm DEN0028 SMC Calling Convention; Linux include/linux/arm-smccc.h, include/uapi/linux/psci.h).

/** A bit field of the 32-bit function id (w0): `shift` is the lowest bit, `width` the number of bits. */
export interface BitField {
  readonly shift: number;
  readonly width: number;
}

/** DEN0028 §2.5 function-id layout. Bits 23:16 must be zero except the SMCCC 1.3 SVE hint in bit 16. */
export const SMCCC_FUNCTION_ID = {
  type: { shift: 31, width: 1 },
  callConv: { shift: 30, width: 1 },
  owner: { shift: 24, width: 6 },
  reserved: { shift: 16, width: 8 },
  number: { shift: 0, width: 16 },
} as const satisfies Readonly<Record<string, BitField>>;

export type FunctionIdField = keyof typeof SMCCC_FUNCTION_ID;
export type FunctionId = { readonly [K in FunctionIdField]: number };

export const ARM_SMCCC_STD_CALL = 0;
export const ARM_SMCCC_FAST_CALL = 1;
export const ARM_SMCCC_TYPE_SHIFT = 31;
export const ARM_SMCCC_SMC_32 = 0;
export const ARM_SMCCC_SMC_64 = 1;
export const ARM_SMCCC_CALL_CONV_SHIFT = 30;
export const ARM_SMCCC_OWNER_MASK = 0x3f;
export const ARM_SMCCC_OWNER_SHIFT = 24;
export const ARM_SMCCC_FUNC_MASK = 0xffff;
export const ARM_SMCCC_1_3_SVE_HINT = 0x10000;

export const ARM_SMCCC_OWNER_ARCH = 0;
export const ARM_SMCCC_OWNER_CPU = 1;
export const ARM_SMCCC_OWNER_SIP = 2;
export const ARM_SMCCC_OWNER_OEM = 3;
/** Standard Secure service calls: PSCI, TRNG. */
export const ARM_SMCCC_OWNER_STANDARD = 4;
/** Standard Hypervisor service calls: PV time. */
export const ARM_SMCCC_OWNER_STANDARD_HYP = 5;
export const ARM_SMCCC_OWNER_VENDOR_HYP = 6;
export const ARM_SMCCC_OWNER_TRUSTED_APP = 48;
export const ARM_SMCCC_OWNER_TRUSTED_APP_END = 49;
export const ARM_SMCCC_OWNER_TRUSTED_OS = 50;
export const ARM_SMCCC_OWNER_TRUSTED_OS_END = 63;

/** Per-owner query functions (function numbers). */
export const ARM_SMCCC_FUNC_QUERY_CALL_COUNT = 0xff00;
export const ARM_SMCCC_FUNC_QUERY_CALL_UID = 0xff01;
export const ARM_SMCCC_FUNC_QUERY_REVISION = 0xff03;

/** Return codes (signed; the guest sees them sign-extended to 64 bits, see `smcccRet`). */
export const SMCCC_RET_SUCCESS = 0;
export const SMCCC_RET_NOT_SUPPORTED = -1;
export const SMCCC_RET_NOT_REQUIRED = -2;
export const SMCCC_RET_INVALID_PARAMETER = -3;
/** ARCH_FEATURES(WORKAROUND_1/3) answer for an unaffected CPU. */
export const SMCCC_ARCH_WORKAROUND_RET_UNAFFECTED = 1;

export const ARM_SMCCC_VERSION_1_0 = 0x10000;
export const ARM_SMCCC_VERSION_1_1 = 0x10001;
export const ARM_SMCCC_VERSION_1_2 = 0x10002;
export const ARM_SMCCC_VERSION_1_3 = 0x10003;

const U32_MAX = 0xffff_ffff;

function mask(f: BitField): number {
  return 2 ** f.width - 1;
}

/** `ARM_SMCCC_CALL_VAL(type, cc, owner, fn)`; out-of-range parts are masked to their field width as in C. */
export function ARM_SMCCC_CALL_VAL(type: number, callConv: number, owner: number, fn: number): number {
  return encodeFunctionId({ type, callConv, owner, reserved: 0, number: fn });
}

export function encodeFunctionId(f: FunctionId): number {
  let v = 0;
  for (const k of Object.keys(SMCCC_FUNCTION_ID) as FunctionIdField[]) {
    const bf = SMCCC_FUNCTION_ID[k];
    // Multiplication, not <<, keeps bit 31 from turning the result negative.
    v += (f[k] & mask(bf)) * 2 ** bf.shift;
  }
  return v;
}

/** Splits a u32 function id into its fields; anything outside 0..2^32-1 is a caller bug and throws RangeError. */
export function decodeFunctionId(fid: number): FunctionId {
  if (!Number.isInteger(fid) || fid < 0 || fid > U32_MAX) throw new RangeError(`SMCCC function id ${fid} is not a u32`);
  const out: Record<string, number> = {};
  for (const k of Object.keys(SMCCC_FUNCTION_ID) as FunctionIdField[]) {
    const bf = SMCCC_FUNCTION_ID[k];
    out[k] = Math.floor(fid / 2 ** bf.shift) & mask(bf);
  }
  return out as FunctionId;
}

export function ARM_SMCCC_OWNER_NUM(fid: number): number {
  return (fid >>> ARM_SMCCC_OWNER_SHIFT) & ARM_SMCCC_OWNER_MASK;
}

export function ARM_SMCCC_FUNC_NUM(fid: number): number {
  return fid & ARM_SMCCC_FUNC_MASK;
}

export function ARM_SMCCC_IS_FAST_CALL(fid: number): boolean {
  return (fid >>> ARM_SMCCC_TYPE_SHIFT) === ARM_SMCCC_FAST_CALL;
}

export function ARM_SMCCC_IS_64(fid: number): boolean {
  return ((fid >>> ARM_SMCCC_CALL_CONV_SHIFT) & 1) === ARM_SMCCC_SMC_64;
}

/** A signed SMCCC return code as the 64-bit register value the guest reads (-1 → 0xFFFF_FFFF_FFFF_FFFF). */
export function smcccRet(code: number | bigint): bigint {
  return BigInt.asUintN(64, BigInt(code));
}

const fast32 = (owner: number, fn: number): number => ARM_SMCCC_CALL_VAL(ARM_SMCCC_FAST_CALL, ARM_SMCCC_SMC_32, owner, fn);
const fast64 = (owner: number, fn: number): number => ARM_SMCCC_CALL_VAL(ARM_SMCCC_FAST_CALL, ARM_SMCCC_SMC_64, owner, fn);

export const ARM_SMCCC_VERSION_FUNC_ID = fast32(ARM_SMCCC_OWNER_ARCH, 0);
export const ARM_SMCCC_ARCH_FEATURES_FUNC_ID = fast32(ARM_SMCCC_OWNER_ARCH, 1);
export const ARM_SMCCC_ARCH_SOC_ID_FUNC_ID = fast32(ARM_SMCCC_OWNER_ARCH, 2);
export const ARM_SMCCC_ARCH_WORKAROUND_1 = fast32(ARM_SMCCC_OWNER_ARCH, 0x8000);
export const ARM_SMCCC_ARCH_WORKAROUND_2 = fast32(ARM_SMCCC_OWNER_ARCH, 0x7fff);
export const ARM_SMCCC_ARCH_WORKAROUND_3 = fast32(ARM_SMCCC_OWNER_ARCH, 0x3fff);

export const ARM_SMCCC_TRNG_VERSION = fast32(ARM_SMCCC_OWNER_STANDARD, 0x50);
export const ARM_SMCCC_TRNG_FEATURES = fast32(ARM_SMCCC_OWNER_STANDARD, 0x51);
export const ARM_SMCCC_TRNG_GET_UUID = fast32(ARM_SMCCC_OWNER_STANDARD, 0x52);
export const ARM_SMCCC_TRNG_RND32 = fast32(ARM_SMCCC_OWNER_STANDARD, 0x53);
export const ARM_SMCCC_TRNG_RND64 = fast64(ARM_SMCCC_OWNER_STANDARD, 0x53);

export const ARM_SMCCC_HV_PV_TIME_FEATURES = fast64(ARM_SMCCC_OWNER_STANDARD_HYP, 0x20);
export const ARM_SMCCC_HV_PV_TIME_ST = fast64(ARM_SMCCC_OWNER_STANDARD_HYP, 0x21);

export const ARM_SMCCC_VENDOR_HYP_KVM_FEATURES_FUNC_ID = fast32(ARM_SMCCC_OWNER_VENDOR_HYP, 0);
export const ARM_SMCCC_VENDOR_HYP_KVM_PTP_FUNC_ID = fast32(ARM_SMCCC_OWNER_VENDOR_HYP, 1);
export const ARM_SMCCC_VENDOR_HYP_CALL_UID_FUNC_ID = fast32(ARM_SMCCC_OWNER_VENDOR_HYP, ARM_SMCCC_FUNC_QUERY_CALL_UID);
export const ARM_SMCCC_VENDOR_HYP_KVM_DISCOVER_IMPL_VER_FUNC_ID = fast64(ARM_SMCCC_OWNER_VENDOR_HYP, 64);
export const ARM_SMCCC_VENDOR_HYP_KVM_DISCOVER_IMPL_CPUS_FUNC_ID = fast64(ARM_SMCCC_OWNER_VENDOR_HYP, 65);

/** PSCI 0.2+ occupies Standard Secure function numbers 0..0x1F (KVM allows that range ungated). */
export const PSCI_0_2_FN_BASE = fast32(ARM_SMCCC_OWNER_STANDARD, 0);
export const PSCI_0_2_FN64_BASE = fast64(ARM_SMCCC_OWNER_STANDARD, 0);
export const PSCI_0_2_FN_LAST = 0x1f;
export function PSCI_0_2_FN(n: number): number {
  return PSCI_0_2_FN_BASE + n;
}
export function PSCI_0_2_FN64(n: number): number {
  return PSCI_0_2_FN64_BASE + n;
}
/** KVM's pre-SMCCC PSCI 0.1 ids: CPU_SUSPEND +0, CPU_OFF +1, CPU_ON +2, MIGRATE +3. */
export const KVM_PSCI_FN_BASE = 0x95c1ba5e;
export function KVM_PSCI_FN(n: number): number {
  return KVM_PSCI_FN_BASE + n;
}

/** Gunyah hypercall n over SMCCC (gunyah.md §1.1): fast, SMC64, vendor-hyp, function 0x8000 + n. */
export function GH_HYPERCALL(n: number): number {
  return fast64(ARM_SMCCC_OWNER_VENDOR_HYP, 0x8000 | (n & 0x3fff));
}

/** Gunyah hypervisor_identify, the discovery call every Gunyah-aware guest makes first (gunyah.md §1.2). */
export const GH_HYPERCALL_HYP_IDENTIFY = GH_HYPERCALL(0);
