// Every hypercall service bothy offers, wired into one dispatcher gated by the firmware registers, and the
// friendly `--hypercalls` names for the bitmap bits that switch them (reference §2.2, §3.2).

import { HypercallDispatcher } from './dispatcher.js';
import {
  FirmwareRegisters,
  KVM_REG_ARM_STD_BIT_TRNG_V1_0,
  KVM_REG_ARM_STD_HYP_BIT_PV_TIME,
  KVM_REG_ARM_VENDOR_HYP_BIT_DISCOVER_IMPL_CPUS,
  KVM_REG_ARM_VENDOR_HYP_BIT_DISCOVER_IMPL_VER,
  KVM_REG_ARM_VENDOR_HYP_BIT_FUNC_FEAT,
  KVM_REG_ARM_VENDOR_HYP_BIT_PTP,
  FW_BITMAP_REG_ID,
  type FwBitmapName,
} from './firmware-registers.js';
import { GunyahIdentifyService, type GunyahFlags } from './gunyah-identify.js';
import { HypercallError } from './hypercall-error.js';
import { PsciService } from './psci.js';
import { PvTimeService } from './pv-time.js';
import { SmcccArchService } from './smccc-arch.js';
import { TrngService } from './trng.js';
import { VendorHypService, type VendorHypUid } from './vendor-hyp.js';

export interface CreateDispatcherOptions {
  /** Which hypervisor the vendor Call UID names (default 'kvm'). */
  readonly vendorUid?: VendorHypUid;
  /** hypervisor_identify's flags0..2 (default all 0: no Gunyah kernel objects served). */
  readonly gunyahFlags?: GunyahFlags;
  readonly onServiceError?: (service: string, fid: number, error: unknown) => void;
}

/** One dispatcher per vCPU thread is fine: services keep no per-call state, and `regs` may be shared memory. */
export function createDispatcher(regs: FirmwareRegisters, opts: CreateDispatcherOptions = {}): HypercallDispatcher {
  const d = new HypercallDispatcher(opts.onServiceError === undefined ? { gate: regs } : { gate: regs, onServiceError: opts.onServiceError });
  d.register(new SmcccArchService(regs));
  d.register(new PsciService(regs));
  d.register(new TrngService());
  d.register(new PvTimeService());
  d.register(new VendorHypService(regs, opts.vendorUid === undefined ? {} : { uid: opts.vendorUid }));
  d.register(new GunyahIdentifyService(opts.gunyahFlags));
  return d;
}

export interface HypercallFeature {
  readonly bitmap: FwBitmapName;
  readonly bit: number;
}

/** `--hypercalls` names → the bitmap bit that switches that service. */
export const HYPERCALL_FEATURES: Readonly<Record<string, HypercallFeature>> = {
  'trng': { bitmap: 'STD', bit: KVM_REG_ARM_STD_BIT_TRNG_V1_0 },
  'pv-time': { bitmap: 'STD_HYP', bit: KVM_REG_ARM_STD_HYP_BIT_PV_TIME },
  // Call UID, KVM_FEATURES and Gunyah's hypervisor_identify share this bit.
  'vendor': { bitmap: 'VENDOR_HYP', bit: KVM_REG_ARM_VENDOR_HYP_BIT_FUNC_FEAT },
  'kvm-features': { bitmap: 'VENDOR_HYP', bit: KVM_REG_ARM_VENDOR_HYP_BIT_FUNC_FEAT },
  'ptp': { bitmap: 'VENDOR_HYP', bit: KVM_REG_ARM_VENDOR_HYP_BIT_PTP },
  'discover-impl-ver': { bitmap: 'VENDOR_HYP_2', bit: KVM_REG_ARM_VENDOR_HYP_BIT_DISCOVER_IMPL_VER },
  'discover-impl-cpus': { bitmap: 'VENDOR_HYP_2', bit: KVM_REG_ARM_VENDOR_HYP_BIT_DISCOVER_IMPL_CPUS },
};

export interface HypercallToggle extends HypercallFeature {
  readonly on: boolean;
}

const VALUES: Readonly<Record<string, boolean>> = { on: true, off: false };

/** "trng=off,pv-time=on" → toggles in the order given (a later one for the same bit wins). Empty text → []. */
export function parseHypercallToggles(text: string): HypercallToggle[] {
  const out: HypercallToggle[] = [];
  const names = Object.keys(HYPERCALL_FEATURES).join(', ');
  for (const raw of text.split(',')) {
    const part = raw.trim();
    if (part === '' && text.trim() === '') continue;
    const eq = part.indexOf('=');
    const name = (eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase();
    const value = eq < 0 ? undefined : part.slice(eq + 1).trim().toLowerCase();
    const feature = Object.hasOwn(HYPERCALL_FEATURES, name) ? HYPERCALL_FEATURES[name] : undefined;
    if (feature === undefined) {
      throw new HypercallError('INVALID_TOGGLE', `--hypercalls: '${part}' does not name a hypercall service; valid names: ${names} (e.g. trng=off,pv-time=on).`);
    }
    const on = value !== undefined && Object.hasOwn(VALUES, value) ? VALUES[value] : undefined;
    if (on === undefined) {
      throw new HypercallError('INVALID_TOGGLE', `--hypercalls: '${part}' must be ${name}=on or ${name}=off.`);
    }
    out.push({ bitmap: feature.bitmap, bit: feature.bit, on });
  }
  return out;
}

/**
 * Applies toggles through the registers' SET path, so the usual FwRegError applies: EINVAL for a bit this
 * configuration does not support, EBUSY once the VM has run.
 */
export function applyHypercallToggles(regs: FirmwareRegisters, toggles: readonly HypercallToggle[]): void {
  for (const t of toggles) {
    const bit = 1n << BigInt(t.bit);
    const cur = regs.bitmap(t.bitmap);
    regs.set(FW_BITMAP_REG_ID[t.bitmap], t.on ? cur | bit : cur & ~bit);
  }
}
