// The x86-64 hypercall transport: the guest's `out %eax, $PORTS.HYPERCALL` exits to the vCPU thread, which
// reads the call from kvm_run's sync regs (KVM_SYNC_X86_REGS, filled on every exit), dispatches it and
// writes x0..x3 back through kvm_dirty_regs — no register ioctl on the path (docs/hypercalls.md).

import { HypercallRegisters } from '../arch/x86_64/hypercall-abi.js';
import {
  KVM_EXIT_IO_OUT, KVM_RUN_DIRTY_REGS, KVM_RUN_EXIT_UNION, KVM_RUN_SYNC_REGS, KVM_RUN_VALID_REGS, KVM_SYNC_X86_REGS, kvm_run_io,
} from '../kvm/abi/kvm-run.js';
import { PORTS } from '../arch/x86_64/layout.js';
import { kvm_regs } from '../kvm/abi/structs.js';
import type { HypercallContext, HypercallDispatcher } from '../hypercalls/dispatcher.js';
import type { AfterCall, X86HypercallPlatform } from './hypercall-platform.js';

const IO_DIRECTION = KVM_RUN_EXIT_UNION + kvm_run_io.offsets.direction;
const IO_SIZE = KVM_RUN_EXIT_UNION + kvm_run_io.offsets.size;
const IO_PORT = KVM_RUN_EXIT_UNION + kvm_run_io.offsets.port;
const IO_COUNT = KVM_RUN_EXIT_UNION + kvm_run_io.offsets.count;

export class HypercallDoorbell {
  readonly #run: Uint8Array;
  readonly #dv: DataView;
  readonly #regs: HypercallRegisters;
  readonly #dispatcher: HypercallDispatcher;
  readonly #platform: X86HypercallPlatform;
  readonly #ctx: HypercallContext;

  constructor(run: Uint8Array, dispatcher: HypercallDispatcher, platform: X86HypercallPlatform, vcpuId: number) {
    this.#run = run;
    this.#dv = new DataView(run.buffer, run.byteOffset, run.byteLength);
    this.#regs = new HypercallRegisters(new BigUint64Array(run.buffer, run.byteOffset + KVM_RUN_SYNC_REGS, kvm_regs.size / 8));
    this.#dispatcher = dispatcher;
    this.#platform = platform;
    this.#ctx = { vcpuId, platform };
    // KVM keeps this set: from the next KVM_RUN on, every exit carries the GPRs (a copy of ~150 bytes).
    this.#run[KVM_RUN_VALID_REGS] = this.#run[KVM_RUN_VALID_REGS]! | KVM_SYNC_X86_REGS;
  }

  /** On a KVM_EXIT_IO: is it the doorbell (one 32-bit OUT to PORTS.HYPERCALL)? Any other access is ordinary port I/O. */
  isCall(): boolean {
    const dv = this.#dv;
    return dv.getUint16(IO_PORT, true) === PORTS.HYPERCALL && dv.getUint8(IO_SIZE) === 4
      && dv.getUint8(IO_DIRECTION) === KVM_EXIT_IO_OUT && dv.getUint32(IO_COUNT, true) === 1;
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
