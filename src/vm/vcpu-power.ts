// One vCPU thread's side of PSCI power control: start as a CPU_ON asked (64-bit long mode on bothy's boot
// GDT and identity page tables, RIP = entry, the context id in RAX), or power off on CPU_OFF by returning
// the vCPU to KVM's wait-for-SIPI state, where KVM_RUN sleeps in the kernel until kicked or INIT/SIPI.

import type { VcpuFd } from '../kvm/vcpu-fd.js';
import { KVM_MP_STATE } from '../kvm/abi/structs.js';
import { bootSregs } from '../arch/x86_64/regs.js';
import { CPU_ON_CONTEXT_REG } from '../arch/x86_64/hypercall-abi.js';
import type { PowerStates } from './power-states.js';

const RFLAGS_RESERVED = 2n;

export class VcpuPower {
  readonly #vcpu: VcpuFd;
  readonly #states: PowerStates;
  #seenRunning = false;

  constructor(vcpu: VcpuFd, states: PowerStates) {
    this.#vcpu = vcpu;
    this.#states = states;
  }

  /** Before re-entering KVM_RUN after a kick: carries out a published CPU_ON for this vCPU. */
  applyPending(): void {
    const req = this.#states.pendingOn(this.#vcpu.id);
    if (req === undefined) return;
    const v = this.#vcpu;
    v.setSregs(bootSregs(v.getSregs(), 'linux64'));
    v.setRegs({ rip: req.entry, rflags: RFLAGS_RESERVED, [CPU_ON_CONTEXT_REG]: req.contextId });
    v.setMpState(KVM_MP_STATE.RUNNABLE);
    this.#states.markOn(v.id);
  }

  powerOff(): void {
    this.#states.markOff(this.#vcpu.id);
    this.#vcpu.setMpState(KVM_MP_STATE.UNINITIALIZED);
  }

  /** After an exit: the vCPU evidently runs (an AP the guest started with INIT/SIPI is on). */
  noteRunning(): void {
    if (this.#seenRunning) return;
    this.#seenRunning = true;
    this.#states.markRunning(this.#vcpu.id);
  }
}
