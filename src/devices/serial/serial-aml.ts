// ACPI description of a 16550 UART as Linux's 8250_pnp driver expects it (PNP0501): the device under
// \_SB_ with its port range and interrupt in _CRS (ACPI 6.5 §6.2, §6.4). Address and IRQ come from
// whoever wires the device, never from here.

import type { AmlDevice } from '../../firmware/acpi/aml-device.js';
import * as aml from '../../firmware/acpi/aml/index.js';
import type { Gsi, Port } from '../../memory/address.js';

export interface SerialAmlConfig {
  /** Namespace name and _DDN, e.g. "COM1". */
  readonly name: string;
  readonly uid: number;
  readonly base: Port;
  readonly length: number;
  readonly irq: Gsi;
}

export function serialAml(cfg: SerialAmlConfig): AmlDevice {
  const term = aml.device(`\\_SB.${cfg.name}`, [
    aml.name('_HID', aml.eisaId('PNP0501')),
    aml.name('_UID', cfg.uid),
    aml.name('_DDN', cfg.name),
    aml.name('_CRS', aml.resourceTemplate([aml.io(cfg.base, cfg.length), aml.interrupt([cfg.irq])])),
  ]);
  return { appendAml: (out) => term.encodeInto(out) };
}
