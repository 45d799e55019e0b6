// ACPI description of the i8042 keyboard controller (PNP0303) as Linux's i8042 PNP probe expects it:
// data and command ports and the keyboard interrupt in _CRS (ACPI 6.5 §6.4). No PNP0F13 mouse: bothy's
// i8042 has no aux port.

import type { AmlDevice } from '../../firmware/acpi/aml-device.js';
import * as aml from '../../firmware/acpi/aml/index.js';
import type { Gsi, Port } from '../../memory/address.js';

export interface I8042AmlConfig {
  readonly dataPort: Port;
  readonly commandPort: Port;
  readonly irq: Gsi;
}

export function i8042Aml(cfg: I8042AmlConfig): AmlDevice {
  const term = aml.device('\\_SB.PS2', [
    aml.name('_HID', aml.eisaId('PNP0303')),
    aml.name(
      '_CRS',
      aml.resourceTemplate([aml.io(cfg.dataPort, 1), aml.io(cfg.commandPort, 1), aml.interrupt([cfg.irq])]),
    ),
  ]);
  return { appendAml: (out) => term.encodeInto(out) };
}
