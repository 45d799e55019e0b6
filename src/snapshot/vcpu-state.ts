// One vCPU's architectural state, saved and restored in the orders Firecracker uses
// (vmm-notes.md §5.3): MP state first on save (reading it can update the LAPIC), events last;
// on restore CPUID first and TSC_DEADLINE after every other MSR so the timer isn't lost.

import type { VcpuFd } from '../kvm/vcpu-fd.js';
import type { CpuidEntry } from '../kvm/kvm.js';
import { KvmError } from '../kvm/kvm-error.js';

export const MSR_IA32_TSC_DEADLINE = 0x6e0;

export interface VcpuState {
  readonly mpState: number;
  readonly regs: Uint8Array;
  readonly sregs: Uint8Array;
  readonly xsave: Uint8Array;
  readonly xcrs: Uint8Array;
  readonly debugregs: Uint8Array;
  readonly lapic: Uint8Array;
  readonly events: Uint8Array;
  readonly msrs: readonly { index: number; data: bigint }[];
  readonly cpuid: readonly CpuidEntry[];
  readonly tscKhz: number;
}

/** Reads the MSRs KVM lists; ones this host can't read are skipped one by one rather than failing the save. */
function readMsrs(vcpu: VcpuFd, indices: readonly number[]): { index: number; data: bigint }[] {
  const all = vcpu.getMsrs(indices);
  if (all.length === indices.length) return all;
  return indices.flatMap((i) => vcpu.getMsrs([i]));
}

export function saveVcpuState(vcpu: VcpuFd, msrIndices: readonly number[]): VcpuState {
  const mpState = vcpu.getMpState();
  return {
    mpState,
    regs: vcpu.getBlob('regs'),
    sregs: vcpu.getBlob('sregs'),
    xsave: vcpu.getBlob('xsave'),
    xcrs: vcpu.getBlob('xcrs'),
    debugregs: vcpu.getBlob('debugregs'),
    lapic: vcpu.getBlob('lapic'),
    msrs: readMsrs(vcpu, msrIndices),
    cpuid: vcpu.getCpuid(),
    tscKhz: vcpu.getTscKhz(),
    events: vcpu.getBlob('events'),
  };
}

/** QEMU's rule: a TSC frequency within 250 ppm is the same clock. */
const TSC_TOLERANCE_PPM = 250;

export function restoreVcpuState(vcpu: VcpuFd, s: VcpuState): void {
  vcpu.setCpuid(s.cpuid);
  const here = vcpu.getTscKhz();
  if (s.tscKhz && Math.abs(here - s.tscKhz) * 1e6 > s.tscKhz * TSC_TOLERANCE_PPM) {
    try {
      vcpu.setTscKhz(s.tscKhz);
    } catch (e) {
      throw new KvmError('KVM_SET_TSC_KHZ', (e as KvmError).errno ?? 22,
        `the snapshot's TSC runs at ${s.tscKhz} kHz and this host's at ${here} kHz, and KVM cannot scale it here`);
    }
  }
  vcpu.setMpState(s.mpState);
  vcpu.setBlob('regs', s.regs);
  vcpu.setBlob('sregs', s.sregs);
  vcpu.setBlob('xsave', s.xsave);
  vcpu.setBlob('xcrs', s.xcrs);
  vcpu.setBlob('debugregs', s.debugregs);
  vcpu.setBlob('lapic', s.lapic);
  vcpu.setMsrs(s.msrs.filter((m) => m.index !== MSR_IA32_TSC_DEADLINE));
  const deadline = s.msrs.filter((m) => m.index === MSR_IA32_TSC_DEADLINE);
  if (deadline.length) vcpu.setMsrs(deadline);
  vcpu.setBlob('events', s.events);
  vcpu.kvmclockCtrl();
}
