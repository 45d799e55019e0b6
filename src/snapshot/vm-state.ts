// VM-wide KVM state: the in-kernel PIT, kvmclock and the three interrupt controllers.

import type { VmFd } from '../kvm/vm-fd.js';
import { KVM_IRQCHIP } from '../kvm/abi/structs.js';

export interface VmState {
  readonly pit: Uint8Array;
  readonly clock: Uint8Array;
  readonly picMaster: Uint8Array;
  readonly picSlave: Uint8Array;
  readonly ioapic: Uint8Array;
}

export function saveVmState(vm: VmFd): VmState {
  return {
    pit: vm.getPit2(),
    clock: vm.getClock(),
    picMaster: vm.getIrqchip(KVM_IRQCHIP.PIC_MASTER),
    picSlave: vm.getIrqchip(KVM_IRQCHIP.PIC_SLAVE),
    ioapic: vm.getIrqchip(KVM_IRQCHIP.IOAPIC),
  };
}

/**
 * Call after every vCPU's state (LAPIC included) is back. The PIT goes last: setting it re-arms its
 * timer, and in KVM's reinject mode the PIT waits for each tick to be acknowledged (EOI) before it sends
 * the next. A tick fired before the LAPICs exist, or wiped by a later KVM_SET_LAPIC, is never
 * acknowledged and the guest's timer stops for good (seen as ~15% of clones never ticking).
 * The clock resumes where it was saved, so the guest sees no time pass while it was in the file.
 */
export function restoreVmState(vm: VmFd, s: VmState): void {
  vm.setClock(s.clock, 0);
  vm.setIrqchip(s.picMaster);
  vm.setIrqchip(s.picSlave);
  vm.setIrqchip(s.ioapic);
  vm.setPit2(s.pit);
}
