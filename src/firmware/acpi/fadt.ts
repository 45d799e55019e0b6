// Fixed ACPI Description Table, revision 6.5 (ACPI 6.5 §5.2.9): 276 bytes declaring a HW-reduced
// platform (§4.1) whose only fixed registers are the sleep control/status and reset registers.

import { struct, bytes, u8, u16le, u32le, u64le } from '../../binary/struct.js';
import type { Gpa } from '../../memory/address.js';
import { ACPI_RESET_VALUE, IRQS, PORTS } from '../../arch/x86_64/layout.js';
import { finishSdt, fixedAscii, SDT_HEADER } from './sdt-header.js';
import { GAS, ioPortByteRegister } from './generic-address.js';

const GAS_FIELD = bytes(GAS.size);

/** The whole table, header included, so `FADT.offsets` are the spec's byte offsets. */
export const FADT = struct('acpi_table_fadt', {
  header: bytes(SDT_HEADER.size),
  firmwareCtrl: u32le,
  dsdt: u32le,
  reserved0: u8,
  preferredPmProfile: u8,
  sciInt: u16le,
  smiCmd: u32le,
  acpiEnable: u8,
  acpiDisable: u8,
  s4biosReq: u8,
  pstateCnt: u8,
  pm1aEvtBlk: u32le,
  pm1bEvtBlk: u32le,
  pm1aCntBlk: u32le,
  pm1bCntBlk: u32le,
  pm2CntBlk: u32le,
  pmTmrBlk: u32le,
  gpe0Blk: u32le,
  gpe1Blk: u32le,
  pm1EvtLen: u8,
  pm1CntLen: u8,
  pm2CntLen: u8,
  pmTmrLen: u8,
  gpe0BlkLen: u8,
  gpe1BlkLen: u8,
  gpe1Base: u8,
  cstCnt: u8,
  pLvl2Lat: u16le,
  pLvl3Lat: u16le,
  flushSize: u16le,
  flushStride: u16le,
  dutyOffset: u8,
  dutyWidth: u8,
  dayAlrm: u8,
  monAlrm: u8,
  century: u8,
  iapcBootArch: u16le,
  reserved1: u8,
  flags: u32le,
  resetReg: GAS_FIELD,
  resetValue: u8,
  armBootArch: u16le,
  fadtMinorVersion: u8,
  xFirmwareCtrl: u64le,
  xDsdt: u64le,
  xPm1aEvtBlk: GAS_FIELD,
  xPm1bEvtBlk: GAS_FIELD,
  xPm1aCntBlk: GAS_FIELD,
  xPm1bCntBlk: GAS_FIELD,
  xPm2CntBlk: GAS_FIELD,
  xPmTmrBlk: GAS_FIELD,
  xGpe0Blk: GAS_FIELD,
  xGpe1Blk: GAS_FIELD,
  sleepControlReg: GAS_FIELD,
  sleepStatusReg: GAS_FIELD,
  hypervisorVendorIdentity: bytes(8),
});

export const FADT_REVISION = 6;
export const FADT_MINOR_REVISION = 5;

/** Fixed Feature Flags (§5.2.9, the FADT's Flags field). */
export const FADT_FLAGS = {
  WBINVD: 1 << 0,
  PWR_BUTTON: 1 << 4,
  SLP_BUTTON: 1 << 5,
  RESET_REG_SUP: 1 << 10,
  HW_REDUCED_ACPI: 1 << 20,
} as const;

/** IA-PC Boot Architecture Flags (§5.2.9.3). */
export const IAPC_BOOT_ARCH = {
  LEGACY_DEVICES: 1 << 0,
  '8042': 1 << 1,
  VGA_NOT_PRESENT: 1 << 2,
  MSI_NOT_SUPPORTED: 1 << 3,
  PCIE_ASPM_CONTROLS: 1 << 4,
  CMOS_RTC_NOT_PRESENT: 1 << 5,
} as const;

export const BOTHY_HYPERVISOR_VENDOR_ID = 'BOTHYKVM';

/**
 * Flags, and why:
 * - HW_REDUCED_ACPI: no PM1/GPE/PM-timer blocks exist. Linux then also skips the legacy PIT and PIC
 *   (acpi_generic_reduced_hw_init) and relies on the LAPIC timer and kvmclock.
 * - PWR_BUTTON and SLP_BUTTON set: the set bit means "control-method button or none", which is what a
 *   HW-reduced platform must say since fixed-feature buttons need PM1 registers. The power button is
 *   the PNP0C0C device in the DSDT; there is no sleep button.
 * - RESET_REG_SUP: RESET_REG is valid.
 * - WBINVD: §5.2.9 requires it of new systems; KVM executes WBINVD.
 */
export const BOTHY_FADT_FLAGS =
  FADT_FLAGS.WBINVD | FADT_FLAGS.PWR_BUTTON | FADT_FLAGS.SLP_BUTTON | FADT_FLAGS.RESET_REG_SUP | FADT_FLAGS.HW_REDUCED_ACPI;

/**
 * IA-PC boot flags: the i8042 exists (Linux keeps its i8042 driver from treating the controller as
 * firmware-absent), there is no VGA, and no CMOS RTC (bothy has no device at ports 0x70/0x71, so
 * Linux must not register rtc_cmos; wall time comes from kvmclock). LEGACY_DEVICES stays clear: every
 * ISA-port device is enumerated from the DSDT.
 */
export const BOTHY_IAPC_BOOT_ARCH = IAPC_BOOT_ARCH['8042'] | IAPC_BOOT_ARCH.VGA_NOT_PRESENT | IAPC_BOOT_ARCH.CMOS_RTC_NOT_PRESENT;

export function buildFadt(cfg: { readonly dsdt: Gpa }): Uint8Array {
  const table = FADT.encode({
    // Same address in both fields: ACPICA warns when they differ, and 32-bit readers still find it.
    dsdt: cfg.dsdt <= 0xffff_ffff ? cfg.dsdt : 0,
    xDsdt: BigInt(cfg.dsdt),
    sciInt: IRQS.SCI,
    iapcBootArch: BOTHY_IAPC_BOOT_ARCH,
    flags: BOTHY_FADT_FLAGS,
    resetReg: ioPortByteRegister(PORTS.ACPI_RESET),
    resetValue: ACPI_RESET_VALUE,
    fadtMinorVersion: FADT_MINOR_REVISION,
    sleepControlReg: ioPortByteRegister(PORTS.ACPI_SLEEP_CONTROL),
    sleepStatusReg: ioPortByteRegister(PORTS.ACPI_SLEEP_STATUS),
    hypervisorVendorIdentity: fixedAscii(BOTHY_HYPERVISOR_VENDOR_ID, 8),
  });
  return finishSdt(table, { signature: 'FACP', revision: FADT_REVISION, oemTableId: 'BOTHYFAC' });
}
