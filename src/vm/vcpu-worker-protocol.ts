// What the main thread tells a vCPU worker at start, and what the worker reports back.

import type { CpuidEntry } from '../kvm/kvm.js';
import type { BootEntry } from '../arch/x86_64/regs.js';
import type { DeviceSpec } from './device-table.js';
import type { VmExitReason } from './exit-reason.js';
import type { HypercallState } from './hypercall-state.js';

export interface VcpuWorkerInit {
  readonly vcpuId: number;
  readonly vmFd: number;
  readonly vcpuFd: number;
  readonly runSize: number;
  readonly control: SharedArrayBuffer;
  readonly devices: readonly DeviceSpec[];
  readonly consoleFd: number;
  readonly consolePrefix: string;
  readonly hypercalls: HypercallState & {
    /** Host address of LAYOUT.PVTIME_START in this process's mapping of guest RAM (the stolen-time records). */
    readonly stolenTimeRecords: bigint;
  };
  /** Fresh boot only (a restored vCPU's state is already in KVM). */
  readonly setup?: {
    readonly cpuid: readonly CpuidEntry[];
    readonly msrs: readonly { index: number; data: bigint }[];
    /** Only the boot vCPU gets entry registers; APs wait for INIT/SIPI. */
    readonly entry?: BootEntry;
  };
}

export type WorkerMessage =
  | { readonly kind: 'started'; readonly vcpuId: number; readonly tid: number }
  | { readonly kind: 'exit'; readonly reason: VmExitReason }
  | { readonly kind: 'stop-others' }
  /** PSCI CPU_ON: kick that vCPU out of KVM_RUN so it sees its pending start. */
  | { readonly kind: 'kick'; readonly vcpu: number }
  | { readonly kind: 'done'; readonly vcpuId: number };
