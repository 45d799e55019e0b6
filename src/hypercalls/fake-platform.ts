// Test support: a HypercallPlatform with no VM behind it. It keeps PSCI power states in an array, answers
// from fixed options and records every call, so each service test can assert what the service asked for.

import { assertNever } from '../binary/assert-never.js';
import type { CpuOnResult, HypercallPlatform, PsciPowerState, PtpCounter } from './platform.js';

export type FakePlatformCall =
  | { readonly kind: 'cpu-on'; readonly target: number; readonly entry: bigint; readonly contextId: bigint; readonly result: CpuOnResult }
  | { readonly kind: 'cpu-off'; readonly vcpu: number }
  | { readonly kind: 'system-event'; readonly event: 'poweroff' | 'reset' }
  | { readonly kind: 'random-bytes'; readonly n: number }
  | { readonly kind: 'start-stolen-time' }
  | { readonly kind: 'ptp'; readonly counter: PtpCounter };

export interface FakePtpReading {
  readonly realtimeNs: bigint;
  readonly counter: bigint;
}

export interface FakePlatformOptions {
  /** The calling vCPU (CPU_OFF powers this one off). Default 0. */
  readonly vcpuId?: number;
  /** Power state per vCPU; its length is vcpuCount. Default: four vCPUs, vCPU 0 on, the rest off. */
  readonly states?: readonly PsciPowerState[];
  /** The calling vCPU's stolen-time record; absent means the VM has none. */
  readonly stolenTimeGpa?: bigint;
  /** What ptp() reads (for either counter); absent means PTP is unavailable. */
  readonly ptp?: FakePtpReading;
  /** Entropy source; default all-ones bytes, so a result's set bits show exactly which bits were kept. */
  readonly randomBytes?: (n: number) => Uint8Array;
  /** Leave hasStolenTime out of the platform, as a VM that gives every vCPU a record may. */
  readonly omitHasStolenTime?: boolean;
}

export class FakePlatform implements HypercallPlatform {
  readonly calls: FakePlatformCall[] = [];
  readonly states: PsciPowerState[];
  readonly hasStolenTime?: () => boolean;
  readonly #vcpuId: number;
  readonly #stolen: bigint | undefined;
  readonly #ptp: FakePtpReading | undefined;
  readonly #random: (n: number) => Uint8Array;

  constructor(options: FakePlatformOptions = {}) {
    this.#vcpuId = options.vcpuId ?? 0;
    this.states = [...(options.states ?? ['on', 'off', 'off', 'off'])];
    this.#stolen = options.stolenTimeGpa;
    this.#ptp = options.ptp;
    this.#random = options.randomBytes ?? ((n) => new Uint8Array(n).fill(0xff));
    if (options.omitHasStolenTime !== true) this.hasStolenTime = () => this.#stolen !== undefined;
  }

  get vcpuCount(): number {
    return this.states.length;
  }

  powerState(vcpu: number): PsciPowerState | undefined {
    return Number.isInteger(vcpu) && vcpu >= 0 ? this.states[vcpu] : undefined;
  }

  cpuOn(target: number, entry: bigint, contextId: bigint): CpuOnResult {
    const result = this.#cpuOnResult(target);
    if (result === 'ok') this.states[target] = 'on-pending';
    this.calls.push({ kind: 'cpu-on', target, entry, contextId, result });
    return result;
  }

  cpuOff(): void {
    if (this.#vcpuId < this.states.length) this.states[this.#vcpuId] = 'off';
    this.calls.push({ kind: 'cpu-off', vcpu: this.#vcpuId });
  }

  systemEvent(event: 'poweroff' | 'reset'): void {
    this.calls.push({ kind: 'system-event', event });
  }

  randomBytes(n: number): Uint8Array {
    this.calls.push({ kind: 'random-bytes', n });
    return this.#random(n);
  }

  startStolenTime(): bigint | undefined {
    this.calls.push({ kind: 'start-stolen-time' });
    return this.#stolen;
  }

  ptp(counter: PtpCounter): FakePtpReading | undefined {
    this.calls.push({ kind: 'ptp', counter });
    return this.#ptp;
  }

  /** The recorded calls of one kind, for terse assertions. */
  callsOf<K extends FakePlatformCall['kind']>(kind: K): Extract<FakePlatformCall, { kind: K }>[] {
    return this.calls.filter((c): c is Extract<FakePlatformCall, { kind: K }> => c.kind === kind);
  }

  #cpuOnResult(target: number): CpuOnResult {
    const s = this.powerState(target);
    switch (s) {
      case undefined: return 'no-such-cpu';
      case 'on': return 'already-on';
      case 'on-pending': return 'on-pending';
      case 'off': return 'ok';
      default: return assertNever(s, 'power state');
    }
  }
}
