// The /dev/kvm system handle: API version, capabilities, CPUID and MSR lists, VM creation.

import { existsSync } from 'node:fs';
import { libc, errno, O_RDWR, O_CLOEXEC } from './libc.js';
import { check } from './syscall.js';
import { KvmError } from './kvm-error.js';
import * as I from './abi/ioctls.js';
import { kvm_cpuid2_header, kvm_cpuid_entry2, kvm_msr_list_header } from './abi/structs.js';
import { VmFd } from './vm-fd.js';

const EINTR = 4;

export interface CpuidEntry {
  function: number;
  index: number;
  flags: number;
  eax: number;
  ebx: number;
  ecx: number;
  edx: number;
}

/** The KVM device node; BOTHY_KVM_DEVICE overrides it (a non-standard node, or tests of the missing-KVM path). */
export const KVM_DEVICE = process.env['BOTHY_KVM_DEVICE'] ?? '/dev/kvm';
const MAX_CPUID_ENTRIES = 256;

export class Kvm {
  readonly fd: number;

  private constructor(fd: number) {
    this.fd = fd;
  }

  /** Opens /dev/kvm, explaining what to do when it is missing or not accessible. */
  static open(path = KVM_DEVICE): Kvm {
    if (!existsSync(path)) {
      throw new KvmError(`open ${path}`, 2, 'KVM is not available on this machine: load the kvm module (kvm_intel or kvm_amd) or run on a host with hardware virtualization');
    }
    const fd = check(`open ${path}`, libc.open(path, O_RDWR | O_CLOEXEC), (e) =>
      e === 13 ? `no permission: add your user to the 'kvm' group or run as root` : undefined);
    const kvm = new Kvm(fd);
    const v = kvm.ioctl('KVM_GET_API_VERSION', I.KVM_GET_API_VERSION, 0);
    if (v !== I.KVM_API_VERSION) {
      kvm.close();
      throw new KvmError('KVM_GET_API_VERSION', 22, `KVM API version ${v}, bothy needs ${I.KVM_API_VERSION}`);
    }
    return kvm;
  }

  ioctl(op: string, req: number, arg: Uint8Array | number): number {
    return check(op, libc.ioctl(this.fd, req, arg));
  }

  checkExtension(cap: number): number {
    return this.ioctl('KVM_CHECK_EXTENSION', I.KVM_CHECK_EXTENSION, cap);
  }

  vcpuMmapSize(): number {
    return this.ioctl('KVM_GET_VCPU_MMAP_SIZE', I.KVM_GET_VCPU_MMAP_SIZE, 0);
  }

  /** The most vCPUs a VM may have (KVM_CAP_MAX_VCPUS, falling back to NR_VCPUS, then 4 as the API documents). */
  maxVcpus(): number {
    return this.checkExtension(I.KVM_CAP.MAX_VCPUS) || this.checkExtension(I.KVM_CAP.NR_VCPUS) || 4;
  }

  supportedCpuid(): CpuidEntry[] {
    const buf = new Uint8Array(kvm_cpuid2_header.size + MAX_CPUID_ENTRIES * kvm_cpuid_entry2.size);
    kvm_cpuid2_header.encode({ nent: MAX_CPUID_ENTRIES }, buf);
    this.ioctl('KVM_GET_SUPPORTED_CPUID', I.KVM_GET_SUPPORTED_CPUID, buf);
    const n = kvm_cpuid2_header.get(buf, 'nent');
    const out: CpuidEntry[] = [];
    for (let i = 0; i < n; i++) {
      const e = kvm_cpuid_entry2.decode(buf, kvm_cpuid2_header.size + i * kvm_cpuid_entry2.size);
      out.push({ function: e.function, index: e.index, flags: e.flags, eax: e.eax, ebx: e.ebx, ecx: e.ecx, edx: e.edx });
    }
    return out;
  }

  msrIndexList(): number[] {
    const max = 1024;
    const buf = new Uint8Array(kvm_msr_list_header.size + max * 4);
    kvm_msr_list_header.encode({ nmsrs: max }, buf);
    this.ioctl('KVM_GET_MSR_INDEX_LIST', I.KVM_GET_MSR_INDEX_LIST, buf);
    const n = kvm_msr_list_header.get(buf, 'nmsrs');
    const dv = new DataView(buf.buffer);
    return Array.from({ length: n }, (_, i) => dv.getUint32(4 + i * 4, true));
  }

  /** Retries EINTR: creating a VM takes long enough for a signal (a profiler's timer, a kick) to land. */
  createVm(): VmFd {
    for (;;) {
      const fd = libc.ioctl(this.fd, I.KVM_CREATE_VM, 0);
      if (fd >= 0) return new VmFd(fd);
      if (errno() !== EINTR) check('KVM_CREATE_VM', fd);
    }
  }

  close(): void {
    libc.close(this.fd);
  }
}
