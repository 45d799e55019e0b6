// The notifications a lifecycle decision asks RM to send (gunyah.md §4.2): NOTIFY_VM_STATUS to every RUNNING peer
// with an RPC link, NOTIFY_VM_EXITED to the owner, NOTIFY_VM_SHUTDOWN to the VM being stopped. Fields, not bytes.

import { NOTIFY_VM_EXITED, NOTIFY_VM_SHUTDOWN, NOTIFY_VM_STATUS } from '../messages/message-ids.js';
import { exitReasonWord, type ExitCode, type ExitType } from '../vm-constants.js';
import type { LifecycleVm } from './lifecycle-vm.js';

export interface VmStatusNotification {
  readonly kind: 'NOTIFY_VM_STATUS';
  readonly msgId: typeof NOTIFY_VM_STATUS;
  /** RM resolves the peer list at send time (`vm_mgnt_send_state`); the owner is a peer until reset completes. */
  readonly to: 'peers';
  readonly vmid: number;
  readonly vmStatus: number;
  readonly osStatus: number;
  readonly appStatus: number;
}

export interface VmExitedNotification {
  readonly kind: 'NOTIFY_VM_EXITED';
  readonly msgId: typeof NOTIFY_VM_EXITED;
  /** The owner's VMID. */
  readonly to: number;
  readonly vmid: number;
  readonly exitType: ExitType;
  readonly exitFlags: number;
  readonly exitCode: ExitCode;
  /** exit_reason[] as sent: [flags | code << 16], then reset_type, cookie_lo, cookie_hi for PSCI_SYSTEM_RESET2. */
  readonly exitReason: readonly number[];
}

export interface VmShutdownNotification {
  readonly kind: 'NOTIFY_VM_SHUTDOWN';
  readonly msgId: typeof NOTIFY_VM_SHUTDOWN;
  /** The VM asked to shut down. */
  readonly to: number;
  readonly stopReason: number;
}

export type LifecycleNotification = VmStatusNotification | VmExitedNotification | VmShutdownNotification;

export function statusNotification(vm: LifecycleVm): VmStatusNotification {
  return Object.freeze({ kind: 'NOTIFY_VM_STATUS', msgId: NOTIFY_VM_STATUS, to: 'peers', vmid: vm.vmid, vmStatus: vm.status, osStatus: vm.osStatus, appStatus: vm.appStatus });
}

export function exitedNotification(vm: LifecycleVm, exitType: ExitType, exitFlags: number, exitCode: ExitCode, extra: readonly number[] = []): VmExitedNotification {
  return Object.freeze({
    kind: 'NOTIFY_VM_EXITED',
    msgId: NOTIFY_VM_EXITED,
    to: vm.owner,
    vmid: vm.vmid,
    exitType,
    exitFlags,
    exitCode,
    exitReason: Object.freeze([exitReasonWord(exitFlags, exitCode), ...extra.map((w) => w >>> 0)]),
  });
}

export function shutdownNotification(vmid: number, stopReason: number): VmShutdownNotification {
  return Object.freeze({ kind: 'NOTIFY_VM_SHUTDOWN', msgId: NOTIFY_VM_SHUTDOWN, to: vmid, stopReason: stopReason >>> 0 });
}
