// The one CPUID template: KVM_GET_SUPPORTED_CPUID, normalized per vCPU (APIC ids, topology,
// hypervisor bit) the way Firecracker's normalization does (shared/reference/vmm-notes.md §8.1).

import type { CpuidEntry } from '../../kvm/kvm.js';

const LEAF1_ECX_TSC_DEADLINE = 1 << 24;
const LEAF1_ECX_HYPERVISOR = 1 << 31;
const LEAF1_EDX_HTT = 1 << 28;
const LEAF1_ECX_PDCM = 1 << 15;

export interface CpuTopology {
  readonly vcpuId: number;
  readonly vcpuCount: number;
}

export function cpuidTemplate(supported: readonly CpuidEntry[], topo: CpuTopology): CpuidEntry[] {
  const shift = Math.ceil(Math.log2(Math.max(1, topo.vcpuCount)));
  return supported.map((src) => {
    const e = { ...src };
    switch (e.function) {
      case 0x1:
        e.ebx = ((e.ebx & 0x0000ffff) | ((topo.vcpuCount & 0xff) << 16) | ((topo.vcpuId & 0xff) << 24)) >>> 0;
        e.ecx = ((e.ecx | LEAF1_ECX_TSC_DEADLINE | LEAF1_ECX_HYPERVISOR) & ~LEAF1_ECX_PDCM) >>> 0;
        e.edx = (topo.vcpuCount > 1 ? e.edx | LEAF1_EDX_HTT : e.edx & ~LEAF1_EDX_HTT) >>> 0;
        break;
      case 0xb:
      case 0x1f:
        // One thread per core, every vCPU a core of one package.
        e.edx = topo.vcpuId;
        if (e.index === 0) {
          e.eax = 0;
          e.ebx = 1;
          e.ecx = (1 << 8) | 0;
        } else if (e.index === 1) {
          e.eax = shift;
          e.ebx = topo.vcpuCount;
          e.ecx = (2 << 8) | 1;
        } else {
          e.eax = 0;
          e.ebx = 0;
          e.ecx = e.index;
        }
        break;
      default:
        break;
    }
    return e;
  });
}
