// The VM's firmware: ACPI tables describing bothy's x86 platform (CPUs, COM1, the i8042, power),
// written into the reserved system region, with the RSDP where a BIOS-area scan finds it.

import type { GuestMemory } from '../memory/guest-memory.js';
import type { Gpa } from '../memory/address.js';
import { PORTS, IRQS } from '../arch/x86_64/layout.js';
import { buildAcpiTables, tablesForDump, type AcpiTables } from '../firmware/acpi/acpi-tables.js';
import { serialAml } from '../devices/serial/serial-aml.js';
import { i8042Aml } from '../devices/i8042/i8042-aml.js';

export interface FirmwareConfig {
  readonly vcpus: number;
}

function acpiTables(cfg: FirmwareConfig): AcpiTables {
  return buildAcpiTables({
    vcpus: cfg.vcpus,
    devices: [
      serialAml({ name: 'COM1', uid: 0, base: PORTS.COM1, length: PORTS.COM1_LEN, irq: IRQS.COM1 }),
      i8042Aml({ dataPort: PORTS.I8042_DATA, commandPort: PORTS.I8042_COMMAND, irq: IRQS.I8042_KBD }),
    ],
  });
}

export function buildFirmware(memory: GuestMemory, cfg: FirmwareConfig): { rsdp: Gpa } {
  const acpi = acpiTables(cfg);
  for (const t of acpi.tables) memory.write(t.gpa, t.bytes);
  memory.write(acpi.rsdpGpa, acpi.rsdp);
  return { rsdp: acpi.rsdpGpa };
}

/** The tables as files, for `bothy dump-firmware`. */
export function firmwareTables(cfg: FirmwareConfig): { file: string; bytes: Uint8Array }[] {
  return tablesForDump(acpiTables(cfg)).map((f) => ({ file: f.fileName, bytes: f.bytes }));
}
