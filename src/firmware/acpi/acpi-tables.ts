// Builds the whole ACPI table set for an x86-64 bothy VM and places it in guest memory: DSDT, FADT,
// MADT and XSDT in the system-data region, the RSDP at its fixed address (ACPI 6.5 §5.2.5.1).

import { gpa, hex, type Gpa } from '../../memory/address.js';
import { LAYOUT } from '../../arch/x86_64/layout.js';
import { AcpiError } from './acpi-error.js';
import type { AmlDevice } from './aml-device.js';
import { buildDsdt } from './dsdt.js';
import { buildFadt } from './fadt.js';
import { buildMadt } from './madt.js';
import { buildXsdt } from './xsdt.js';
import { buildRsdp } from './rsdp.js';

export interface AcpiTablesConfig {
  readonly vcpus: number;
  readonly devices: readonly AmlDevice[];
}

export interface PlacedTable {
  /** The header signature: "DSDT", "FACP", "APIC", "XSDT". */
  readonly signature: string;
  readonly gpa: Gpa;
  readonly bytes: Uint8Array;
}

export interface AcpiTables {
  readonly rsdp: Uint8Array;
  readonly rsdpGpa: Gpa;
  readonly tables: readonly PlacedTable[];
}

/** Table start alignment: not required by the spec (only the FACS has one), but keeps dumps readable. */
const TABLE_ALIGN = 8;

export function buildAcpiTables(cfg: AcpiTablesConfig): AcpiTables {
  const tables: PlacedTable[] = [];
  let next: number = LAYOUT.SYSTEM_START;
  // Each table is placed before the one that points at it, so every pointer is known when needed.
  const place = (signature: string, bytes: Uint8Array): Gpa => {
    const at = Math.ceil(next / TABLE_ALIGN) * TABLE_ALIGN;
    const end = at + bytes.length;
    if (end > LAYOUT.SYSTEM_TABLES_END) {
      throw new AcpiError(
        'no-space',
        `ACPI ${signature} (${bytes.length} bytes at ${hex(at)}) does not fit the system region ` +
          `${hex(LAYOUT.SYSTEM_START)}–${hex(LAYOUT.SYSTEM_TABLES_END)}: describe fewer devices or grow LAYOUT.SYSTEM_*`,
      );
    }
    next = end;
    const where = gpa(at);
    tables.push({ signature, gpa: where, bytes });
    return where;
  };

  const dsdt = place('DSDT', buildDsdt(cfg.devices));
  const fadt = place('FACP', buildFadt({ dsdt }));
  const madt = place('APIC', buildMadt({ vcpus: cfg.vcpus }));
  const xsdt = place('XSDT', buildXsdt([fadt, madt]));
  return { rsdp: buildRsdp(xsdt), rsdpGpa: LAYOUT.RSDP_START, tables };
}

export interface DumpFile {
  readonly fileName: string;
  readonly bytes: Uint8Array;
}

/**
 * One file per table for `bothy dump-firmware`, named like acpixtract's output (lower-case
 * signature + ".dat", RSDP as rsdp.dat) so `iasl -d *.dat` works on the directory.
 */
export function tablesForDump(result: AcpiTables): DumpFile[] {
  return [
    { fileName: 'rsdp.dat', bytes: result.rsdp },
    ...result.tables.map((t) => ({ fileName: `${t.signature.toLowerCase()}.dat`, bytes: t.bytes })),
  ];
}
