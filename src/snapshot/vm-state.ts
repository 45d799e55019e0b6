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

/** The clock resumes where it was saved, so the guest sees no time pass while it was in the file. */
export function restoreVmState(vm: VmFd, s: VmState): void {
  vm.setPit2(s.pit);
  vm.setClock(s.clock, 0);
  vm.setIrqchip(s.picMaster);
  vm.setIrqchip(s.picSlave);
  vm.setIrqchip(s.ioapic);
}
