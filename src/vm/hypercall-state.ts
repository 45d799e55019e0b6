// A VM's hypercall state as shared memory every vCPU thread sees: the firmware pseudo-registers, the PSCI
// power state of each vCPU and which vCPUs keep stolen time. Built fresh from what the user asked for,
// or from a snapshot — refused when this bothy lacks a service the snapshot's guest was shown.

import {
  FirmwareRegisters, decodeFirmwareRegistersState, encodeFirmwareRegistersState, type FirmwareRegistersConfig,
  type FwBitmapName,
} from '../hypercalls/firmware-registers.js';
import { KVM_MP_STATE } from '../kvm/abi/structs.js';
import { PowerStates } from './power-states.js';
import { StolenTimeFlags } from './stolen-time.js';
import type { SavedHypercalls } from '../snapshot/machine-state.js';

export type VendorUid = SavedHypercalls['vendorUid'];

/** What a user chooses for a VM's hypervisor services. */
export interface HypercallOptions {
  /** The services this bothy offers, per bitmap (default: all). Clearing bits simulates an older host. */
  readonly supported?: Partial<Record<FwBitmapName, bigint>>;
  /** KVM_SET_ONE_REG writes made before the first run, in order (`--fw-reg`, `--hypercalls`). */
  readonly fwRegs?: readonly { readonly id: bigint; readonly value: bigint }[];
  /** Which UID the vendor-hypervisor CALL_UID answers (default KVM's). */
  readonly vendorUid?: VendorUid;
}

export interface HypercallState {
  readonly config: FirmwareRegistersConfig;
  readonly registers: SharedArrayBuffer;
  readonly power: SharedArrayBuffer;
  readonly stolenTime: SharedArrayBuffer;
  readonly vendorUid: VendorUid;
}


const configOf = (o: HypercallOptions): FirmwareRegistersConfig => (o.supported ? { supported: o.supported } : {});

/** Throws FwRegError (with KVM's errno name) for the first `fwRegs` write KVM would refuse. */
export function freshHypercallState(vcpus: number, o: HypercallOptions = {}): HypercallState {
  const config = configOf(o);
  const regs = new FirmwareRegisters(config);
  for (const w of o.fwRegs ?? []) regs.set(w.id, w.value);
  return {
    config,
    registers: regs.buffer,
    power: PowerStates.boot(vcpus).buffer,
    stolenTime: StolenTimeFlags.create(vcpus).buffer,
    vendorUid: o.vendorUid ?? 'kvm',
  };
}

/**
 * From a snapshot. A snapshot written before bothy had hypercalls has none: the guest was shown KVM's
 * defaults, and vCPUs KVM still holds in wait-for-SIPI are off.
 */
export function restoredHypercallState(saved: SavedHypercalls | undefined, mpStates: readonly number[], o: HypercallOptions = {}): HypercallState {
  const config = configOf(o);
  const vcpus = mpStates.length;
  if (saved === undefined) {
    const power = PowerStates.boot(vcpus);
    mpStates.forEach((s, i) => (s === KVM_MP_STATE.UNINITIALIZED ? power.markOff(i) : power.markOn(i)));
    const regs = new FirmwareRegisters(config);
    regs.markRan();
    return { config, registers: regs.buffer, power: power.buffer, stolenTime: StolenTimeFlags.create(vcpus).buffer, vendorUid: o.vendorUid ?? 'kvm' };
  }
  const regs = FirmwareRegisters.fromState(decodeFirmwareRegistersState(saved.fwRegs), config);
  regs.markRan();
  return {
    config,
    registers: regs.buffer,
    power: PowerStates.fromSaved(saved.power, vcpus).buffer,
    stolenTime: StolenTimeFlags.fromSaved(saved.stolenTime, vcpus).buffer,
    vendorUid: saved.vendorUid,
  };
}

/** Read while every vCPU is parked. */
export function saveHypercallState(s: HypercallState): SavedHypercalls {
  return {
    vendorUid: s.vendorUid,
    fwRegs: encodeFirmwareRegistersState(new FirmwareRegisters(s.config, s.registers).state()),
    power: new PowerStates(s.power).savedBytes(),
    stolenTime: new StolenTimeFlags(s.stolenTime).savedBytes(),
  };
}
