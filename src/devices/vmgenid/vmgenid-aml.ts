// ACPI description of the VM Generation ID device as Linux's vmgenid driver binds it (reference
// vmgenid.md §3.2, §7.2): \_SB.VGEN with _HID "VMGENCTR", _CID/_DDN "VM_Gen_Counter" and ADDR.

import type { AmlDevice } from '../../firmware/acpi/aml-device.js';
import * as aml from '../../firmware/acpi/aml/index.js';
import type { Gpa, Gsi } from '../../memory/address.js';
import type { GedEvent } from '../ged/ged-aml.js';

export const VMGENID_AML_PATH = '\\_SB.VGEN';
/**
 * Linux matches "VMGENCTR" or "VM_GEN_COUNTER" against _HID and _CID. _HID "VMGENCTR" binds on every
 * kernel (pre-6.10 kernels may match _HID only); _CID "VM_Gen_Counter" is the spec's id, which ACPICA
 * upper-cases into Linux's second id. iasl refuses to compile this _HID (not hex); the AML is fine.
 */
export const VMGENID_HID = 'VMGENCTR';
export const VMGENID_CID = 'VM_Gen_Counter';
/** ACPI 6.5 §5.6.6: Notify 0x80 on a device is device-specific; Linux's driver rereads the ID on any. */
export const VMGENID_NOTIFY_VALUE = 0x80;

export interface VmGenIdAmlConfig {
  readonly gpa: Gpa;
}

/**
 * Device(\_SB.VGEN). No _CRS: Linux finds the buffer through ADDR, and a memory resource would make
 * the ACPI core claim a range inside the e820-reserved system region. No _STA: always present.
 */
export function vmgenidAml(cfg: VmGenIdAmlConfig): AmlDevice {
  const low = cfg.gpa % 2 ** 32;
  const high = Math.floor(cfg.gpa / 2 ** 32);
  const term = aml.device(VMGENID_AML_PATH, [
    aml.name('_HID', VMGENID_HID),
    aml.name('_CID', VMGENID_CID),
    aml.name('_DDN', VMGENID_CID),
    // Linux requires a Package of exactly two Integers, low 32 bits first.
    aml.name('ADDR', aml.pkg([low, high])),
  ]);
  return { appendAml: (out) => term.encodeInto(out) };
}

/** The GED event that turns the device's interrupt into Notify(\_SB.VGEN, 0x80). */
export function vmgenidGedEvent(gsi: Gsi): GedEvent {
  return { gsi, device: VMGENID_AML_PATH, notifyValue: VMGENID_NOTIFY_VALUE };
}
