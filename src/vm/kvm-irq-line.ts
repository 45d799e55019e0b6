// An IrqLine driven through KVM_IRQ_LINE on the in-kernel IOAPIC/PIC (GSI n = IOAPIC pin n).

import type { IrqLine } from '../devices/irq.js';
import type { VmFd } from '../kvm/vm-fd.js';

export class KvmIrqLine implements IrqLine {
  readonly #vm: VmFd;
  readonly gsi: number;
  constructor(vm: VmFd, gsi: number) {
    this.#vm = vm;
    this.gsi = gsi;
  }
  setLevel(high: boolean): void {
    this.#vm.irqLine(this.gsi, high);
  }
}
