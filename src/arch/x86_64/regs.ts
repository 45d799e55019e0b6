// Entry register state for the two x86-64 boot paths: the Linux 64-bit boot protocol (long mode,
// RSI = zero page) and PVH (32-bit flat protected mode, paging off, RBX = hvm_start_info).

import type { Regs, Sregs } from '../../kvm/vcpu-fd.js';
import { LAYOUT } from './layout.js';
import { bootGdt, segmentFromGdt, BOOT_CS, BOOT_DS, BOOT_TSS } from './gdt.js';

export const X86_CR0_PE = 1n << 0n;
export const X86_CR0_MP = 1n << 1n;
export const X86_CR0_ET = 1n << 4n;
export const X86_CR0_NE = 1n << 5n;
export const X86_CR0_WP = 1n << 16n;
export const X86_CR0_PG = 1n << 31n;
export const X86_CR4_PAE = 1n << 5n;
export const X86_CR4_OSFXSR = 1n << 9n;
export const X86_CR4_OSXMMEXCPT = 1n << 10n;
export const EFER_SCE = 1n << 0n;
export const EFER_LME = 1n << 8n;
export const EFER_LMA = 1n << 10n;
export const EFER_NX = 1n << 11n;

export type BootProtocol = 'linux64' | 'pvh';

export interface BootEntry {
  readonly protocol: BootProtocol;
  readonly entry: number;
}

export function bootRegs(e: BootEntry): Partial<Regs> {
  const common = { rip: BigInt(e.entry), rflags: 2n };
  return e.protocol === 'linux64'
    ? { ...common, rsi: BigInt(LAYOUT.ZERO_PAGE_START), rsp: BigInt(LAYOUT.BOOT_STACK_POINTER), rbp: BigInt(LAYOUT.BOOT_STACK_POINTER) }
    : { ...common, rbx: BigInt(LAYOUT.PVH_INFO_START) };
}

/** Applies the boot segments and control registers on top of the vCPU's reset sregs (keeps apic_base). */
export function bootSregs(base: Sregs, protocol: BootProtocol): Sregs {
  const gdt = bootGdt(protocol === 'linux64' ? 'long' : 'protected');
  const code = segmentFromGdt(gdt[BOOT_CS / 8]!, BOOT_CS / 8);
  const data = segmentFromGdt(gdt[BOOT_DS / 8]!, BOOT_DS / 8);
  const tss = segmentFromGdt(gdt[BOOT_TSS / 8]!, BOOT_TSS / 8);
  const s: Sregs = {
    ...base,
    cs: code, ds: data, es: data, fs: data, gs: data, ss: data, tr: tss,
    gdt: { base: BigInt(LAYOUT.BOOT_GDT), limit: gdt.length * 8 - 1 },
    idt: { base: BigInt(LAYOUT.BOOT_IDT), limit: 7 },
  };
  if (protocol === 'linux64') {
    s.cr0 = X86_CR0_PE | X86_CR0_MP | X86_CR0_ET | X86_CR0_NE | X86_CR0_WP | X86_CR0_PG;
    s.cr3 = BigInt(LAYOUT.PML4_START);
    s.cr4 = X86_CR4_PAE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT;
    s.efer = EFER_LME | EFER_LMA | EFER_NX | EFER_SCE;
  } else {
    s.cr0 = X86_CR0_PE | X86_CR0_ET;
    s.cr3 = 0n;
    s.cr4 = 0n;
    s.efer = 0n;
  }
  return s;
}
