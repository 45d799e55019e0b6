import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as S from './structs.js';
import * as I from './ioctls.js';
import {
  kvm_run_header, kvm_run_mmio, kvm_run_internal, KVM_RUN_EXIT_UNION, KVM_RUN_VALID_REGS, KVM_RUN_DIRTY_REGS, KVM_RUN_SYNC_REGS,
  KVM_SYNC_X86_REGS,
} from './kvm-run.js';

// Golden values printed by a C program against linux/kvm.h (x86-64) — sizeof() and the ioctl macros.
test('KVM struct sizes match the kernel headers', () => {
  assert.equal(S.kvm_regs.size, 0x90);
  assert.equal(S.kvm_sregs.size, 0x138);
  assert.equal(S.kvm_fpu.size, 0x1a0);
  assert.equal(S.kvm_cpuid_entry2.size, 0x28);
  assert.equal(S.kvm_userspace_memory_region.size, 0x20);
  assert.equal(S.kvm_pit_config.size, 0x40);
  assert.equal(S.kvm_segment.size, 24);
  assert.equal(S.kvm_dtable.size, 16);
  assert.equal(S.kvm_enable_cap.size, 0x68);
  assert.equal(kvm_run_header.size, 32);
  assert.equal(KVM_RUN_EXIT_UNION + kvm_run_mmio.offsets.is_write, 0x34);
  assert.equal(KVM_RUN_EXIT_UNION + kvm_run_internal.offsets.data, 0x28);
  // offsetof(struct kvm_run, kvm_valid_regs / kvm_dirty_regs / s.regs.regs), and s.regs.regs.rip.
  assert.equal(KVM_RUN_VALID_REGS, 0x120);
  assert.equal(KVM_RUN_DIRTY_REGS, 0x128);
  assert.equal(KVM_RUN_SYNC_REGS, 0x130);
  assert.equal(KVM_RUN_SYNC_REGS + S.kvm_regs.offsets.rip, 0x1b0);
  assert.equal(KVM_SYNC_X86_REGS, 1);
});

test('KVM ioctl numbers match the kernel headers', () => {
  assert.equal(I.KVM_RUN, 0xae80);
  assert.equal(I.KVM_GET_SUPPORTED_CPUID, 0xc008ae05);
  assert.equal(I.KVM_SET_USER_MEMORY_REGION, 0x4020ae46);
  assert.equal(I.KVM_IRQ_LINE, 0x4008ae61);
  assert.equal(I.KVM_CREATE_PIT2, 0x4040ae77);
  assert.equal(I.KVM_GET_REGS, 0x8090ae81);
  assert.equal(I.KVM_SET_SREGS, 0x4138ae84);
  assert.equal(I.KVM_GET_MSRS, 0xc008ae88);
  assert.equal(I.KVM_SET_CPUID2, 0x4008ae90);
  assert.equal(I.KVM_GET_MP_STATE, 0x8004ae98);
  assert.equal(I.KVM_GET_FPU, 0x81a0ae8c);
  assert.equal(I.KVM_ENABLE_CAP, 0x4068aea3);
  assert.equal(I.KVM_GET_MSR_INDEX_LIST, 0xc004ae02);
  assert.equal(I.KVM_SET_IDENTITY_MAP_ADDR, 0x4008ae48);
});

test('KVM state ioctl numbers and sizes match the kernel headers', () => {
  assert.deepEqual(
    [I.KVM_GET_XSAVE, I.KVM_SET_XSAVE, I.KVM_GET_XSAVE2, I.KVM_GET_XCRS, I.KVM_SET_XCRS, I.KVM_GET_DEBUGREGS,
      I.KVM_SET_DEBUGREGS, I.KVM_GET_LAPIC, I.KVM_SET_LAPIC, I.KVM_GET_VCPU_EVENTS, I.KVM_SET_VCPU_EVENTS,
      I.KVM_GET_CPUID2, I.KVM_GET_TSC_KHZ, I.KVM_SET_TSC_KHZ, I.KVM_KVMCLOCK_CTRL, I.KVM_GET_PIT2, I.KVM_SET_PIT2,
      I.KVM_GET_CLOCK, I.KVM_SET_CLOCK, I.KVM_GET_IRQCHIP, I.KVM_SET_IRQCHIP],
    [0x9000aea4, 0x5000aea5, 0x9000aecf, 0x8188aea6, 0x4188aea7, 0x8080aea1, 0x4080aea2, 0x8400ae8e, 0x4400ae8f,
      0x8040ae9f, 0x4040aea0, 0xc008ae91, 0xaea3, 0xaea2, 0xaead, 0x8070ae9f, 0x4070aea0, 0x8030ae7c, 0x4030ae7b,
      0xc208ae62, 0x8208ae63],
  );
  assert.equal(S.kvm_clock_data.size, 0x30);
  assert.equal(S.kvm_clock_data.offsets.flags, 8);
  assert.equal(S.KVM_IRQCHIP_SIZE, 0x208);
  assert.deepEqual(Object.values(I.KVM_CAP_STATE), [0x27, 0x29, 0x32, 0x38, 0x3c, 0x3d, 0x4c, 0xd0]);
});

test('KVM capability numbers match the kernel headers', () => {
  assert.deepEqual(
    [I.KVM_CAP.MAX_VCPU_ID, I.KVM_CAP.IMMEDIATE_EXIT, I.KVM_CAP.MAX_VCPUS, I.KVM_CAP.NR_VCPUS, I.KVM_CAP.PIT2,
      I.KVM_CAP.SET_IDENTITY_MAP_ADDR, I.KVM_CAP.NR_MEMSLOTS],
    [0x80, 0x88, 0x42, 0x9, 0x21, 0x25, 0xa],
  );
});
