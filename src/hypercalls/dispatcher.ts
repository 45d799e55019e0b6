// Architecture-neutral SMCCC hypercall dispatcher: routes a function id to the service that registered it,
// gated by the firmware registers (KVM's kvm_smccc_call_handler / kvm_smccc_get_action, reference §3.2).

import { HypercallError } from './hypercall-error.js';
import type { ServiceGate } from './firmware-registers.js';
import { SMCCC_RET_NOT_SUPPORTED, smcccRet } from './smccc.js';
import type { HypercallPlatform } from './platform.js';

export interface HypercallContext {
  readonly vcpuId: number;
  readonly platform: HypercallPlatform;
}

/** x1..x6 as the transport read them; missing trailing arguments are zero. */
export type HypercallArgs =
  | readonly []
  | readonly [bigint]
  | readonly [bigint, bigint]
  | readonly [bigint, bigint, bigint]
  | readonly [bigint, bigint, bigint, bigint]
  | readonly [bigint, bigint, bigint, bigint, bigint]
  | readonly [bigint, bigint, bigint, bigint, bigint, bigint];

/** What a service sees: always six u64 arguments. */
export type HypercallFullArgs = readonly [bigint, bigint, bigint, bigint, bigint, bigint];

/** x0..x3 as u64 register values. */
export type HypercallResult = readonly [bigint, bigint, bigint, bigint];

export interface HypercallService {
  readonly name: string;
  readonly functionIds: readonly number[];
  /** May return negative bigints for SMCCC codes; the dispatcher truncates every value to u64. */
  call(fid: number, args: HypercallFullArgs, ctx: HypercallContext): HypercallResult;
}

export interface HypercallStats {
  readonly calls: number;
  readonly unknown: number;
  readonly denied: number;
  readonly errors: number;
}

export interface HypercallDispatcherOptions {
  readonly gate?: ServiceGate;
  /** Told about every service failure (thrown or malformed result); the guest only ever sees NOT_SUPPORTED. */
  readonly onServiceError?: (service: string, fid: number, error: unknown) => void;
}

const U32_MAX = 0xffff_ffff;

/** A result that only carries x0 (a return code or a single value); x1..x3 are zero. */
export function x0Result(x0: number | bigint): HypercallResult {
  return [smcccRet(x0), 0n, 0n, 0n];
}

export const NOT_SUPPORTED_RESULT: HypercallResult = x0Result(SMCCC_RET_NOT_SUPPORTED);
const ALLOW_ALL: ServiceGate = { isVisible: () => true };

export class HypercallDispatcher {
  readonly #services = new Map<number, HypercallService>();
  readonly #gate: ServiceGate;
  readonly #onError: ((service: string, fid: number, error: unknown) => void) | undefined;
  #calls = 0;
  #unknown = 0;
  #denied = 0;
  #errors = 0;

  constructor(options: HypercallDispatcherOptions = {}) {
    this.#gate = options.gate ?? ALLOW_ALL;
    this.#onError = options.onServiceError;
  }

  register(service: HypercallService): void {
    for (const fid of service.functionIds) {
      if (!Number.isInteger(fid) || fid < 0 || fid > U32_MAX) {
        throw new HypercallError('INVALID_FUNCTION_ID', `Service ${service.name}: function id ${fid} is not a u32; use the ids from smccc.ts.`);
      }
      const other = this.#services.get(fid);
      if (other !== undefined) {
        throw new HypercallError('DUPLICATE_FUNCTION_ID', `Service ${service.name}: function id 0x${fid.toString(16)} is already served by ${other.name}; each id has one owner.`);
      }
    }
    for (const fid of service.functionIds) this.#services.set(fid, service);
  }

  serviceFor(fid: number): string | undefined {
    return this.#services.get(fid)?.name;
  }

  get stats(): HypercallStats {
    return { calls: this.#calls, unknown: this.#unknown, denied: this.#denied, errors: this.#errors };
  }

  /** Never throws: anything unknown, gated off or failing answers x0 = SMCCC_RET_NOT_SUPPORTED, x1..x3 = 0. */
  dispatch(fid: number, args: HypercallArgs, ctx: HypercallContext): HypercallResult {
    this.#calls++;
    const svc = Number.isInteger(fid) && fid >= 0 && fid <= U32_MAX ? this.#services.get(fid) : undefined;
    if (svc === undefined) {
      this.#unknown++;
      return NOT_SUPPORTED_RESULT;
    }
    try {
      // The gate is host code, but a misbehaving gate must not crash the vCPU loop either.
      if (!this.#gate.isVisible(fid)) {
        this.#denied++;
        return NOT_SUPPORTED_RESULT;
      }
      const r: unknown = svc.call(fid, fullArgs(args), ctx);
      if (!Array.isArray(r) || r.length !== 4 || !r.every((v) => typeof v === 'bigint')) {
        throw new TypeError(`service ${svc.name} returned ${String(r)} instead of four bigints`);
      }
      const v = r as unknown as HypercallResult;
      return [BigInt.asUintN(64, v[0]), BigInt.asUintN(64, v[1]), BigInt.asUintN(64, v[2]), BigInt.asUintN(64, v[3])];
    } catch (e) {
      this.#errors++;
      try {
        this.#onError?.(svc.name, fid, e);
      } catch {
        // A failing logger must not turn a contained guest error into a host crash.
      }
      return NOT_SUPPORTED_RESULT;
    }
  }
}

function fullArgs(args: HypercallArgs): HypercallFullArgs {
  const a = (i: number): bigint => {
    const v: unknown = Array.isArray(args) ? args[i] : undefined;
    return typeof v === 'bigint' ? BigInt.asUintN(64, v) : 0n;
  };
  return [a(0), a(1), a(2), a(3), a(4), a(5)];
}
