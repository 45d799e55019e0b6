// Per-VM firmware pseudo-registers with KVM/arm64's ONE_REG ids, defaults and GET/SET/list semantics
// (arch/arm64/kvm/hypercalls.c kvm_arm_{get,set}_fw_reg; kvm-fw-registers-and-smccc.md §2, §3.2).

import { assertNever } from '../binary/assert-never.js';
import { struct, u32le, u64le } from '../binary/struct.js';
import { FwRegError } from './fw-reg-error.js';
import {
  ARM_SMCCC_HV_PV_TIME_FEATURES,
  ARM_SMCCC_HV_PV_TIME_ST,
  ARM_SMCCC_TRNG_FEATURES,
  ARM_SMCCC_TRNG_GET_UUID,
  ARM_SMCCC_TRNG_RND32,
  ARM_SMCCC_TRNG_RND64,
  ARM_SMCCC_TRNG_VERSION,
  ARM_SMCCC_VENDOR_HYP_CALL_UID_FUNC_ID,
  ARM_SMCCC_VENDOR_HYP_KVM_DISCOVER_IMPL_CPUS_FUNC_ID,
  ARM_SMCCC_VENDOR_HYP_KVM_DISCOVER_IMPL_VER_FUNC_ID,
  ARM_SMCCC_VENDOR_HYP_KVM_FEATURES_FUNC_ID,
  ARM_SMCCC_VENDOR_HYP_KVM_PTP_FUNC_ID,
  GH_HYPERCALL_HYP_IDENTIFY,
} from './smccc.js';

export const KVM_REG_ARM64 = 0x6000_0000_0000_0000n;
export const KVM_REG_SIZE_SHIFT = 52n;
export const KVM_REG_SIZE_MASK = 0x00f0_0000_0000_0000n;
export const KVM_REG_SIZE_U64 = 0x0030_0000_0000_0000n;
export const KVM_REG_ARM_COPROC_SHIFT = 16n;
export const KVM_REG_ARM_FW = 0x0014n << KVM_REG_ARM_COPROC_SHIFT;
export const KVM_REG_ARM_FW_FEAT_BMAP = 0x0016n << KVM_REG_ARM_COPROC_SHIFT;

export function KVM_REG_ARM_FW_REG(r: number): bigint {
  return KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_FW | BigInt(r & 0xffff);
}
export function KVM_REG_ARM_FW_FEAT_BMAP_REG(r: number): bigint {
  return KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_FW_FEAT_BMAP | BigInt(r & 0xffff);
}
/** Bytes a ONE_REG id transfers: 1 << size field. */
export function KVM_REG_SIZE(id: bigint): number {
  return 1 << Number((BigInt.asUintN(64, id) & KVM_REG_SIZE_MASK) >> KVM_REG_SIZE_SHIFT);
}

export const KVM_REG_ARM_PSCI_VERSION = KVM_REG_ARM_FW_REG(0);
export const KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1 = KVM_REG_ARM_FW_REG(1);
export const KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2 = KVM_REG_ARM_FW_REG(2);
export const KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_3 = KVM_REG_ARM_FW_REG(3);
export const KVM_REG_ARM_STD_BMAP = KVM_REG_ARM_FW_FEAT_BMAP_REG(0);
export const KVM_REG_ARM_STD_HYP_BMAP = KVM_REG_ARM_FW_FEAT_BMAP_REG(1);
export const KVM_REG_ARM_VENDOR_HYP_BMAP = KVM_REG_ARM_FW_FEAT_BMAP_REG(2);
export const KVM_REG_ARM_VENDOR_HYP_BMAP_2 = KVM_REG_ARM_FW_FEAT_BMAP_REG(3);

export const KVM_REG_FEATURE_LEVEL_MASK = 0xfn;
export const KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1_NOT_AVAIL = 0n;
export const KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1_AVAIL = 1n;
export const KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1_NOT_REQUIRED = 2n;
export const KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2_NOT_AVAIL = 0n;
export const KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2_UNKNOWN = 1n;
export const KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2_AVAIL = 2n;
export const KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2_NOT_REQUIRED = 3n;
export const KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2_ENABLED = 1n << 4n;
export const KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_3_NOT_AVAIL = 0n;
export const KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_3_AVAIL = 1n;
export const KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_3_NOT_REQUIRED = 2n;

export const KVM_ARM_PSCI_0_1 = 0x1n;
export const KVM_ARM_PSCI_0_2 = 0x2n;
export const KVM_ARM_PSCI_1_0 = 0x10000n;
export const KVM_ARM_PSCI_1_1 = 0x10001n;
export const KVM_ARM_PSCI_1_2 = 0x10002n;
export const KVM_ARM_PSCI_1_3 = 0x10003n;
/** 6.13+ value; bothy models the 6.15+ register set (BMAP_2 present). */
export const KVM_ARM_PSCI_LATEST = KVM_ARM_PSCI_1_3;

export const KVM_REG_ARM_STD_BIT_TRNG_V1_0 = 0;
export const KVM_REG_ARM_STD_HYP_BIT_PV_TIME = 0;
export const KVM_REG_ARM_VENDOR_HYP_BIT_FUNC_FEAT = 0;
export const KVM_REG_ARM_VENDOR_HYP_BIT_PTP = 1;
export const KVM_REG_ARM_VENDOR_HYP_BIT_DISCOVER_IMPL_VER = 0;
export const KVM_REG_ARM_VENDOR_HYP_BIT_DISCOVER_IMPL_CPUS = 1;

export type FwBitmapName = 'STD' | 'STD_HYP' | 'VENDOR_HYP' | 'VENDOR_HYP_2';
export type FwWorkaround = 1 | 2 | 3;

/** Every bit KVM defines per bitmap (its set-mask); a configuration may support a subset. */
export const KVM_FW_BITMAP_MASKS: Readonly<Record<FwBitmapName, bigint>> = {
  STD: 0x1n,
  STD_HYP: 0x1n,
  VENDOR_HYP: 0x3n,
  VENDOR_HYP_2: 0x3n,
};

const BIT_NAMES: Readonly<Record<FwBitmapName, readonly string[]>> = {
  STD: ['KVM_REG_ARM_STD_BIT_TRNG_V1_0'],
  STD_HYP: ['KVM_REG_ARM_STD_HYP_BIT_PV_TIME'],
  VENDOR_HYP: ['KVM_REG_ARM_VENDOR_HYP_BIT_FUNC_FEAT', 'KVM_REG_ARM_VENDOR_HYP_BIT_PTP'],
  VENDOR_HYP_2: ['KVM_REG_ARM_VENDOR_HYP_BIT_DISCOVER_IMPL_VER', 'KVM_REG_ARM_VENDOR_HYP_BIT_DISCOVER_IMPL_CPUS'],
};

type FwRegDescriptor =
  | { readonly kind: 'psci-version'; readonly id: bigint; readonly name: string }
  | { readonly kind: 'workaround'; readonly id: bigint; readonly name: string; readonly wa: FwWorkaround }
  | { readonly kind: 'bitmap'; readonly id: bigint; readonly name: string; readonly bitmap: FwBitmapName };

/** `kvm_arm_fw_reg_ids[]` order: this is also the KVM_GET_REG_LIST order. */
const FW_REGS: readonly FwRegDescriptor[] = [
  { kind: 'psci-version', id: KVM_REG_ARM_PSCI_VERSION, name: 'KVM_REG_ARM_PSCI_VERSION' },
  { kind: 'workaround', id: KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1, name: 'KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1', wa: 1 },
  { kind: 'workaround', id: KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2, name: 'KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2', wa: 2 },
  { kind: 'workaround', id: KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_3, name: 'KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_3', wa: 3 },
  { kind: 'bitmap', id: KVM_REG_ARM_STD_BMAP, name: 'KVM_REG_ARM_STD_BMAP', bitmap: 'STD' },
  { kind: 'bitmap', id: KVM_REG_ARM_STD_HYP_BMAP, name: 'KVM_REG_ARM_STD_HYP_BMAP', bitmap: 'STD_HYP' },
  { kind: 'bitmap', id: KVM_REG_ARM_VENDOR_HYP_BMAP, name: 'KVM_REG_ARM_VENDOR_HYP_BMAP', bitmap: 'VENDOR_HYP' },
  { kind: 'bitmap', id: KVM_REG_ARM_VENDOR_HYP_BMAP_2, name: 'KVM_REG_ARM_VENDOR_HYP_BMAP_2', bitmap: 'VENDOR_HYP_2' },
];
const BY_ID: ReadonlyMap<bigint, FwRegDescriptor> = new Map(FW_REGS.map((d) => [d.id, d]));
/** The bitmap registers' rows of FW_REGS, by bitmap. */
const BITMAP_REGS = Object.fromEntries(
  FW_REGS.flatMap((d) => (d.kind === 'bitmap' ? [[d.bitmap, d] as const] : [])),
) as Readonly<Record<FwBitmapName, FwRegDescriptor>>;
const BITMAP_REG_NAME: Readonly<Record<FwBitmapName, string>> = mapBitmaps((b) => BITMAP_REGS[b].name);

/** The register that holds each bitmap. */
export const FW_BITMAP_REG_ID: Readonly<Record<FwBitmapName, bigint>> = mapBitmaps((b) => BITMAP_REGS[b].id);

function mapBitmaps<T>(f: (b: FwBitmapName) => T): Record<FwBitmapName, T> {
  return { STD: f('STD'), STD_HYP: f('STD_HYP'), VENDOR_HYP: f('VENDOR_HYP'), VENDOR_HYP_2: f('VENDOR_HYP_2') };
}

/** Function ids gated by one bitmap bit (kvm_smccc_test_fw_bmap; DISCOVER_IMPL is VMM-served and gated here too). */
const GATED_FIDS: ReadonlyMap<number, readonly [FwBitmapName, number]> = new Map([
  [ARM_SMCCC_TRNG_VERSION, ['STD', KVM_REG_ARM_STD_BIT_TRNG_V1_0]],
  [ARM_SMCCC_TRNG_FEATURES, ['STD', KVM_REG_ARM_STD_BIT_TRNG_V1_0]],
  [ARM_SMCCC_TRNG_GET_UUID, ['STD', KVM_REG_ARM_STD_BIT_TRNG_V1_0]],
  [ARM_SMCCC_TRNG_RND32, ['STD', KVM_REG_ARM_STD_BIT_TRNG_V1_0]],
  [ARM_SMCCC_TRNG_RND64, ['STD', KVM_REG_ARM_STD_BIT_TRNG_V1_0]],
  [ARM_SMCCC_HV_PV_TIME_FEATURES, ['STD_HYP', KVM_REG_ARM_STD_HYP_BIT_PV_TIME]],
  [ARM_SMCCC_HV_PV_TIME_ST, ['STD_HYP', KVM_REG_ARM_STD_HYP_BIT_PV_TIME]],
  [ARM_SMCCC_VENDOR_HYP_KVM_FEATURES_FUNC_ID, ['VENDOR_HYP', KVM_REG_ARM_VENDOR_HYP_BIT_FUNC_FEAT]],
  [ARM_SMCCC_VENDOR_HYP_CALL_UID_FUNC_ID, ['VENDOR_HYP', KVM_REG_ARM_VENDOR_HYP_BIT_FUNC_FEAT]],
  [ARM_SMCCC_VENDOR_HYP_KVM_PTP_FUNC_ID, ['VENDOR_HYP', KVM_REG_ARM_VENDOR_HYP_BIT_PTP]],
  [ARM_SMCCC_VENDOR_HYP_KVM_DISCOVER_IMPL_VER_FUNC_ID, ['VENDOR_HYP_2', KVM_REG_ARM_VENDOR_HYP_BIT_DISCOVER_IMPL_VER]],
  [ARM_SMCCC_VENDOR_HYP_KVM_DISCOVER_IMPL_CPUS_FUNC_ID, ['VENDOR_HYP_2', KVM_REG_ARM_VENDOR_HYP_BIT_DISCOVER_IMPL_CPUS]],
  // Not KVM's: Gunyah's discovery call sits beside the vendor Call UID, so one switch hides both and a guest
  // never learns of a Gunyah API whose UID it could not see.
  [GH_HYPERCALL_HYP_IDENTIFY, ['VENDOR_HYP', KVM_REG_ARM_VENDOR_HYP_BIT_FUNC_FEAT]],
]);

/** Asked by the dispatcher before a call reaches a service. */
export interface ServiceGate {
  isVisible(fid: number): boolean;
}

export interface HostWorkaroundLevels {
  /** KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1_* level, 0..2. */
  readonly wa1: bigint;
  /** Only NOT_AVAIL (0) or NOT_REQUIRED (3), as KVM reports. */
  readonly wa2: bigint;
  /** KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_3_* level, 0..2. */
  readonly wa3: bigint;
}

export interface FirmwareRegistersConfig {
  /** Bits this configuration serves per bitmap (defaults: KVM_FW_BITMAP_MASKS). A cleared bit masks the service. */
  readonly supported?: Partial<Record<FwBitmapName, bigint>>;
  /** vCPU feature KVM_ARM_VCPU_PSCI_0_2 (default true): decides PSCI 0.1 vs 0.2+ acceptance. */
  readonly psci02?: boolean;
  /** Host mitigation levels behind WORKAROUND_1/2/3 (default: all NOT_REQUIRED). */
  readonly hostWorkarounds?: HostWorkaroundLevels;
}

/** Guest-visible register values, in the order of `list()`. Snapshots carry exactly this. */
export interface FirmwareRegistersState {
  readonly psciVersion: bigint;
  readonly workaround1: bigint;
  readonly workaround2: bigint;
  readonly workaround3: bigint;
  readonly stdBmap: bigint;
  readonly stdHypBmap: bigint;
  readonly vendorHypBmap: bigint;
  readonly vendorHypBmap2: bigint;
}

export const FIRMWARE_REGISTERS_STATE_VERSION = 1;
export const FIRMWARE_REGISTERS_STATE = struct('firmware-registers-state', {
  version: u32le,
  reserved: u32le,
  psciVersion: u64le,
  workaround1: u64le,
  workaround2: u64le,
  workaround3: u64le,
  stdBmap: u64le,
  stdHypBmap: u64le,
  vendorHypBmap: u64le,
  vendorHypBmap2: u64le,
});

export function encodeFirmwareRegistersState(s: FirmwareRegistersState): Uint8Array {
  return FIRMWARE_REGISTERS_STATE.encode({ ...s, version: FIRMWARE_REGISTERS_STATE_VERSION });
}

export function decodeFirmwareRegistersState(buf: Uint8Array): FirmwareRegistersState {
  if (buf.length !== FIRMWARE_REGISTERS_STATE.size) {
    throw new FwRegError('EINVAL', `Firmware-register state is ${buf.length} bytes, expected ${FIRMWARE_REGISTERS_STATE.size}; the snapshot is truncated or from another format.`);
  }
  const { version, reserved: _reserved, ...s } = FIRMWARE_REGISTERS_STATE.decode(buf);
  if (version !== FIRMWARE_REGISTERS_STATE_VERSION) {
    throw new FwRegError('EINVAL', `Firmware-register state version ${version} is not supported (expected ${FIRMWARE_REGISTERS_STATE_VERSION}); restore with the bothy version that wrote it.`);
  }
  return s;
}

const STATE_KEYS: Readonly<Record<string, keyof FirmwareRegistersState>> = {
  KVM_REG_ARM_PSCI_VERSION: 'psciVersion',
  KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1: 'workaround1',
  KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2: 'workaround2',
  KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_3: 'workaround3',
  KVM_REG_ARM_STD_BMAP: 'stdBmap',
  KVM_REG_ARM_STD_HYP_BMAP: 'stdHypBmap',
  KVM_REG_ARM_VENDOR_HYP_BMAP: 'vendorHypBmap',
  KVM_REG_ARM_VENDOR_HYP_BMAP_2: 'vendorHypBmap2',
};

/**
 * The words every FirmwareRegisters over one SharedArrayBuffer reads and writes: vCPU threads never receive
 * messages, and the PSCI version may change after the VM ran, so each thread must read the live values.
 * Host memory only (never guest-visible or saved), accessed through native typed arrays with Atomics.
 */
export const FIRMWARE_REGISTERS_SHARED = struct('firmware-registers-shared', {
  /** 0 free, 1 held: serialises bitmap SETs against markRan, as KVM's config_lock does. */
  lock: u32le,
  /** 0 until the first instance has written the defaults; later instances attach. */
  initialised: u32le,
  /** kvm_vm_has_ran_once. */
  ran: u32le,
  reserved: u32le,
  /** 0 = never set (GET reports the default for the vCPU's PSCI feature). */
  psciVersion: u64le,
  stdBmap: u64le,
  stdHypBmap: u64le,
  vendorHypBmap: u64le,
  vendorHypBmap2: u64le,
});
export const FIRMWARE_REGISTERS_SHARED_BYTES = FIRMWARE_REGISTERS_SHARED.size;

const I32 = {
  lock: FIRMWARE_REGISTERS_SHARED.offsets.lock / 4,
  initialised: FIRMWARE_REGISTERS_SHARED.offsets.initialised / 4,
  ran: FIRMWARE_REGISTERS_SHARED.offsets.ran / 4,
} as const;
const U64 = {
  psciVersion: FIRMWARE_REGISTERS_SHARED.offsets.psciVersion / 8,
  STD: FIRMWARE_REGISTERS_SHARED.offsets.stdBmap / 8,
  STD_HYP: FIRMWARE_REGISTERS_SHARED.offsets.stdHypBmap / 8,
  VENDOR_HYP: FIRMWARE_REGISTERS_SHARED.offsets.vendorHypBmap / 8,
  VENDOR_HYP_2: FIRMWARE_REGISTERS_SHARED.offsets.vendorHypBmap2 / 8,
} as const;

const U64_MAX = 0xffff_ffff_ffff_ffffn;
const hex = (v: bigint): string => `0x${v.toString(16)}`;

/** "bit 1 (KVM_REG_ARM_VENDOR_HYP_BIT_PTP), bit 7" */
export function describeFwBits(bitmap: FwBitmapName, bits: bigint): string {
  const parts: string[] = [];
  for (let b = 0; b < 64; b++) {
    if ((bits >> BigInt(b)) & 1n) {
      const n = BIT_NAMES[bitmap][b];
      parts.push(n === undefined ? `bit ${b}` : `bit ${b} (${n})`);
    }
  }
  return parts.join(', ');
}

export class FirmwareRegisters implements ServiceGate {
  readonly #supported: Readonly<Record<FwBitmapName, bigint>>;
  readonly #psci02: boolean;
  readonly #host: HostWorkaroundLevels;
  readonly #config: FirmwareRegistersConfig;
  readonly #buffer: SharedArrayBuffer;
  readonly #i32: Int32Array;
  readonly #u64: BigUint64Array;

  /**
   * `buffer` (FIRMWARE_REGISTERS_SHARED_BYTES, zero-filled when new) shares the register values with every
   * other instance over it, e.g. one per vCPU worker: the first instance writes the defaults, later ones
   * attach and must be given the same config. Without it the instance allocates its own (see `buffer`).
   */
  constructor(config: FirmwareRegistersConfig = {}, buffer?: SharedArrayBuffer) {
    this.#config = config;
    const s = config.supported ?? {};
    this.#supported = {
      STD: s.STD ?? KVM_FW_BITMAP_MASKS.STD,
      STD_HYP: s.STD_HYP ?? KVM_FW_BITMAP_MASKS.STD_HYP,
      VENDOR_HYP: s.VENDOR_HYP ?? KVM_FW_BITMAP_MASKS.VENDOR_HYP,
      VENDOR_HYP_2: s.VENDOR_HYP_2 ?? KVM_FW_BITMAP_MASKS.VENDOR_HYP_2,
    };
    for (const name of Object.keys(this.#supported) as FwBitmapName[]) {
      const extra = this.#supported[name] & ~KVM_FW_BITMAP_MASKS[name];
      if (this.#supported[name] < 0n || extra !== 0n) {
        throw new FwRegError('EINVAL', `Supported mask ${hex(this.#supported[name])} for ${BITMAP_REG_NAME[name]} names undefined bits ${hex(extra)}; only ${hex(KVM_FW_BITMAP_MASKS[name])} exist.`);
      }
    }
    this.#psci02 = config.psci02 ?? true;
    this.#host = config.hostWorkarounds ?? {
      wa1: KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1_NOT_REQUIRED,
      wa2: KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2_NOT_REQUIRED,
      wa3: KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_3_NOT_REQUIRED,
    };
    this.#buffer = buffer ?? new SharedArrayBuffer(FIRMWARE_REGISTERS_SHARED_BYTES);
    if (!(this.#buffer instanceof SharedArrayBuffer) || this.#buffer.byteLength !== FIRMWARE_REGISTERS_SHARED_BYTES) {
      throw new RangeError(`Firmware-register buffer must be a SharedArrayBuffer of ${FIRMWARE_REGISTERS_SHARED_BYTES} bytes (FIRMWARE_REGISTERS_SHARED_BYTES), got ${String(this.#buffer.byteLength)} bytes; pass another instance's .buffer or none.`);
    }
    this.#i32 = new Int32Array(this.#buffer);
    this.#u64 = new BigUint64Array(this.#buffer);
    this.#locked(() => {
      if (Atomics.load(this.#i32, I32.initialised) !== 0) {
        this.#checkAttach();
        return;
      }
      // kvm_arm_init_hypercalls: every bitmap starts fully enabled except VENDOR_HYP_BMAP_2, which is never initialised.
      Atomics.store(this.#u64, U64.STD, this.#supported.STD);
      Atomics.store(this.#u64, U64.STD_HYP, this.#supported.STD_HYP);
      Atomics.store(this.#u64, U64.VENDOR_HYP, this.#supported.VENDOR_HYP);
      Atomics.store(this.#u64, U64.VENDOR_HYP_2, 0n);
      Atomics.store(this.#u64, U64.psciVersion, 0n);
      Atomics.store(this.#i32, I32.ran, 0);
      Atomics.store(this.#i32, I32.initialised, 1);
    });
  }

  /**
   * Rebuilds registers from a snapshot through the same SET path a VMM uses; refuses what this config cannot
   * honour. A `buffer` must be fresh (zero-filled): the restored VM has not run yet.
   */
  static fromState(saved: FirmwareRegistersState, config: FirmwareRegistersConfig = {}, buffer?: SharedArrayBuffer): FirmwareRegisters {
    const regs = new FirmwareRegisters(config, buffer);
    regs.checkRestorable(saved);
    for (const d of FW_REGS) regs.set(d.id, saved[stateKey(d)]);
    return regs;
  }

  /** KVM_GET_REG_LIST's firmware part, in kvm_arm_fw_reg_ids[] order. */
  list(): readonly bigint[] {
    return FW_REGS.map((d) => d.id);
  }

  /** The register's name, or undefined for an id that is not a firmware register. */
  nameOf(id: bigint): string | undefined {
    return BY_ID.get(id)?.name;
  }

  /** The shared words behind this instance: hand it to another thread's `new FirmwareRegisters(config, buffer)`. */
  get buffer(): SharedArrayBuffer {
    return this.#buffer;
  }

  get hasRan(): boolean {
    return Atomics.load(this.#i32, I32.ran) !== 0;
  }

  /** Called by the VM at the first KVM_RUN of any vCPU (any thread); bitmaps are frozen from then on. */
  markRan(): void {
    this.#locked(() => Atomics.store(this.#i32, I32.ran, 1));
  }

  supportedMask(bitmap: FwBitmapName): bigint {
    return this.#supported[bitmap];
  }

  bitmap(bitmap: FwBitmapName): bigint {
    return Atomics.load(this.#u64, U64[bitmap]);
  }

  isBitSet(bitmap: FwBitmapName, bit: number): boolean {
    return ((this.bitmap(bitmap) >> BigInt(bit)) & 1n) === 1n;
  }

  /** The host level ARCH_FEATURES reports for WORKAROUND_n (KVM never stores a SET value here). */
  workaroundLevel(wa: FwWorkaround): bigint {
    return this.#hostLevel(wa) & KVM_REG_FEATURE_LEVEL_MASK;
  }

  isVisible(fid: number): boolean {
    const g = GATED_FIDS.get(fid);
    return g === undefined || this.isBitSet(g[0], g[1]);
  }

  get(id: bigint): bigint {
    const d = BY_ID.get(id);
    if (d === undefined) throw unknownId(id);
    switch (d.kind) {
      case 'psci-version':
        return this.#effectivePsciVersion();
      case 'workaround':
        return this.workaroundLevel(d.wa);
      case 'bitmap':
        return this.bitmap(d.bitmap);
      default:
        return assertNever(d, 'firmware register');
    }
  }

  /** KVM_SET_ONE_REG; `size` is the byte count the caller transfers. Checks run in kvm_arm_set_fw_reg's order. */
  set(id: bigint, value: bigint, size = 8): void {
    const d = BY_ID.get(id);
    if (KVM_REG_SIZE(id) !== 8 || size !== 8) {
      throw new FwRegError('ENOENT', `${d?.name ?? `Register ${hex(id)}`}: a ${size}-byte write to a ${KVM_REG_SIZE(id)}-byte id is not a firmware register; firmware registers are 64-bit (KVM_REG_SIZE_U64).`);
    }
    if (d === undefined) throw unknownId(id);
    if (typeof value !== 'bigint' || value < 0n || value > U64_MAX) {
      throw new FwRegError('EINVAL', `${d.name}: ${String(value)} is not a u64 value.`);
    }
    switch (d.kind) {
      case 'psci-version':
        return this.#setPsciVersion(d.name, value);
      case 'workaround':
        return this.#checkWorkaround(d.name, d.wa, value);
      case 'bitmap':
        return this.#setBitmap(d.name, d.bitmap, value);
      default:
        return assertNever(d, 'firmware register');
    }
  }

  state(): FirmwareRegistersState {
    const out: Record<string, bigint> = {};
    for (const d of FW_REGS) out[stateKey(d)] = this.get(d.id);
    return out as unknown as FirmwareRegistersState;
  }

  /**
   * Migration safety: a snapshot may only land where every service it exposes to the guest still exists.
   * Throws FwRegError('EINVAL') naming every bitmap bit this configuration lacks, or the first other register
   * the host cannot honour (a weaker mitigation, a PSCI version the vCPU feature set rejects).
   */
  checkRestorable(saved: FirmwareRegistersState): void {
    const missing: string[] = [];
    for (const d of FW_REGS) {
      if (d.kind !== 'bitmap') continue;
      const v = saved[stateKey(d)];
      const extra = v & ~this.#supported[d.bitmap];
      if (extra !== 0n) missing.push(`${d.name} ${describeFwBits(d.bitmap, extra)}`);
    }
    if (missing.length > 0) {
      throw new FwRegError('EINVAL', `Cannot restore: the snapshot exposes hypervisor services this configuration does not support: ${missing.join('; ')}. Restore on a configuration that supports them.`);
    }
    const scratch = new FirmwareRegisters(this.#config);
    for (const d of FW_REGS) {
      try {
        scratch.set(d.id, saved[stateKey(d)]);
      } catch (e) {
        if (e instanceof FwRegError) throw new FwRegError(e.code, `Cannot restore: ${e.message}`, { cause: e });
        throw e;
      }
    }
  }

  #effectivePsciVersion(): bigint {
    if (!this.#psci02) return KVM_ARM_PSCI_0_1;
    const v = Atomics.load(this.#u64, U64.psciVersion);
    return v !== 0n ? v : KVM_ARM_PSCI_LATEST;
  }

  /** A tiny mutex over the lock word; only host-side SETs and markRan take it, never a guest call. */
  #locked<T>(fn: () => T): T {
    while (Atomics.compareExchange(this.#i32, I32.lock, 0, 1) !== 0) Atomics.wait(this.#i32, I32.lock, 1, 1);
    try {
      return fn();
    } finally {
      Atomics.store(this.#i32, I32.lock, 0);
      Atomics.notify(this.#i32, I32.lock, 1);
    }
  }

  #checkAttach(): void {
    for (const name of Object.keys(this.#supported) as FwBitmapName[]) {
      const extra = this.bitmap(name) & ~this.#supported[name];
      if (extra !== 0n) {
        throw new FwRegError('EINVAL', `Shared firmware-register buffer has ${BITMAP_REG_NAME[name]} ${describeFwBits(name, extra)} set, which this configuration does not support; give every instance over one buffer the same config.`);
      }
    }
  }

  #hostLevel(wa: FwWorkaround): bigint {
    switch (wa) {
      case 1: return this.#host.wa1;
      case 2: return this.#host.wa2;
      case 3: return this.#host.wa3;
      default: return assertNever(wa, 'workaround');
    }
  }

  // No "has run" check: KVM lets userspace rewrite the PSCI version at any time.
  #setPsciVersion(name: string, v: bigint): void {
    const ok02 = [KVM_ARM_PSCI_0_2, KVM_ARM_PSCI_1_0, KVM_ARM_PSCI_1_1, KVM_ARM_PSCI_1_2, KVM_ARM_PSCI_1_3];
    if (v === KVM_ARM_PSCI_0_1) {
      if (this.#psci02) throw new FwRegError('EINVAL', `${name}: PSCI 0.1 (0x1) is not valid for a vCPU with KVM_ARM_VCPU_PSCI_0_2; choose 0.2 or later.`);
    } else if (ok02.includes(v)) {
      if (!this.#psci02) throw new FwRegError('EINVAL', `${name}: PSCI ${hex(v)} needs KVM_ARM_VCPU_PSCI_0_2; this vCPU only offers PSCI 0.1 (0x1).`);
    } else {
      throw new FwRegError('EINVAL', `${name}: ${hex(v)} is not a PSCI version KVM accepts (0x1, 0x2, 0x10000-0x10003).`);
    }
    Atomics.store(this.#u64, U64.psciVersion, v);
  }

  // Accepted but never stored: userspace may claim the same or weaker protection than the host, never better.
  #checkWorkaround(name: string, wa: FwWorkaround, v: bigint): void {
    const host = this.workaroundLevel(wa);
    if (wa === 2) {
      const bad = v & ~(KVM_REG_FEATURE_LEVEL_MASK | KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2_ENABLED);
      if (bad !== 0n) throw new FwRegError('EINVAL', `${name}: bits ${hex(bad)} are undefined; only the level (0xf) and ENABLED (0x10) exist.`);
      const level = v & KVM_REG_FEATURE_LEVEL_MASK;
      if ((v & KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2_ENABLED) !== 0n && level !== KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2_AVAIL) {
        throw new FwRegError('EINVAL', `${name}: ENABLED (0x10) is only valid with level AVAIL (2), not ${level}.`);
      }
      let mapped: bigint;
      if (level === KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2_NOT_AVAIL || level === KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2_UNKNOWN) {
        mapped = KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2_NOT_AVAIL;
      } else if (level === KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2_AVAIL || level === KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2_NOT_REQUIRED) {
        mapped = KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2_NOT_REQUIRED;
      } else {
        throw new FwRegError('EINVAL', `${name}: level ${level} is undefined (0-3).`);
      }
      if (host < mapped) throw new FwRegError('EINVAL', `${name}: level ${level} claims better protection than this host's level ${host}.`);
      return;
    }
    const bad = v & ~KVM_REG_FEATURE_LEVEL_MASK;
    if (bad !== 0n) throw new FwRegError('EINVAL', `${name}: bits ${hex(bad)} are undefined; only the level (0xf) exists.`);
    if (host < v) throw new FwRegError('EINVAL', `${name}: level ${v} claims better protection than this host's level ${host}.`);
  }

  #setBitmap(name: string, bitmap: FwBitmapName, v: bigint): void {
    // EINVAL before EBUSY: a bad value is reported as bad even after the VM has run.
    const extra = v & ~this.#supported[bitmap];
    if (extra !== 0n) {
      throw new FwRegError('EINVAL', `${name}: ${describeFwBits(bitmap, extra)} not supported by this configuration (supported mask ${hex(this.#supported[bitmap])}).`);
    }
    this.#locked(() => {
      const cur = this.bitmap(bitmap);
      if (this.hasRan && v !== cur) {
        throw new FwRegError('EBUSY', `${name}: cannot change ${hex(cur)} to ${hex(v)} (bits ${hex(cur ^ v)}) after the VM has run; set it before the first KVM_RUN.`);
      }
      Atomics.store(this.#u64, U64[bitmap], v);
    });
  }
}

function stateKey(d: FwRegDescriptor): keyof FirmwareRegistersState {
  const k = STATE_KEYS[d.name];
  if (k === undefined) throw new Error(`no state key for ${d.name}`);
  return k;
}

function unknownId(id: bigint): FwRegError {
  return new FwRegError('ENOENT', `Register ${hex(BigInt.asUintN(64, id))} is not a firmware pseudo-register; see FirmwareRegisters.list() for the valid ids.`);
}
