// The part of RM's `vm_t` the lifecycle decisions read and write (RM bf31a9a include/vm_mgnt.h): status, owner,
// os/app status, the auth type chosen at VM_CONFIG_IMAGE, the reset stage, and the vm-attrs of §6.2 that gate §6.1.

import { OS_STATUS, VM_STATUS, type OsStatus, type VmAuthType, type VmStatus } from '../vm-constants.js';

/** Stages of RESETTING, one per reset event (gunyah.md §6.1; RM `vm_reset_stage_t`), in order. */
export const VM_RESET_STAGES = ['INIT', 'DESTROY_VDEVICES', 'RELEASE_MEMPARCELS', 'RELEASE_IRQS', 'DESTROY_VM', 'CLEANUP_VM', 'COMPLETED'] as const;
export type VmResetStage = (typeof VM_RESET_STAGES)[number];

/** vm-attrs from the VM-config DT (§6.2); crash-fatal implies no-shutdown and no-reset. */
export interface VmAttrs {
  readonly noShutdown: boolean;
  readonly noReset: boolean;
  readonly crashFatal: boolean;
}

export const NO_VM_ATTRS: VmAttrs = Object.freeze({ noShutdown: false, noReset: false, crashFatal: false });

export interface LifecycleVm {
  readonly vmid: number;
  readonly owner: number;
  readonly status: VmStatus;
  readonly osStatus: OsStatus;
  /** u16, free-form (VM_SET_STATUS). */
  readonly appStatus: number;
  /** Set by a successful VM_CONFIG_IMAGE; VM_AUTH_IMAGE reads it. */
  readonly authType?: VmAuthType;
  /** Only while RESETTING: the stage whose work runs next. */
  readonly resetStage?: VmResetStage;
  readonly attrs: VmAttrs;
  /** VM_SET_CRASH_MSG was called: halts and watchdog bites then report exit_code SOFTWARE_ERROR. */
  readonly hasCrashMsg: boolean;
}

/** A VM as VM_ALLOCATE creates it: LOAD (RM-2306+), owned by the caller. */
export function newLifecycleVm(vmid: number, owner: number): LifecycleVm {
  return Object.freeze({
    vmid,
    owner,
    status: VM_STATUS.LOAD,
    osStatus: OS_STATUS.NONE,
    appStatus: 0,
    attrs: NO_VM_ATTRS,
    hasCrashMsg: false,
  });
}

/** vm-attrs as RM applies them: crash-fatal turns on no-shutdown and no-reset. */
export function vmAttrs(a: Partial<VmAttrs>): VmAttrs {
  const crashFatal = a.crashFatal === true;
  return Object.freeze({ noShutdown: crashFatal || a.noShutdown === true, noReset: crashFatal || a.noReset === true, crashFatal });
}
