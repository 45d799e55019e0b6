// MSR values every vCPU starts with (Firecracker's boot MSR set, vmm-notes.md §8.1).

export const MSR_IA32_SYSENTER_CS = 0x174;
export const MSR_IA32_SYSENTER_ESP = 0x175;
export const MSR_IA32_SYSENTER_EIP = 0x176;
export const MSR_STAR = 0xc000_0081;
export const MSR_LSTAR = 0xc000_0082;
export const MSR_CSTAR = 0xc000_0083;
export const MSR_SYSCALL_MASK = 0xc000_0084;
export const MSR_KERNEL_GS_BASE = 0xc000_0102;
export const MSR_IA32_MISC_ENABLE = 0x1a0;
export const MSR_IA32_MISC_ENABLE_FAST_STRING = 1n;

export function bootMsrs(): { index: number; data: bigint }[] {
  return [
    { index: MSR_IA32_SYSENTER_CS, data: 0n },
    { index: MSR_IA32_SYSENTER_ESP, data: 0n },
    { index: MSR_IA32_SYSENTER_EIP, data: 0n },
    { index: MSR_STAR, data: 0n },
    { index: MSR_CSTAR, data: 0n },
    { index: MSR_KERNEL_GS_BASE, data: 0n },
    { index: MSR_SYSCALL_MASK, data: 0n },
    { index: MSR_LSTAR, data: 0n },
    { index: MSR_IA32_MISC_ENABLE, data: MSR_IA32_MISC_ENABLE_FAST_STRING },
  ];
}
