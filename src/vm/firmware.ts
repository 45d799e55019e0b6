// The VM's firmware: ACPI tables describing bothy's x86 platform (CPUs, COM1, the i8042, power, the
// VM Generation ID and the GED that notifies it), and a DTB handed over as setup_data (SETUP_DTB) so a
// guest without an ACPI interpreter finds the same devices. Both live in the reserved system region.

import type { GuestMemory } from '../memory/guest-memory.js';
import { gpa, hex, type Gpa, type Gsi } from '../memory/address.js';
import { LAYOUT, PORTS, IRQS } from '../arch/x86_64/layout.js';
import { encodeSetupData, SETUP_DTB } from '../arch/x86_64/boot-params.js';
import { buildAcpiTables, tablesForDump, type AcpiTables } from '../firmware/acpi/acpi-tables.js';
import type { AmlDevice } from '../firmware/acpi/aml-device.js';
import { buildX86Dtb } from '../firmware/fdt/x86-dtb.js';
import type { FdtDevice } from '../firmware/fdt/fdt-device.js';
import { serialAml } from '../devices/serial/serial-aml.js';
import { i8042Aml } from '../devices/i8042/i8042-aml.js';
import { vmgenidAml, vmgenidGedEvent } from '../devices/vmgenid/vmgenid-aml.js';
import { vmgenidFdt } from '../devices/vmgenid/vmgenid-fdt.js';
import { GedAml } from '../devices/ged/ged-aml.js';

export interface FirmwareConfig {
  readonly vcpus: number;
  readonly vmgenid?: { readonly gpa: Gpa; readonly gsi: Gsi };
}

const SETUP_DATA_ALIGN = 16;

function acpiTables(cfg: FirmwareConfig): AcpiTables {
  const devices: AmlDevice[] = [
    serialAml({ name: 'COM1', uid: 0, base: PORTS.COM1, length: PORTS.COM1_LEN, irq: IRQS.COM1 }),
    i8042Aml({ dataPort: PORTS.I8042_DATA, commandPort: PORTS.I8042_COMMAND, irq: IRQS.I8042_KBD }),
  ];
  if (cfg.vmgenid) {
    devices.push(vmgenidAml({ gpa: cfg.vmgenid.gpa }));
    devices.push(new GedAml().addEvent(vmgenidGedEvent(cfg.vmgenid.gsi)));
  }
  return buildAcpiTables({ vcpus: cfg.vcpus, devices });
}

function dtb(cfg: FirmwareConfig): Uint8Array {
  const devices: FdtDevice[] = [];
  if (cfg.vmgenid) devices.push(vmgenidFdt(cfg.vmgenid));
  return buildX86Dtb({ devices });
}

/** Writes the tables; returns the RSDP and the head of the setup_data list (the DTB). */
export function buildFirmware(memory: GuestMemory, cfg: FirmwareConfig): { rsdp: Gpa; setupData: Gpa } {
  const acpi = acpiTables(cfg);
  for (const t of acpi.tables) memory.write(t.gpa, t.bytes);
  memory.write(acpi.rsdpGpa, acpi.rsdp);
  const tablesEnd = Math.max(...acpi.tables.map((t) => t.gpa + t.bytes.length));
  const node = encodeSetupData(SETUP_DTB, dtb(cfg));
  const at = Math.ceil(tablesEnd / SETUP_DATA_ALIGN) * SETUP_DATA_ALIGN;
  if (at + node.length > LAYOUT.SYSTEM_TABLES_END) {
    throw new RangeError(`The DTB (${node.length} bytes at ${hex(at)}) does not fit below ${hex(LAYOUT.SYSTEM_TABLES_END)}`);
  }
  memory.write(at, node);
  return { rsdp: acpi.rsdpGpa, setupData: gpa(at) };
}

/** The tables as files, for `bothy dump-firmware`. */
export function firmwareTables(cfg: FirmwareConfig): { file: string; bytes: Uint8Array }[] {
  return [
    ...tablesForDump(acpiTables(cfg)).map((f) => ({ file: f.fileName, bytes: f.bytes })),
    { file: 'bothy.dtb', bytes: dtb(cfg) },
  ];
}
