// The x86-64 hypercall transport: the guest's `out %eax, $PORTS.HYPERCALL` exits to the vCPU thread, which
// reads the call from kvm_run's sync regs (KVM_SYNC_X86_REGS, filled on every exit), dispatches it and
// writes x0..x3 back through kvm_dirty_regs — no register ioctl on the path (docs/hypercalls.md).

import { HypercallRegisters } from '../arch/x86_64/hypercall-abi.js';
import { KVM_RUN_DIRTY_REGS, KVM_RUN_SYNC_REGS, KVM_RUN_VALID_REGS, KVM_SYNC_X86_REGS } from '../kvm/abi/kvm-run.js';
import { kvm_regs } from '../kvm/abi/structs.js';
import type { HypercallContext, HypercallDispatcher } from '../hypercalls/dispatcher.js';
import type { AfterCall, X86HypercallPlatform } from './hypercall-platform.js';

export class HypercallDoorbell {
  readonly #run: Uint8Array;
  readonly #regs: HypercallRegisters;
  readonly #dispatcher: HypercallDispatcher;
  readonly #platform: X86HypercallPlatform;
  readonly #ctx: HypercallContext;

  constructor(run: Uint8Array, dispatcher: HypercallDispatcher, platform: X86HypercallPlatform, vcpuId: number) {
    this.#run = run;
    this.#regs = new HypercallRegisters(new BigUint64Array(run.buffer, run.byteOffset + KVM_RUN_SYNC_REGS, kvm_regs.size / 8));
    this.#dispatcher = dispatcher;
    this.#platform = platform;
    this.#ctx = { vcpuId, platform };
    // KVM keeps this set: from the next KVM_RUN on, every exit carries the GPRs (a copy of ~150 bytes).
    this.#run[KVM_RUN_VALID_REGS] = this.#run[KVM_RUN_VALID_REGS]! | KVM_SYNC_X86_REGS;
  }

  /** One call; returns what must happen to the vCPU or VM afterwards. */
  call(): AfterCall | undefined {
    const r = this.#dispatcher.dispatch(this.#regs.functionId(), this.#regs.args(), this.#ctx);
    const after = this.#platform.takeAfterCall();
    // A vCPU that powered off never sees its result; one the VM ends with keeps KVM's INTERNAL_FAILURE preload.
    if (after === 'cpu-off') return after;
    this.#regs.setResult(r);
    // KVM loads the registers at the next KVM_RUN and clears the flag itself.
    this.#run[KVM_RUN_DIRTY_REGS] = this.#run[KVM_RUN_DIRTY_REGS]! | KVM_SYNC_X86_REGS;
    return after;
  }
}
