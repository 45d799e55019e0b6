// What RM does when a VM stops on its own (gunyah.md §6.1 "vCPU halt", §4.2 exit types; RM bf31a9a
// `vcpu_halt_callback`, `watchdog_bite_callback`): power-off, PSCI resets, faults and watchdog bites end in EXITED.

import { assertNever } from '../../binary/assert-never.js';
import { EXIT_CODE, EXIT_FLAG, EXIT_TYPE, VM_STATUS, type ExitCode, type ExitType } from '../vm-constants.js';
import type { LifecycleVm } from './lifecycle-vm.js';
import { exitedNotification, statusNotification, type VmExitedNotification, type VmStatusNotification } from './lifecycle-notifications.js';
import { canTransition, type LifecycleEffect } from './vm-state-machine.js';
import { psciReset2ExtraReason } from '../messages/notifications.js';

export type VmEvent =
  /** A vCPU halted POWERED_OFF (PSCI SYSTEM_OFF). */
  | { readonly kind: 'POWER_OFF' }
  /** PSCI SYSTEM_RESET (vcpu_run_check state_data_0 bit 63 set). */
  | { readonly kind: 'SYSTEM_RESET' }
  /** PSCI SYSTEM_RESET2: reset type and cookie; an SMC32 call's cookie is 32 bits. */
  | { readonly kind: 'SYSTEM_RESET2'; readonly resetType: number; readonly cookie: bigint; readonly smc64: boolean }
  /** A vCPU faulted: the guest crashed. */
  | { readonly kind: 'FAULT' }
  /** A vCPU halted in any other run state. */
  | { readonly kind: 'UNEXPECTED_HALT' }
  | { readonly kind: 'WATCHDOG_BITE' };

export type VmEventOutcome =
  | {
      readonly kind: 'exited';
      readonly ok: true;
      readonly vm: LifecycleVm;
      readonly states: readonly [typeof VM_STATUS.EXITED];
      readonly notifications: readonly [VmStatusNotification, VmExitedNotification];
      readonly effects: readonly LifecycleEffect[];
    }
  /**
   * Nothing changes. 'already-exited': EXITED, RESETTING or RESET (RM ignores these). 'not-running' and
   * 'no-shutdown': RM asserts the VM can enter EXITED; bothy leaves such a VM where it is.
   */
  | { readonly kind: 'ignored'; readonly ok: false; readonly reason: 'already-exited' | 'not-running' | 'no-shutdown' }
  /** A crash-fatal VM stopped: RM panics. The caller decides how far that reaches. */
  | { readonly kind: 'fatal'; readonly ok: false; readonly reason: 'crash-fatal' };

interface ExitShape {
  readonly type: ExitType;
  readonly flags: number;
  readonly code: ExitCode;
  readonly extra: readonly number[];
}

function exitShape(vm: LifecycleVm, e: VmEvent): ExitShape {
  const code = vm.hasCrashMsg ? EXIT_CODE.SOFTWARE_ERROR : EXIT_CODE.NORMAL;
  switch (e.kind) {
    case 'POWER_OFF':
      return { type: EXIT_TYPE.PLATFORM_OFF, flags: 0, code, extra: [] };
    case 'SYSTEM_RESET':
      return { type: EXIT_TYPE.PLATFORM_RESET, flags: 0, code, extra: [] };
    case 'SYSTEM_RESET2': {
      // Wrapped to the register widths first: a guest's values are never refused, only narrowed.
      const extra = psciReset2ExtraReason({ reset_type: e.resetType >>> 0, cookie: BigInt.asUintN(64, e.cookie) }, e.smc64);
      return { type: EXIT_TYPE.PSCI_SYSTEM_RESET2, flags: e.smc64 ? EXIT_FLAG.SMC64 : 0, code, extra };
    }
    case 'FAULT':
      return { type: EXIT_TYPE.SOFTWARE_ERROR, flags: 0, code, extra: [] };
    case 'UNEXPECTED_HALT':
      return { type: EXIT_TYPE.SOFTWARE_ERROR, flags: 0, code: EXIT_CODE.UNKNOWN_ERROR, extra: [] };
    case 'WATCHDOG_BITE':
      return { type: EXIT_TYPE.WATCHDOG_BITE, flags: 0, code, extra: [] };
    default:
      return assertNever(e, 'VM event');
  }
}

export function decideVmEvent(vm: LifecycleVm, event: VmEvent): VmEventOutcome {
  if (vm.attrs.crashFatal) return { kind: 'fatal', ok: false, reason: 'crash-fatal' };
  if (vm.status === VM_STATUS.EXITED || vm.status === VM_STATUS.RESETTING || vm.status === VM_STATUS.RESET) {
    return { kind: 'ignored', ok: false, reason: 'already-exited' };
  }
  if (vm.attrs.noShutdown) return { kind: 'ignored', ok: false, reason: 'no-shutdown' };
  if (!canTransition(vm.status, VM_STATUS.EXITED, vm.attrs)) return { kind: 'ignored', ok: false, reason: 'not-running' };
  const x = exitShape(vm, event);
  const { resetStage: _stage, ...rest } = vm;
  const next: LifecycleVm = Object.freeze({ ...rest, status: VM_STATUS.EXITED });
  return Object.freeze({
    kind: 'exited',
    ok: true,
    vm: next,
    states: Object.freeze([VM_STATUS.EXITED] as const),
    notifications: Object.freeze([statusNotification(next), exitedNotification(next, x.type, x.flags, x.code, x.extra)] as const),
    effects: Object.freeze(['kill-vcpus'] as const),
  });
}
