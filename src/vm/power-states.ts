// The PSCI power state of every vCPU (PSCI 1.1 §5.1.4 AFFINITY_INFO: ON, OFF, ON_PENDING), shared by all
// vCPU threads: CPU_ON runs on the caller's thread, and the target applies the request on its own.

import type { CpuOnResult, PsciPowerState } from '../hypercalls/platform.js';

const OFF = 0;
const ON = 1;
const ON_PENDING = 2;
/** A CPU_ON caller owns the slot while it writes entry and context id; others see ON_PENDING. */
const CLAIMED = 3;
const NAMES = ['off', 'on', 'on-pending', 'on-pending'] as const satisfies readonly PsciPowerState[];

/** Per vCPU: Int32 state, Int32 pad, u64 entry, u64 context id. */
const RECORD_BYTES = 24;

export interface PowerOnRequest {
  readonly entry: bigint;
  readonly contextId: bigint;
}

export class PowerStates {
  readonly buffer: SharedArrayBuffer;
  readonly count: number;
  readonly #state: Int32Array;
  readonly #words: BigUint64Array;

  /** A fresh machine: the boot vCPU is on, the others wait to be started (CPU_ON, or INIT/SIPI). */
  static boot(count: number): PowerStates {
    const p = new PowerStates(new SharedArrayBuffer(count * RECORD_BYTES));
    Atomics.store(p.#state, 0, ON);
    return p;
  }

  /** From savedBytes(); a state word that is not a PSCI state is refused, not guessed. */
  static fromSaved(bytes: Uint8Array, count: number): PowerStates {
    if (bytes.length !== count * RECORD_BYTES) {
      throw new RangeError(`PSCI power state is ${bytes.length} bytes, expected ${count * RECORD_BYTES} for ${count} vCPUs`);
    }
    const buffer = new SharedArrayBuffer(bytes.length);
    new Uint8Array(buffer).set(bytes);
    const p = new PowerStates(buffer);
    for (let i = 0; i < count; i++) {
      const s = Atomics.load(p.#state, i * (RECORD_BYTES / 4));
      // A caller claimed the slot but had not published it: treat as the pending request it was about to be.
      if (s === CLAIMED) Atomics.store(p.#state, i * (RECORD_BYTES / 4), ON_PENDING);
      else if (s !== OFF && s !== ON && s !== ON_PENDING) throw new RangeError(`vCPU ${i}'s PSCI power state ${s} is not one bothy writes`);
    }
    return p;
  }

  constructor(buffer: SharedArrayBuffer) {
    this.buffer = buffer;
    this.count = buffer.byteLength / RECORD_BYTES;
    this.#state = new Int32Array(buffer);
    this.#words = new BigUint64Array(buffer);
  }

  state(vcpu: number): PsciPowerState | undefined {
    if (!Number.isInteger(vcpu) || vcpu < 0 || vcpu >= this.count) return undefined;
    return NAMES[Atomics.load(this.#state, vcpu * (RECORD_BYTES / 4))]!;
  }

  /** The CPU_ON side: claims an OFF vCPU and publishes where it starts. The caller then kicks it. */
  requestOn(vcpu: number, entry: bigint, contextId: bigint): CpuOnResult {
    if (this.state(vcpu) === undefined) return 'no-such-cpu';
    const i = vcpu * (RECORD_BYTES / 4);
    const was = Atomics.compareExchange(this.#state, i, OFF, CLAIMED);
    if (was === ON) return 'already-on';
    if (was !== OFF) return 'on-pending';
    const w = vcpu * (RECORD_BYTES / 8);
    this.#words[w + 1] = entry;
    this.#words[w + 2] = contextId;
    Atomics.store(this.#state, i, ON_PENDING);
    return 'ok';
  }

  /** The target side, before each KVM_RUN: a published request, if any (it stays pending until markOn). */
  pendingOn(vcpu: number): PowerOnRequest | undefined {
    if (Atomics.load(this.#state, vcpu * (RECORD_BYTES / 4)) !== ON_PENDING) return undefined;
    const w = vcpu * (RECORD_BYTES / 8);
    return { entry: this.#words[w + 1]!, contextId: this.#words[w + 2]! };
  }

  markOn(vcpu: number): void {
    Atomics.store(this.#state, vcpu * (RECORD_BYTES / 4), ON);
  }

  /** An AP the guest started itself (INIT/SIPI) is on once it runs; a pending CPU_ON is left alone. */
  markRunning(vcpu: number): void {
    Atomics.compareExchange(this.#state, vcpu * (RECORD_BYTES / 4), OFF, ON);
  }

  markOff(vcpu: number): void {
    Atomics.store(this.#state, vcpu * (RECORD_BYTES / 4), OFF);
  }

  /** Read while every vCPU is parked. */
  savedBytes(): Uint8Array {
    return new Uint8Array(this.buffer).slice();
  }
}
