// Multiple APIC Description Table (ACPI 6.5 §5.2.12): the LAPIC address, one Processor Local APIC
// entry per vCPU and one I/O APIC. No Interrupt Source Overrides: see BOTHY_IOAPIC_ID and buildMadt.

import { ByteSink } from '../../binary/byte-sink.js';
import { struct, bytes, u8, u32le } from '../../binary/struct.js';
import { LAYOUT } from '../../arch/x86_64/layout.js';
import { AcpiError } from './acpi-error.js';
import { finishSdt, SDT_HEADER } from './sdt-header.js';

export const MADT = struct('acpi_table_madt', {
  header: bytes(SDT_HEADER.size),
  localInterruptControllerAddress: u32le,
  flags: u32le,
});

export const MADT_REVISION = 6;

/** Interrupt Controller Structure types (§5.2.12). */
export const MADT_TYPE = { PROCESSOR_LOCAL_APIC: 0, IO_APIC: 1 } as const;

export const PROCESSOR_LOCAL_APIC = struct('acpi_madt_local_apic', {
  type: u8,
  length: u8,
  acpiProcessorUid: u8,
  apicId: u8,
  flags: u32le,
});

export const IO_APIC = struct('acpi_madt_io_apic', {
  type: u8,
  length: u8,
  ioApicId: u8,
  reserved: u8,
  ioApicAddress: u32le,
  globalSystemInterruptBase: u32le,
});

export const LOCAL_APIC_FLAGS = { ENABLED: 1 << 0, ONLINE_CAPABLE: 1 << 1 } as const;

/**
 * KVM's in-kernel IOAPIC resets with ID 0, and x86-64 Linux only needs IOAPIC IDs unique among
 * IOAPICs (LAPIC IDs are a separate space), so 0 matches the hardware and Linux never rewrites it.
 */
export const BOTHY_IOAPIC_ID = 0;

/** APIC ID 0xFF is the xAPIC broadcast ID; Linux ignores a Local APIC entry carrying it. */
export const MADT_MAX_VCPUS = 255;

export function buildMadt(cfg: { readonly vcpus: number }): Uint8Array {
  const { vcpus } = cfg;
  if (!Number.isInteger(vcpus) || vcpus < 1 || vcpus > MADT_MAX_VCPUS) {
    throw new AcpiError('bad-config', `Cannot describe ${vcpus} vCPUs in the MADT: use 1..${MADT_MAX_VCPUS} (xAPIC ids)`);
  }
  const out = new ByteSink();
  // Flags 0: no PCAT_COMPAT, since a HW-reduced guest must not touch the 8259s.
  out.bytes(MADT.encode({ localInterruptControllerAddress: LAYOUT.LAPIC_START, flags: 0 }));
  for (let i = 0; i < vcpus; i++) {
    out.bytes(
      PROCESSOR_LOCAL_APIC.encode({
        type: MADT_TYPE.PROCESSOR_LOCAL_APIC,
        length: PROCESSOR_LOCAL_APIC.size,
        acpiProcessorUid: i,
        apicId: i,
        flags: LOCAL_APIC_FLAGS.ENABLED,
      }),
    );
  }
  // KVM's default routing wires GSI n to IOAPIC pin n, the PIT included (pin 0), so the identity
  // mapping Linux assumes without overrides is exactly right; QEMU's IRQ0→GSI2 override would be wrong.
  out.bytes(
    IO_APIC.encode({
      type: MADT_TYPE.IO_APIC,
      length: IO_APIC.size,
      ioApicId: BOTHY_IOAPIC_ID,
      ioApicAddress: LAYOUT.IOAPIC_START,
      globalSystemInterruptBase: 0,
    }),
  );
  return finishSdt(out.toBytes(), { signature: 'APIC', revision: MADT_REVISION, oemTableId: 'BOTHYAPI' });
}
