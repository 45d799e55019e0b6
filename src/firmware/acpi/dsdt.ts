// Differentiated System Description Table (ACPI 6.5 §5.2.11.1): bothy's fixed namespace content —
// the \_S5 sleep package and the power button — followed by whatever each device describes.

import { ByteSink } from '../../binary/byte-sink.js';
import { ACPI_S5_SLP_TYP } from '../../arch/x86_64/layout.js';
import type { AmlDevice } from './aml-device.js';
import * as aml from './aml/index.js';
import { finishSdt, SDT_HEADER } from './sdt-header.js';

/** Revision 2: integers in this definition block are 64-bit (§5.2.11.1). */
export const DSDT_REVISION = 2;

/**
 * \_S5 (§7.4.2): Package {SLP_TYPa, SLP_TYPb, reserved, reserved}. On a HW-reduced platform the OS
 * writes SLP_TYPa with SLP_EN into SLEEP_CONTROL_REG; Linux only offers poweroff through it when
 * \_S5 exists and both sleep registers are in the FADT. SLP_TYPb would go to PM1b, which is absent.
 */
export const sleepStateS5: AmlDevice = {
  appendAml(out) {
    aml.name('\\_S5', aml.pkg([ACPI_S5_SLP_TYP, 0, 0, 0])).encodeInto(out);
  },
};

/**
 * A control-method power button (PNP0C0C, §4.8), matching FADT.PWR_BUTTON = 1. Linux's button driver
 * binds to it; presses are delivered by a Notify(PWRB, 0x80) from an event source
 * (a GED) that bothy does not have yet.
 */
export const powerButton: AmlDevice = {
  appendAml(out) {
    aml.device('\\_SB.PWRB', [aml.name('_HID', aml.eisaId('PNP0C0C')), aml.name('_UID', 0)]).encodeInto(out);
  },
};

export function buildDsdt(devices: readonly AmlDevice[]): Uint8Array {
  const out = new ByteSink();
  out.zeros(SDT_HEADER.size);
  for (const d of [sleepStateS5, powerButton, ...devices]) d.appendAml(out);
  return finishSdt(out.toBytes(), { signature: 'DSDT', revision: DSDT_REVISION, oemTableId: 'BOTHYDSD' });
}
