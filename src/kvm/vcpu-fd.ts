// A vCPU file descriptor and its mmapped `kvm_run` page. KVM_RUN is synchronous and must only be
// called from the vCPU's own worker thread; vCPU ioctls from another thread block while it runs.

import { libc, errno, viewOf, PROT_READ, PROT_WRITE, MAP_SHARED, MAP_FAILED } from './libc.js';
import { check } from './syscall.js';
import { KvmError } from './kvm-error.js';
import * as I from './abi/ioctls.js';
import {
  kvm_regs, kvm_sregs, kvm_segment, kvm_dtable, kvm_cpuid2_header, kvm_cpuid_entry2, kvm_msrs_header,
  kvm_msr_entry, kvm_mp_state, kvm_fpu,
} from './abi/structs.js';
import type { Values } from '../binary/struct.js';
import type { CpuidEntry } from './kvm.js';

export type Regs = Values<typeof kvm_regs.fields>;
export type Segment = Values<typeof kvm_segment.fields>;
export type DTable = { base: bigint; limit: number };
export interface Sregs {
  cs: Segment; ds: Segment; es: Segment; fs: Segment; gs: Segment; ss: Segment; tr: Segment; ldt: Segment;
  gdt: DTable; idt: DTable;
  cr0: bigint; cr2: bigint; cr3: bigint; cr4: bigint; cr8: bigint; efer: bigint; apic_base: bigint;
  interrupt_bitmap: Uint8Array;
}
const SEGMENTS = ['cs', 'ds', 'es', 'fs', 'gs', 'ss', 'tr', 'ldt'] as const;

/** vCPU state structs moved as whole blobs, with their kernel sizes. */
export const VCPU_BLOBS = {
  regs: { get: I.KVM_GET_REGS, getName: 'KVM_GET_REGS', set: I.KVM_SET_REGS, setName: 'KVM_SET_REGS', size: kvm_regs.size },
  sregs: { get: I.KVM_GET_SREGS, getName: 'KVM_GET_SREGS', set: I.KVM_SET_SREGS, setName: 'KVM_SET_SREGS', size: kvm_sregs.size },
  xsave: { get: I.KVM_GET_XSAVE, getName: 'KVM_GET_XSAVE', set: I.KVM_SET_XSAVE, setName: 'KVM_SET_XSAVE', size: 4096 },
  xsave2: { get: I.KVM_GET_XSAVE2, getName: 'KVM_GET_XSAVE2', set: I.KVM_SET_XSAVE, setName: 'KVM_SET_XSAVE', size: 4096 },
  xcrs: { get: I.KVM_GET_XCRS, getName: 'KVM_GET_XCRS', set: I.KVM_SET_XCRS, setName: 'KVM_SET_XCRS', size: 392 },
  debugregs: { get: I.KVM_GET_DEBUGREGS, getName: 'KVM_GET_DEBUGREGS', set: I.KVM_SET_DEBUGREGS, setName: 'KVM_SET_DEBUGREGS', size: 128 },
  lapic: { get: I.KVM_GET_LAPIC, getName: 'KVM_GET_LAPIC', set: I.KVM_SET_LAPIC, setName: 'KVM_SET_LAPIC', size: 1024 },
  events: { get: I.KVM_GET_VCPU_EVENTS, getName: 'KVM_GET_VCPU_EVENTS', set: I.KVM_SET_VCPU_EVENTS, setName: 'KVM_SET_VCPU_EVENTS', size: 64 },
} as const;
export type VcpuBlob = keyof typeof VCPU_BLOBS;

export const EINTR = 4;
export const EAGAIN = 11;

/** Maps a vCPU's kvm_run page (each thread that needs a view maps its own). */
export function mapKvmRun(vcpuFd: number, size: number): { addr: bigint; bytes: Uint8Array } {
  const addr = libc.mmap(size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpuFd, 0);
  if (addr === MAP_FAILED) throw new KvmError('mmap kvm_run', errno());
  return { addr, bytes: viewOf(addr, size) };
}

export class VcpuFd {
  readonly fd: number;
  readonly id: number;
  /** The kvm_run page. */
  readonly run: Uint8Array;

  /** `runSize` maps kvm_run for a thread that will call KVM_RUN; omit it for state ioctls only. */
  constructor(fd: number, id: number, runSize?: number) {
    this.fd = fd;
    this.id = id;
    this.run = runSize === undefined ? new Uint8Array(0) : mapKvmRun(fd, runSize).bytes;
  }

  ioctl(op: string, req: number, arg: Uint8Array | number): number {
    return check(`${op} (vCPU ${this.id})`, libc.ioctl(this.fd, req, arg));
  }

  /** KVM_RUN; returns 0 or the errno (EINTR, EAGAIN are the expected ones — the caller decides). */
  runOnce(): number {
    return libc.ioctl(this.fd, I.KVM_RUN, 0) < 0 ? errno() : 0;
  }

  getRegs(): Regs {
    const b = new Uint8Array(kvm_regs.size);
    this.ioctl('KVM_GET_REGS', I.KVM_GET_REGS, b);
    return kvm_regs.decode(b);
  }
  setRegs(r: Partial<Regs>): void {
    this.ioctl('KVM_SET_REGS', I.KVM_SET_REGS, kvm_regs.encode(r));
  }

  getSregs(): Sregs {
    const b = new Uint8Array(kvm_sregs.size);
    this.ioctl('KVM_GET_SREGS', I.KVM_GET_SREGS, b);
    const raw = kvm_sregs.decode(b);
    const seg = (k: (typeof SEGMENTS)[number]): Segment => kvm_segment.decode(raw[k]);
    const dt = (k: 'gdt' | 'idt'): DTable => {
      const d = kvm_dtable.decode(raw[k]);
      return { base: d.base, limit: d.limit };
    };
    return {
      cs: seg('cs'), ds: seg('ds'), es: seg('es'), fs: seg('fs'), gs: seg('gs'), ss: seg('ss'), tr: seg('tr'), ldt: seg('ldt'),
      gdt: dt('gdt'), idt: dt('idt'),
      cr0: raw.cr0, cr2: raw.cr2, cr3: raw.cr3, cr4: raw.cr4, cr8: raw.cr8, efer: raw.efer, apic_base: raw.apic_base,
      interrupt_bitmap: raw.interrupt_bitmap,
    };
  }
  setSregs(s: Sregs): void {
    const enc: Record<string, unknown> = {};
    for (const k of SEGMENTS) enc[k] = kvm_segment.encode(s[k]);
    enc['gdt'] = kvm_dtable.encode(s.gdt);
    enc['idt'] = kvm_dtable.encode(s.idt);
    const { cr0, cr2, cr3, cr4, cr8, efer, apic_base, interrupt_bitmap } = s;
    Object.assign(enc, { cr0, cr2, cr3, cr4, cr8, efer, apic_base, interrupt_bitmap });
    this.ioctl('KVM_SET_SREGS', I.KVM_SET_SREGS, kvm_sregs.encode(enc));
  }

  setCpuid(entries: readonly CpuidEntry[]): void {
    const hdr = kvm_cpuid2_header.size;
    const b = new Uint8Array(hdr + entries.length * kvm_cpuid_entry2.size);
    kvm_cpuid2_header.encode({ nent: entries.length }, b);
    entries.forEach((e, i) => kvm_cpuid_entry2.encode(e, b, hdr + i * kvm_cpuid_entry2.size));
    this.ioctl('KVM_SET_CPUID2', I.KVM_SET_CPUID2, b);
  }

  setMsrs(msrs: readonly { index: number; data: bigint }[]): void {
    const hdr = kvm_msrs_header.size;
    const b = new Uint8Array(hdr + msrs.length * kvm_msr_entry.size);
    kvm_msrs_header.encode({ nmsrs: msrs.length }, b);
    msrs.forEach((m, i) => kvm_msr_entry.encode(m, b, hdr + i * kvm_msr_entry.size));
    const n = this.ioctl('KVM_SET_MSRS', I.KVM_SET_MSRS, b);
    if (n !== msrs.length) {
      const bad = msrs[n];
      throw new KvmError('KVM_SET_MSRS', 22, `MSR ${bad ? `0x${bad.index.toString(16)}` : n} was refused (${n} of ${msrs.length} set)`);
    }
  }

  getMsrs(indices: readonly number[]): { index: number; data: bigint }[] {
    const hdr = kvm_msrs_header.size;
    const b = new Uint8Array(hdr + indices.length * kvm_msr_entry.size);
    kvm_msrs_header.encode({ nmsrs: indices.length }, b);
    indices.forEach((index, i) => kvm_msr_entry.encode({ index }, b, hdr + i * kvm_msr_entry.size));
    const n = this.ioctl('KVM_GET_MSRS', I.KVM_GET_MSRS, b);
    return Array.from({ length: n }, (_, i) => {
      const e = kvm_msr_entry.decode(b, hdr + i * kvm_msr_entry.size);
      return { index: e.index, data: e.data };
    });
  }

  getFpu(): Uint8Array {
    const b = new Uint8Array(kvm_fpu.size);
    this.ioctl('KVM_GET_FPU', I.KVM_GET_FPU, b);
    return b;
  }
  setFpu(raw: Uint8Array): void {
    this.ioctl('KVM_SET_FPU', I.KVM_SET_FPU, raw);
  }

  /** The CPUID table this vCPU runs with (KVM_GET_CPUID2). */
  getCpuid(): CpuidEntry[] {
    const max = 256;
    const hdr = kvm_cpuid2_header.size;
    const b = new Uint8Array(hdr + max * kvm_cpuid_entry2.size);
    kvm_cpuid2_header.encode({ nent: max }, b);
    this.ioctl('KVM_GET_CPUID2', I.KVM_GET_CPUID2, b);
    const n = kvm_cpuid2_header.get(b, 'nent');
    return Array.from({ length: n }, (_, i) => {
      const e = kvm_cpuid_entry2.decode(b, hdr + i * kvm_cpuid_entry2.size);
      return { function: e.function, index: e.index, flags: e.flags, eax: e.eax, ebx: e.ebx, ecx: e.ecx, edx: e.edx };
    });
  }

  /** A vCPU state struct KVM treats as opaque to userspace (LAPIC page, XSAVE area, events, …). */
  getBlob(kind: VcpuBlob, size = VCPU_BLOBS[kind].size): Uint8Array {
    const b = new Uint8Array(size);
    this.ioctl(VCPU_BLOBS[kind].getName, VCPU_BLOBS[kind].get, b);
    return b;
  }
  setBlob(kind: VcpuBlob, bytes: Uint8Array): void {
    this.ioctl(VCPU_BLOBS[kind].setName, VCPU_BLOBS[kind].set, bytes);
  }

  getTscKhz(): number {
    return this.ioctl('KVM_GET_TSC_KHZ', I.KVM_GET_TSC_KHZ, 0);
  }
  setTscKhz(khz: number): void {
    this.ioctl('KVM_SET_TSC_KHZ', I.KVM_SET_TSC_KHZ, khz);
  }
  /** Tells the guest's kvmclock it was paused (no soft-lockup panic); EINVAL when the guest has no kvmclock. */
  kvmclockCtrl(): boolean {
    return libc.ioctl(this.fd, I.KVM_KVMCLOCK_CTRL, 0) === 0;
  }

  getMpState(): number {
    const b = new Uint8Array(kvm_mp_state.size);
    this.ioctl('KVM_GET_MP_STATE', I.KVM_GET_MP_STATE, b);
    return kvm_mp_state.get(b, 'mp_state');
  }
  setMpState(state: number): void {
    this.ioctl('KVM_SET_MP_STATE', I.KVM_SET_MP_STATE, kvm_mp_state.encode({ mp_state: state }));
  }
}
