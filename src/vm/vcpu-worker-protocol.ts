// What the main thread tells a vCPU worker at start, and what the worker reports back.

import type { CpuidEntry } from '../kvm/kvm.js';
import type { BootEntry } from '../arch/x86_64/regs.js';
import type { DeviceSpec } from './device-table.js';
import type { VmExitReason } from './exit-reason.js';

export interface VcpuWorkerInit {
  readonly vcpuId: number;
  readonly vmFd: number;
  readonly vcpuFd: number;
  readonly runSize: number;
  readonly control: SharedArrayBuffer;
  readonly devices: readonly DeviceSpec[];
  readonly consoleFd: number;
  readonly consolePrefix: string;
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
  | { readonly kind: 'done'; readonly vcpuId: number };
