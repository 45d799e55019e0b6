// KVM ioctl request numbers, computed from the _IOC encoding with the argument structs' sizes
// (include/uapi/linux/kvm.h). KVMIO = 0xAE.

import { _IO, _IOR, _IOW, _IOWR } from './ioc.js';
import {
  kvm_userspace_memory_region, kvm_regs, kvm_sregs, kvm_cpuid2_header, kvm_msrs_header,
  kvm_msr_list_header, kvm_pit_config, kvm_irq_level, kvm_mp_state, kvm_fpu, kvm_enable_cap,
} from './structs.js';

export const KVMIO = 0xae;

export const KVM_GET_API_VERSION = _IO(KVMIO, 0x00);
export const KVM_CREATE_VM = _IO(KVMIO, 0x01);
export const KVM_GET_MSR_INDEX_LIST = _IOWR(KVMIO, 0x02, kvm_msr_list_header.size);
export const KVM_CHECK_EXTENSION = _IO(KVMIO, 0x03);
export const KVM_GET_VCPU_MMAP_SIZE = _IO(KVMIO, 0x04);
export const KVM_GET_SUPPORTED_CPUID = _IOWR(KVMIO, 0x05, kvm_cpuid2_header.size);

export const KVM_CREATE_VCPU = _IO(KVMIO, 0x41);
export const KVM_SET_USER_MEMORY_REGION = _IOW(KVMIO, 0x46, kvm_userspace_memory_region.size);
export const KVM_SET_TSS_ADDR = _IO(KVMIO, 0x47);
export const KVM_SET_IDENTITY_MAP_ADDR = _IOW(KVMIO, 0x48, 8);
export const KVM_CREATE_IRQCHIP = _IO(KVMIO, 0x60);
export const KVM_IRQ_LINE = _IOW(KVMIO, 0x61, kvm_irq_level.size);
export const KVM_CREATE_PIT2 = _IOW(KVMIO, 0x77, kvm_pit_config.size);
export const KVM_ENABLE_CAP = _IOW(KVMIO, 0xa3, kvm_enable_cap.size);

export const KVM_RUN = _IO(KVMIO, 0x80);
export const KVM_GET_REGS = _IOR(KVMIO, 0x81, kvm_regs.size);
export const KVM_SET_REGS = _IOW(KVMIO, 0x82, kvm_regs.size);
export const KVM_GET_SREGS = _IOR(KVMIO, 0x83, kvm_sregs.size);
export const KVM_SET_SREGS = _IOW(KVMIO, 0x84, kvm_sregs.size);
export const KVM_GET_MSRS = _IOWR(KVMIO, 0x88, kvm_msrs_header.size);
export const KVM_SET_MSRS = _IOW(KVMIO, 0x89, kvm_msrs_header.size);
export const KVM_GET_FPU = _IOR(KVMIO, 0x8c, kvm_fpu.size);
export const KVM_SET_FPU = _IOW(KVMIO, 0x8d, kvm_fpu.size);
export const KVM_SET_CPUID2 = _IOW(KVMIO, 0x90, kvm_cpuid2_header.size);
export const KVM_GET_MP_STATE = _IOR(KVMIO, 0x98, kvm_mp_state.size);
export const KVM_SET_MP_STATE = _IOW(KVMIO, 0x99, kvm_mp_state.size);

/** KVM_CAP_* numbers bothy checks. */
export const KVM_CAP = {
  IRQCHIP: 0,
  HLT: 1,
  USER_MEMORY: 3,
  SET_TSS_ADDR: 4,
  EXT_CPUID: 7,
  NR_VCPUS: 9,
  NR_MEMSLOTS: 10,
  PIT2: 33,
  SET_IDENTITY_MAP_ADDR: 37,
  MAX_VCPUS: 66,
  IMMEDIATE_EXIT: 136,
  MAX_VCPU_ID: 128,
} as const;

export const KVM_API_VERSION = 12;

// vCPU and VM state for snapshots (sizes: struct kvm_xsave 4096, kvm_xcrs 392, kvm_debugregs 128,
// kvm_lapic_state 1024, kvm_vcpu_events 64, kvm_pit_state2 112, kvm_clock_data 48, kvm_irqchip 520).
export const KVM_GET_CPUID2 = _IOWR(KVMIO, 0x91, kvm_cpuid2_header.size);
export const KVM_GET_LAPIC = _IOR(KVMIO, 0x8e, 1024);
export const KVM_SET_LAPIC = _IOW(KVMIO, 0x8f, 1024);
export const KVM_GET_VCPU_EVENTS = _IOR(KVMIO, 0x9f, 64);
export const KVM_SET_VCPU_EVENTS = _IOW(KVMIO, 0xa0, 64);
export const KVM_GET_DEBUGREGS = _IOR(KVMIO, 0xa1, 128);
export const KVM_SET_DEBUGREGS = _IOW(KVMIO, 0xa2, 128);
export const KVM_SET_TSC_KHZ = _IO(KVMIO, 0xa2);
export const KVM_GET_TSC_KHZ = _IO(KVMIO, 0xa3);
export const KVM_GET_XSAVE = _IOR(KVMIO, 0xa4, 4096);
export const KVM_SET_XSAVE = _IOW(KVMIO, 0xa5, 4096);
export const KVM_GET_XCRS = _IOR(KVMIO, 0xa6, 392);
export const KVM_SET_XCRS = _IOW(KVMIO, 0xa7, 392);
export const KVM_KVMCLOCK_CTRL = _IO(KVMIO, 0xad);
export const KVM_GET_XSAVE2 = _IOR(KVMIO, 0xcf, 4096);
export const KVM_GET_PIT2 = _IOR(KVMIO, 0x9f, 112);
export const KVM_SET_PIT2 = _IOW(KVMIO, 0xa0, 112);
export const KVM_SET_CLOCK = _IOW(KVMIO, 0x7b, 48);
export const KVM_GET_CLOCK = _IOR(KVMIO, 0x7c, 48);
export const KVM_GET_IRQCHIP = _IOWR(KVMIO, 0x62, 520);
/** _IOR although it writes: a historic quirk of the KVM ABI that the number must keep. */
export const KVM_SET_IRQCHIP = _IOR(KVMIO, 0x63, 520);

export const KVM_CAP_STATE = {
  ADJUST_CLOCK: 0x27,
  VCPU_EVENTS: 0x29,
  DEBUGREGS: 0x32,
  XCRS: 0x38,
  TSC_CONTROL: 0x3c,
  GET_TSC_KHZ: 0x3d,
  KVMCLOCK_CTRL: 0x4c,
  XSAVE2: 0xd0,
} as const;
