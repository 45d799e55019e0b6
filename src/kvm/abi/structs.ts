// KVM's x86 ioctl argument structs (include/uapi/linux/kvm.h, arch/x86/include/uapi/asm/kvm.h) as
// struct tables. Sizes are asserted in structs.test.ts against the kernel's sizeof().

import { struct, u8, u16le, u32le, u64le, bytes } from '../../binary/struct.js';

export const kvm_userspace_memory_region = struct('kvm_userspace_memory_region', {
  slot: u32le,
  flags: u32le,
  guest_phys_addr: u64le,
  memory_size: u64le,
  userspace_addr: u64le,
});

export const kvm_regs = struct('kvm_regs', {
  rax: u64le, rbx: u64le, rcx: u64le, rdx: u64le,
  rsi: u64le, rdi: u64le, rsp: u64le, rbp: u64le,
  r8: u64le, r9: u64le, r10: u64le, r11: u64le,
  r12: u64le, r13: u64le, r14: u64le, r15: u64le,
  rip: u64le, rflags: u64le,
});

export const kvm_segment = struct('kvm_segment', {
  base: u64le,
  limit: u32le,
  selector: u16le,
  type: u8,
  present: u8,
  dpl: u8,
  db: u8,
  s: u8,
  l: u8,
  g: u8,
  avl: u8,
  unusable: u8,
  padding: u8,
});

export const kvm_dtable = struct('kvm_dtable', {
  base: u64le,
  limit: u16le,
  padding: bytes(6),
});

const SEG = bytes(kvm_segment.size);
const DT = bytes(kvm_dtable.size);
export const KVM_NR_INTERRUPTS = 256;

export const kvm_sregs = struct('kvm_sregs', {
  cs: SEG, ds: SEG, es: SEG, fs: SEG, gs: SEG, ss: SEG, tr: SEG, ldt: SEG,
  gdt: DT, idt: DT,
  cr0: u64le, cr2: u64le, cr3: u64le, cr4: u64le, cr8: u64le,
  efer: u64le,
  apic_base: u64le,
  interrupt_bitmap: bytes(Math.ceil(KVM_NR_INTERRUPTS / 64) * 8),
});

export const kvm_cpuid2_header = struct('kvm_cpuid2', { nent: u32le, padding: u32le });
export const kvm_cpuid_entry2 = struct('kvm_cpuid_entry2', {
  function: u32le,
  index: u32le,
  flags: u32le,
  eax: u32le,
  ebx: u32le,
  ecx: u32le,
  edx: u32le,
  padding: bytes(12),
});
export const KVM_CPUID_FLAG_SIGNIFCANT_INDEX = 1;

export const kvm_msrs_header = struct('kvm_msrs', { nmsrs: u32le, pad: u32le });
export const kvm_msr_entry = struct('kvm_msr_entry', { index: u32le, reserved: u32le, data: u64le });
export const kvm_msr_list_header = struct('kvm_msr_list', { nmsrs: u32le });

export const kvm_pit_config = struct('kvm_pit_config', { flags: u32le, pad: bytes(60) });
export const KVM_PIT_SPEAKER_DUMMY = 1;

export const kvm_irq_level = struct('kvm_irq_level', { irq: u32le, level: u32le });

export const kvm_mp_state = struct('kvm_mp_state', { mp_state: u32le });
export const KVM_MP_STATE = {
  RUNNABLE: 0,
  UNINITIALIZED: 1,
  INIT_RECEIVED: 2,
  HALTED: 3,
  SIPI_RECEIVED: 4,
} as const;

export const kvm_fpu = struct('kvm_fpu', {
  fpr: bytes(128),
  fcw: u16le,
  fsw: u16le,
  ftwx: u8,
  pad1: u8,
  last_opcode: u16le,
  last_ip: u64le,
  last_dp: u64le,
  xmm: bytes(256),
  mxcsr: u32le,
  pad2: u32le,
});

export const kvm_enable_cap = struct('kvm_enable_cap', { cap: u32le, flags: u32le, args: bytes(32), pad: bytes(64) });

export const kvm_clock_data = struct('kvm_clock_data', {
  clock: u64le,
  flags: u32le,
  pad0: u32le,
  realtime: u64le,
  host_tsc: u64le,
  pad: bytes(16),
});
export const KVM_CLOCK_TSC_STABLE = 2;
export const KVM_CLOCK_REALTIME = 4;
export const KVM_CLOCK_HOST_TSC = 8;

export const kvm_irqchip_header = struct('kvm_irqchip', { chip_id: u32le, pad: u32le });
export const KVM_IRQCHIP = { PIC_MASTER: 0, PIC_SLAVE: 1, IOAPIC: 2 } as const;
export const KVM_IRQCHIP_SIZE = 520;
