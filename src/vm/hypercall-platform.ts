// The machine side of hypercall services for one vCPU thread of an x86-64 VM: PSCI power states shared
// by every vCPU, kicks through the main thread, stolen time, PTP from CLOCK_REALTIME and the guest TSC.
// Calls that end or power off the vCPU are recorded here and carried out by the doorbell after the call.

import { randomBytes } from 'node:crypto';
import type { CpuOnResult, HypercallPlatform, PsciPowerState, PtpCounter } from '../hypercalls/platform.js';
import type { VcpuFd } from '../kvm/vcpu-fd.js';
import { realtimeNs } from '../kvm/libc.js';
import type { PowerStates } from './power-states.js';
import { type StolenTimeClock, stolenTimeRecordGpa } from './stolen-time.js';

const MSR_IA32_TSC = 0x10;

/** What a call asked for beyond its result registers. */
export type AfterCall = 'cpu-off' | 'poweroff' | 'reset';

export interface X86PlatformDeps {
  readonly vcpu: VcpuFd;
  readonly power: PowerStates;
  /** Kicks another vCPU out of KVM_RUN (vCPU threads can't signal each other; the main thread does). */
  readonly kick: (vcpu: number) => void;
  readonly stolenTime: StolenTimeClock;
}

export class X86HypercallPlatform implements HypercallPlatform {
  readonly #d: X86PlatformDeps;
  #after: AfterCall | undefined;

  constructor(deps: X86PlatformDeps) {
    this.#d = deps;
  }

  get vcpuCount(): number {
    return this.#d.power.count;
  }

  powerState(vcpu: number): PsciPowerState | undefined {
    return this.#d.power.state(vcpu);
  }

  cpuOn(target: number, entry: bigint, contextId: bigint): CpuOnResult {
    const r = this.#d.power.requestOn(target, entry, contextId);
    if (r === 'ok') this.#d.kick(target);
    return r;
  }

  cpuOff(): void {
    this.#after = 'cpu-off';
  }

  systemEvent(event: 'poweroff' | 'reset'): void {
    this.#after = event;
  }

  randomBytes(n: number): Uint8Array {
    return new Uint8Array(randomBytes(n));
  }

  startStolenTime(): bigint | undefined {
    this.#d.stolenTime.start();
    return BigInt(stolenTimeRecordGpa(this.#d.vcpu.id));
  }

  /**
   * x86 has one counter a guest reads directly, the TSC, so both PTP counters pair with it. KVM_GET_MSRS
   * on the vCPU's own thread (it is outside KVM_RUN during the call) reads it as the guest does.
   */
  ptp(_counter: PtpCounter): { realtimeNs: bigint; counter: bigint } | undefined {
    const wall = realtimeNs();
    const tsc = this.#d.vcpu.getMsrs([MSR_IA32_TSC])[0]?.data;
    return tsc === undefined ? undefined : { realtimeNs: wall, counter: tsc };
  }

  /** The doorbell asks after each call; the answer is cleared. */
  takeAfterCall(): AfterCall | undefined {
    const a = this.#after;
    this.#after = undefined;
    return a;
  }
}
