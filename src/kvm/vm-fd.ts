// A KVM VM file descriptor: memory slots, in-kernel irqchip and PIT, interrupt lines, vCPU creation.
// VM ioctls may be issued from any thread (the vCPU workers raise interrupt lines through their own VmFd).

import { libc } from './libc.js';
import { check } from './syscall.js';
import * as I from './abi/ioctls.js';
import {
  kvm_userspace_memory_region, kvm_pit_config, kvm_irq_level, KVM_PIT_SPEAKER_DUMMY, kvm_irqchip_header, KVM_IRQCHIP_SIZE,
  kvm_clock_data,
} from './abi/structs.js';

export interface MemorySlot {
  slot: number;
  guestPhysAddr: number;
  size: number;
  userspaceAddr: bigint;
  readonly?: boolean;
}

export const KVM_MEM_READONLY = 1 << 1;

export class VmFd {
  readonly fd: number;
  readonly #irqBuf = new Uint8Array(kvm_irq_level.size);

  constructor(fd: number) {
    this.fd = fd;
  }

  ioctl(op: string, req: number, arg: Uint8Array | number): number {
    return check(op, libc.ioctl(this.fd, req, arg));
  }

  setUserMemoryRegion(s: MemorySlot): void {
    const buf = kvm_userspace_memory_region.encode({
      slot: s.slot,
      flags: s.readonly ? KVM_MEM_READONLY : 0,
      guest_phys_addr: BigInt(s.guestPhysAddr),
      memory_size: BigInt(s.size),
      userspace_addr: s.userspaceAddr,
    });
    this.ioctl('KVM_SET_USER_MEMORY_REGION', I.KVM_SET_USER_MEMORY_REGION, buf);
  }

  setTssAddr(addr: number): void {
    this.ioctl('KVM_SET_TSS_ADDR', I.KVM_SET_TSS_ADDR, addr);
  }

  setIdentityMapAddr(addr: number): void {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, BigInt(addr), true);
    this.ioctl('KVM_SET_IDENTITY_MAP_ADDR', I.KVM_SET_IDENTITY_MAP_ADDR, b);
  }

  createIrqchip(): void {
    this.ioctl('KVM_CREATE_IRQCHIP', I.KVM_CREATE_IRQCHIP, 0);
  }

  /** In-kernel PIT; the speaker port 0x61 stays in the kernel too (Firecracker does the same). */
  createPit2(): void {
    this.ioctl('KVM_CREATE_PIT2', I.KVM_CREATE_PIT2, kvm_pit_config.encode({ flags: KVM_PIT_SPEAKER_DUMMY }));
  }

  irqLine(gsi: number, high: boolean): void {
    kvm_irq_level.encode({ irq: gsi, level: high ? 1 : 0 }, this.#irqBuf);
    this.ioctl('KVM_IRQ_LINE', I.KVM_IRQ_LINE, this.#irqBuf);
  }

  /** One in-kernel interrupt controller's state (struct kvm_irqchip, chip 0/1 = PICs, 2 = IOAPIC). */
  getIrqchip(chipId: number): Uint8Array {
    const b = new Uint8Array(KVM_IRQCHIP_SIZE);
    kvm_irqchip_header.encode({ chip_id: chipId }, b);
    this.ioctl('KVM_GET_IRQCHIP', I.KVM_GET_IRQCHIP, b);
    return b;
  }
  setIrqchip(state: Uint8Array): void {
    this.ioctl('KVM_SET_IRQCHIP', I.KVM_SET_IRQCHIP, state);
  }

  getPit2(): Uint8Array {
    const b = new Uint8Array(112);
    this.ioctl('KVM_GET_PIT2', I.KVM_GET_PIT2, b);
    return b;
  }
  setPit2(state: Uint8Array): void {
    this.ioctl('KVM_SET_PIT2', I.KVM_SET_PIT2, state);
  }

  getClock(): Uint8Array {
    const b = new Uint8Array(kvm_clock_data.size);
    this.ioctl('KVM_GET_CLOCK', I.KVM_GET_CLOCK, b);
    return b;
  }
  /** Sets kvmclock; `flags` 0 resumes the clock where it was saved (KVM_CLOCK_REALTIME would add the wall time since). */
  setClock(state: Uint8Array, flags = 0): void {
    const b = state.slice();
    kvm_clock_data.set(b, 'flags', flags);
    this.ioctl('KVM_SET_CLOCK', I.KVM_SET_CLOCK, b);
  }

  checkExtension(cap: number): number {
    return this.ioctl('KVM_CHECK_EXTENSION', I.KVM_CHECK_EXTENSION, cap);
  }

  /** Returns the new vCPU's fd; wrap it in a VcpuFd on the thread that will run it. */
  createVcpu(id: number): number {
    return this.ioctl(`KVM_CREATE_VCPU(${id})`, I.KVM_CREATE_VCPU, id);
  }

  close(): void {
    libc.close(this.fd);
  }
}
