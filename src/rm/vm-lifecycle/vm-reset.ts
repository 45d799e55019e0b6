// The RESETTING stages VM_RESET starts (gunyah.md §6.1; RM bf31a9a `vm_reset_callback`): one stage per reset
// event, a stage repeats until its work completes, and COMPLETED ends in RESET, NOTIFY_VM_STATUS, peers dropped.

import { assertNever } from '../../binary/assert-never.js';
import { OS_STATUS, VM_STATUS } from '../vm-constants.js';
import { VM_RESET_STAGES, type LifecycleVm, type VmResetStage } from './lifecycle-vm.js';
import { statusNotification, type VmStatusNotification } from './lifecycle-notifications.js';
import { canTransition, type LifecycleEffect } from './vm-state-machine.js';

export type ResetStep =
  /** `ran`'s work was done (or retried); `vm.resetStage` is the stage to run on the next reset event. */
  | { readonly kind: 'stage'; readonly ok: true; readonly vm: LifecycleVm; readonly ran: VmResetStage; readonly completed: boolean }
  | {
      readonly kind: 'completed';
      readonly ok: true;
      readonly vm: LifecycleVm;
      readonly states: readonly [typeof VM_STATUS.RESET];
      readonly notifications: readonly [VmStatusNotification];
      readonly effects: readonly LifecycleEffect[];
    }
  /** The VM is not RESETTING: there is no reset to advance. */
  | { readonly kind: 'not-resetting'; readonly ok: false };

const NOT_RESETTING: ResetStep = Object.freeze({ kind: 'not-resetting', ok: false });

/**
 * One reset event for a RESETTING VM. The caller first does the work of `vm.resetStage` (destroy vdevices, release
 * memory parcels, release IRQs, destroy the VM objects) and says whether it finished; an unfinished stage runs again.
 */
export function advanceReset(vm: LifecycleVm, stageCompleted = true): ResetStep {
  const stage = vm.resetStage;
  if (vm.status !== VM_STATUS.RESETTING || stage === undefined) return NOT_RESETTING;
  if (stage === 'COMPLETED') {
    if (!canTransition(vm.status, VM_STATUS.RESET, vm.attrs)) return NOT_RESETTING;
    const { resetStage: _stage, ...rest } = vm;
    const next: LifecycleVm = Object.freeze({ ...rest, status: VM_STATUS.RESET });
    // Peers are dropped after the broadcast, so the owner still hears that its VM is RESET.
    return Object.freeze({
      kind: 'completed',
      ok: true,
      vm: next,
      states: Object.freeze([VM_STATUS.RESET] as const),
      notifications: Object.freeze([statusNotification(next)] as const),
      effects: Object.freeze(['deregister-peers'] as const),
    });
  }
  if (!stageCompleted) return Object.freeze({ kind: 'stage', ok: true, vm, ran: stage, completed: false });
  const following = VM_RESET_STAGES[VM_RESET_STAGES.indexOf(stage) + 1]!;
  // CLEANUP_VM forgets what the last configuration left: name, URI, GUID, os/app status, crash message.
  const cleared =
    stage === 'CLEANUP_VM'
      ? (({ authType: _auth, ...r }: LifecycleVm) => ({ ...r, osStatus: OS_STATUS.NONE, appStatus: 0, hasCrashMsg: false }))(vm)
      : vm;
  return Object.freeze({ kind: 'stage', ok: true, vm: Object.freeze({ ...cleared, resetStage: following }), ran: stage, completed: true });
}

export interface ResetRun {
  readonly vm: LifecycleVm;
  /** The stages run, in order (COMPLETED included). */
  readonly stages: readonly VmResetStage[];
  readonly notifications: readonly VmStatusNotification[];
  readonly effects: readonly LifecycleEffect[];
}

/** Every remaining stage of a RESETTING VM, each completing at once; undefined if the VM is not RESETTING. */
export function runReset(vm: LifecycleVm): ResetRun | undefined {
  const stages: VmResetStage[] = [];
  for (let v = vm; ; ) {
    const s = advanceReset(v);
    switch (s.kind) {
      case 'not-resetting':
        return undefined;
      case 'stage':
        stages.push(s.ran);
        v = s.vm;
        break;
      case 'completed':
        stages.push('COMPLETED');
        return { vm: s.vm, stages, notifications: s.notifications, effects: s.effects };
      default:
        return assertNever(s, 'reset step');
    }
  }
}
