// The shared `struct kvm_run` page a vCPU's KVM_RUN fills (include/uapi/linux/kvm.h): the fixed
// header, then the exit union at offset 32, then sync regs. Only the union members bothy reads.

import { struct, u8, u16le, u32le, u64le, bytes } from '../../binary/struct.js';

export const kvm_run_header = struct('kvm_run', {
  request_interrupt_window: u8,
  immediate_exit: u8,
  padding1: bytes(6),
  exit_reason: u32le,
  ready_for_interrupt_injection: u8,
  if_flag: u8,
  flags: u16le,
  cr8: u64le,
  apic_base: u64le,
});
/** Offset of the exit-information union. */
export const KVM_RUN_EXIT_UNION = kvm_run_header.size;

export const kvm_run_io = struct('kvm_run.io', {
  direction: u8,
  size: u8,
  port: u16le,
  count: u32le,
  data_offset: u64le,
});
export const KVM_EXIT_IO_IN = 0;
export const KVM_EXIT_IO_OUT = 1;

export const kvm_run_mmio = struct('kvm_run.mmio', {
  phys_addr: u64le,
  data: bytes(8),
  len: u32le,
  is_write: u8,
});

export const kvm_run_internal = struct('kvm_run.internal', {
  suberror: u32le,
  ndata: u32le,
  data: bytes(16 * 8),
});
export const KVM_INTERNAL_ERROR = {
  EMULATION: 1,
  SIMUL_EX: 2,
  DELIVERY_EV: 3,
  UNEXPECTED_EXIT_REASON: 4,
} as const;

export const kvm_run_fail_entry = struct('kvm_run.fail_entry', {
  hardware_entry_failure_reason: u64le,
  cpu: u32le,
});

export const kvm_run_system_event = struct('kvm_run.system_event', {
  type: u32le,
  ndata: u32le,
  data: bytes(16 * 8),
});
export const KVM_SYSTEM_EVENT = { SHUTDOWN: 1, RESET: 2, CRASH: 3, WAKEUP: 4, SUSPEND: 5, SEV_TERM: 6 } as const;

/**
 * After the 256-byte exit union: which register sets KVM copies into `s` on every exit (valid) and
 * which it loads from `s` on the next KVM_RUN (dirty); then `s`, whose x86 form starts with kvm_regs.
 */
export const KVM_RUN_VALID_REGS = KVM_RUN_EXIT_UNION + 256;
export const KVM_RUN_DIRTY_REGS = KVM_RUN_VALID_REGS + 8;
export const KVM_RUN_SYNC_REGS = KVM_RUN_DIRTY_REGS + 8;
export const KVM_SYNC_X86_REGS = 1;

export const kvm_run_ex = struct('kvm_run.ex', { exception: u32le, error_code: u32le });

/** Exit reasons (KVM_EXIT_*). */
export const KVM_EXIT = {
  UNKNOWN: 0,
  EXCEPTION: 1,
  IO: 2,
  HYPERCALL: 3,
  DEBUG: 4,
  HLT: 5,
  MMIO: 6,
  IRQ_WINDOW_OPEN: 7,
  SHUTDOWN: 8,
  FAIL_ENTRY: 9,
  INTR: 10,
  SET_TPR: 11,
  TPR_ACCESS: 12,
  NMI: 16,
  INTERNAL_ERROR: 17,
  SYSTEM_EVENT: 24,
  IOAPIC_EOI: 26,
  X86_RDMSR: 29,
  X86_WRMSR: 30,
  DIRTY_RING_FULL: 31,
  X86_BUS_LOCK: 33,
  NOTIFY: 37,
  MEMORY_FAULT: 39,
} as const;

export function exitReasonName(reason: number): string {
  for (const [k, v] of Object.entries(KVM_EXIT)) if (v === reason) return `KVM_EXIT_${k}`;
  return `KVM_EXIT(${reason})`;
}
