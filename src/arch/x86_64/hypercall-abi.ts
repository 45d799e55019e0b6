// The x86-64 register mapping of bothy's SMCCC hypercalls: which general-purpose register carries
// which SMCCC register (docs/hypercalls.md explains the ABI around it). The one place that says it.

import { kvm_regs } from '../../kvm/abi/structs.js';
import type { HypercallArgs, HypercallResult } from '../../hypercalls/dispatcher.js';

type GprName = keyof typeof kvm_regs.offsets;

/** w0: the SMCCC function id, in EAX (the doorbell `out %eax` also carries it as the port data). */
export const HYPERCALL_FID_REG: GprName = 'rax';
/** x1..x6, following KVM's x86 hypercall order (RBX, RCX, RDX, RSI) and then RDI, R8. */
export const HYPERCALL_ARG_REGS = ['rbx', 'rcx', 'rdx', 'rsi', 'rdi', 'r8'] as const satisfies readonly GprName[];
/** x0..x3 on return. Every other register, and RIP past the `out`, is preserved. */
export const HYPERCALL_RESULT_REGS = ['rax', 'rbx', 'rcx', 'rdx'] as const satisfies readonly GprName[];
/** PSCI CPU_ON's context id reaches the started vCPU where arm64 puts it: x0, so RAX. */
export const CPU_ON_CONTEXT_REG: GprName = 'rax';

const slot = (r: GprName): number => kvm_regs.offsets[r] / 8;
const FID = slot(HYPERCALL_FID_REG);
const ARGS = HYPERCALL_ARG_REGS.map(slot);
const RESULTS = HYPERCALL_RESULT_REGS.map(slot);

/**
 * Reads and writes a call from a `struct kvm_regs` seen as u64 words (kvm_run's sync regs), without
 * allocating per call: the transport runs on every doorbell exit.
 */
export class HypercallRegisters {
  readonly #r: BigUint64Array;

  constructor(regs: BigUint64Array) {
    if (regs.length < kvm_regs.size / 8) throw new RangeError(`kvm_regs view has ${regs.length} words, needs ${kvm_regs.size / 8}`);
    this.#r = regs;
  }

  /** The 32-bit function id in w0 (the upper half of RAX is ignored, as SMCCC ignores x0[63:32]). */
  functionId(): number {
    return Number(this.#r[FID]! & 0xffff_ffffn);
  }

  args(): HypercallArgs {
    const r = this.#r;
    return [r[ARGS[0]!]!, r[ARGS[1]!]!, r[ARGS[2]!]!, r[ARGS[3]!]!, r[ARGS[4]!]!, r[ARGS[5]!]!];
  }

  setResult(res: HypercallResult): void {
    for (let i = 0; i < 4; i++) this.#r[RESULTS[i]!] = res[i]!;
  }
}
