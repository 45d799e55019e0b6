// Every fixed guest-physical address, port and interrupt of a bothy x86-64 VM, in one table.
// Addresses follow Firecracker's microVM layout (shared/reference/vmm-notes.md §2.2, §3) so a Linux
// guest finds things where a microVM kernel expects them.

import { gpa, gsi, port, MiB, GiB } from '../../memory/address.js';

export const LAYOUT = {
  /** Boot GDT (null, code64, data, tss placeholder) written by the host. */
  BOOT_GDT: gpa(0x500),
  /** Boot IDT: one zero entry; the guest installs its own. */
  BOOT_IDT: gpa(0x520),
  /** PVH `hvm_start_info` and the module list that follows it. */
  PVH_INFO_START: gpa(0x6000),
  PVH_MODLIST_START: gpa(0x6040),
  /** PVH memory map (after the module list). */
  PVH_MEMMAP_START: gpa(0x7000),
  /** Linux boot protocol zero page (`boot_params`). Shares the address with the PVH memmap; one protocol at a time. */
  ZERO_PAGE_START: gpa(0x7000),
  /** Initial stack pointer for the 64-bit entry (RSP = RBP). */
  BOOT_STACK_POINTER: gpa(0x8ff0),
  /** Identity page tables: PML4, PDPT, then four page directories of 2 MiB pages covering 4 GiB. */
  PML4_START: gpa(0x9000),
  PDPTE_START: gpa(0xa000),
  PDE_START: gpa(0xb000),
  /** How much the boot page tables identity-map. */
  IDENTITY_MAPPED: 4 * GiB,
  /** Kernel command line, NUL-terminated. */
  CMDLINE_START: gpa(0x20000),
  CMDLINE_MAX_SIZE: 2048,
  /** Reserved system-data region: ACPI tables (and later vmgenid). e820 marks it reserved. */
  SYSTEM_START: gpa(0x9fc00),
  SYSTEM_END: gpa(0xe0000),
  /** ACPI tables and the setup_data DTB are placed in [SYSTEM_START, SYSTEM_TABLES_END). */
  SYSTEM_TABLES_END: gpa(0xdb000),
  /**
   * PV-time stolen-time records (ARM DEN0057A, 64 bytes each), vCPU n's at PVTIME_START + 64 n: four
   * pages hold the 255 vCPUs bothy allows. PV_TIME_ST hands the guest its vCPU's address.
   */
  PVTIME_START: gpa(0xdb000),
  PVTIME_END: gpa(0xdf000),
  /** The VM Generation ID's 16 bytes: a page of its own at the top of the reserved system region. */
  VMGENID_START: gpa(0xdf000),
  /** RSDP, where a legacy BIOS-area scan finds it; also passed in boot_params.acpi_rsdp_addr. */
  RSDP_START: gpa(0xe0000),
  /** End of the low-memory RAM the e820 map reports before the system region. */
  EBDA_START: gpa(0x9fc00),
  /** Kernels and micro-guests load here (HIMEM_START). */
  HIMEM_START: gpa(1 * MiB),
  /** The 32-bit MMIO gap [3 GiB, 4 GiB): RAM above 3 GiB continues at 4 GiB. */
  MMIO_GAP_START: gpa(3 * GiB),
  MMIO_GAP_END: gpa(4 * GiB),
  /** Where device MMIO windows are allocated from (below the IOAPIC). */
  MMIO_ALLOC_START: gpa(0xd000_0000),
  MMIO_ALLOC_END: gpa(0xfec0_0000),
  IOAPIC_START: gpa(0xfec0_0000),
  LAPIC_START: gpa(0xfee0_0000),
  /** KVM_SET_TSS_ADDR (three pages) and KVM_SET_IDENTITY_MAP_ADDR (one page), at the top of the gap. */
  KVM_TSS_ADDRESS: gpa(0xfffb_d000),
  KVM_IDENTITY_MAP_ADDRESS: gpa(0xfffb_c000),
} as const;

/** Legacy I/O ports. */
export const PORTS = {
  /** Linux's I/O delay port; writes go nowhere. Also the exit-cost bench's target. */
  POST: port(0x80),
  I8042_DATA: port(0x60),
  I8042_COMMAND: port(0x64),
  COM1: port(0x3f8),
  COM1_LEN: 8,
  /**
   * The hypercall doorbell: `out %eax, $0xe4` with the SMCCC function id in EAX (docs/hypercalls.md).
   * Below 0x100 so the instruction takes the port as an immediate and leaves RDX free for an argument;
   * nothing on a PC lives at 0xe4.
   */
  HYPERCALL: port(0xe4),
  /** bothy's test device: a 32-bit write of the exit code ends the VM (micro-guests report results here). */
  TEST_EXIT: port(0x500),
  TEST_EXIT_LEN: 4,
  /** HW-reduced ACPI sleep control and status registers (FADT SLEEP_CONTROL_REG / SLEEP_STATUS_REG). */
  ACPI_SLEEP_CONTROL: port(0x600),
  ACPI_SLEEP_STATUS: port(0x601),
  /** FADT RESET_REG: writing ACPI_RESET_VALUE here resets the VM. */
  ACPI_RESET: port(0x602),
} as const;

/** Value a guest writes to PORTS.ACPI_RESET (FADT RESET_VALUE). */
export const ACPI_RESET_VALUE = 0x1;
/** SLP_TYPx value for S5 (soft off) that the DSDT's \_S5 package declares. */
export const ACPI_S5_SLP_TYP = 5;

/** Interrupt lines (IOAPIC pins == GSIs with KVM's default routing). */
export const IRQS = {
  /** PIT channel 0 arrives on pin 0 under KVM's default routing (reference: kvm-on-this-machine §3). */
  PIT: gsi(0),
  I8042_KBD: gsi(1),
  COM1: gsi(4),
  /** SCI for the HW-reduced FADT (power button events). */
  SCI: gsi(9),
  /** First GSI the allocator hands to devices (0-4 legacy, as Firecracker). */
  ALLOC_START: gsi(5),
  ALLOC_END: gsi(23),
} as const;
