// RM's VM state machine (gunyah.md §6.1, RM bf31a9a `vm_mgnt_state_change_valid`) and one pure decision per
// state-changing VM-management request (§4.1; vm_mgnt.c, vm_creation.c): who may ask, in which state, RM's answer.

import { assertNever } from '../../binary/assert-never.js';
import * as ID from '../messages/message-ids.js';
import { RM_ERROR, type RmErrorCode } from '../rm-error.js';
import {
  EXIT_CODE,
  EXIT_TYPE,
  isVmAuthType,
  VM_AUTH_TYPE,
  VM_EXIT_ALLOWED_CODES,
  VM_STATUS,
  VM_STOP_FLAG_FORCE,
  VMID_HLOS,
  VMID_HYP,
  vmStatusName,
  type ExitCode,
  type VmStatus,
  type VmStatusName,
} from '../vm-constants.js';
import { newLifecycleVm, NO_VM_ATTRS, vmAttrs, type LifecycleVm, type VmAttrs } from './lifecycle-vm.js';
import { exitedNotification, shutdownNotification, statusNotification, type LifecycleNotification } from './lifecycle-notifications.js';
import type { VmidPicker } from './vmid-allocator.js';

/** §6.1 as data: for each target state, the states RM lets a VM enter it from. */
export const VM_STATE_TRANSITIONS: Readonly<Record<VmStatusName, readonly VmStatusName[]>> = Object.freeze({
  NO_STATE: ['RESET'],
  INIT: ['LOAD', 'AUTH', 'RESET'],
  READY: ['INIT'],
  RUNNING: ['READY', 'PAUSED'],
  PAUSED: ['RUNNING'],
  LOAD: ['NO_STATE'],
  AUTH: ['LOAD', 'RESET'],
  INIT_FAILED: ['INIT', 'READY', 'LOAD', 'AUTH', 'RESET'],
  EXITED: ['RUNNING', 'PAUSED'],
  RESETTING: ['EXITED', 'READY', 'INIT_FAILED'],
  RESET: ['RESETTING'],
});

/** The vm-attrs conditions §6.1 adds to some targets. */
const ATTR_GUARDS: Partial<Record<VmStatusName, (a: VmAttrs) => boolean>> = {
  PAUSED: (a) => !a.noShutdown,
  EXITED: (a) => !a.noShutdown && !a.crashFatal,
  RESETTING: (a) => !a.noReset,
};

export function canTransition(from: VmStatus, to: VmStatus, attrs: VmAttrs = NO_VM_ATTRS): boolean {
  const fromName = vmStatusName(from);
  const toName = vmStatusName(to);
  if (fromName === undefined || toName === undefined) return false;
  if (!VM_STATE_TRANSITIONS[toName].includes(fromName)) return false;
  return ATTR_GUARDS[toName]?.(attrs) ?? true;
}

// ---- Requests. `caller` is the requesting VMID (RM's client_id); the target VM is the `vm` argument, looked up
// by the caller of these functions (undefined = no such VM). `outcome` is the RM error of the work RM does once the
// request is admitted (parcel and DT checks, DT parsing, vCPU and resource setup), computed by the module that does
// it: OK (the default) moves on, anything else lands the VM in INIT_FAILED with that error as the reply.

export interface VmAllocateRequest {
  readonly kind: 'VM_ALLOCATE';
  readonly caller: number;
  /** 0 = any dynamic VMID; 1-63 = that secondary VMID. */
  readonly vmid: number;
}

export interface VmDeallocateRequest {
  readonly kind: 'VM_DEALLOCATE';
  readonly caller: number;
}

export interface VmConfigImageRequest {
  readonly kind: 'VM_CONFIG_IMAGE';
  readonly caller: number;
  /** auth_mech as sent: VM_AUTH_TYPE, or any other u16 (refused as ARGUMENT_INVALID). */
  readonly authMech: number;
  readonly outcome?: RmErrorCode;
}

export interface VmAuthImageRequest {
  readonly kind: 'VM_AUTH_IMAGE';
  readonly caller: number;
  readonly outcome?: RmErrorCode;
}

export interface VmInitRequest {
  readonly kind: 'VM_INIT';
  readonly caller: number;
  /** Must be 0. */
  readonly res0?: number;
  readonly outcome?: RmErrorCode;
  /** vm-attrs parsed from the VM-config DT; they replace the VM's attributes once it is READY. */
  readonly attrs?: Partial<VmAttrs>;
}

export interface VmStartRequest {
  readonly kind: 'VM_START';
  readonly caller: number;
  readonly outcome?: RmErrorCode;
}

export interface VmStopRequest {
  readonly kind: 'VM_STOP';
  readonly caller: number;
  /** bit 0 FORCE. */
  readonly flags: number;
  readonly stopReason: number;
}

export interface VmResetRequest {
  readonly kind: 'VM_RESET';
  readonly caller: number;
}

export interface VmExitRequest {
  readonly kind: 'VM_EXIT';
  /** The exiting VM itself. */
  readonly caller: number;
  readonly exitFlags: number;
  /** exit_code as sent: NORMAL, SOFTWARE_ERROR, BUS_ERROR or DEVICE_ERROR; anything else is MSG_INVALID. */
  readonly exitCode: number;
  /** Must be 0. */
  readonly res0?: number;
}

export type VmLifecycleRequest =
  | VmAllocateRequest
  | VmDeallocateRequest
  | VmConfigImageRequest
  | VmAuthImageRequest
  | VmInitRequest
  | VmStartRequest
  | VmStopRequest
  | VmResetRequest
  | VmExitRequest;

export type VmLifecycleRequestKind = VmLifecycleRequest['kind'];

export const VM_MGNT_MSG_ID: Readonly<Record<VmLifecycleRequestKind, number>> = Object.freeze({
  VM_ALLOCATE: ID.VM_ALLOCATE,
  VM_DEALLOCATE: ID.VM_DEALLOCATE,
  VM_START: ID.VM_START,
  VM_STOP: ID.VM_STOP,
  VM_RESET: ID.VM_RESET,
  VM_CONFIG_IMAGE: ID.VM_CONFIG_IMAGE,
  VM_AUTH_IMAGE: ID.VM_AUTH_IMAGE,
  VM_INIT: ID.VM_INIT,
  VM_EXIT: ID.VM_EXIT,
});

// ---- Decisions.

/** Work the RM around this model must do for an accepted request, in this order. */
export type LifecycleEffect =
  /** Take the VMID the allocator picked (VmidAllocator.claim). */
  | 'claim-vmid'
  /** Add the VM record; its owner becomes a peer. */
  | 'create-vm'
  /** Kill every vCPU (RM `vm_config_handle_exit`). */
  | 'kill-vcpus'
  /** Run the RESETTING stages (vm-reset.ts advanceReset). */
  | 'begin-reset'
  /** Reset completed: the VM leaves every peer list, the owner's included. */
  | 'deregister-peers'
  /** Drop the VM record and its peer links. */
  | 'delete-vm'
  /** Give the VMID back (VmidAllocator.release). */
  | 'release-vmid';

export interface LifecycleAccepted {
  readonly kind: 'accepted';
  readonly ok: true;
  /** The standard reply's RM error: OK, or the failed work's error when the VM went to INIT_FAILED. */
  readonly reply: RmErrorCode;
  /** Dynamic VM_ALLOCATE only: the u32 VMID that follows the error code in the reply. */
  readonly replyVmid?: number;
  /** The VM after the request; undefined once deallocated. */
  readonly vm: LifecycleVm | undefined;
  /** Every status the VM entered, in order; empty when it stayed where it was. */
  readonly states: readonly VmStatus[];
  readonly notifications: readonly LifecycleNotification[];
  readonly effects: readonly LifecycleEffect[];
}

/** RM answered with an error and changed nothing. */
export interface LifecycleRefused {
  readonly kind: 'refused';
  readonly ok: false;
  readonly rmError: RmErrorCode;
}

export type LifecycleDecision = LifecycleAccepted | LifecycleRefused;

const REFUSED = new Map<RmErrorCode, LifecycleRefused>();

function refused(rmError: RmErrorCode): LifecycleRefused {
  let r = REFUSED.get(rmError);
  if (r === undefined) {
    r = Object.freeze({ kind: 'refused', ok: false, rmError });
    REFUSED.set(rmError, r);
  }
  return r;
}

interface AcceptedParts {
  readonly reply?: RmErrorCode;
  readonly replyVmid?: number;
  readonly states?: readonly VmStatus[];
  readonly notifications?: readonly LifecycleNotification[];
  readonly effects?: readonly LifecycleEffect[];
}

function accepted(vm: LifecycleVm | undefined, p: AcceptedParts): LifecycleAccepted {
  return Object.freeze({
    kind: 'accepted',
    ok: true,
    reply: p.reply ?? RM_ERROR.OK,
    ...(p.replyVmid === undefined ? {} : { replyVmid: p.replyVmid }),
    vm,
    states: Object.freeze([...(p.states ?? [])]),
    notifications: Object.freeze([...(p.notifications ?? [])]),
    effects: Object.freeze([...(p.effects ?? [])]),
  });
}

type VmPatch = { -readonly [K in keyof LifecycleVm]?: LifecycleVm[K] };

/** The VM in status `to`, or undefined if §6.1 forbids it. The reset stage only lives while RESETTING. */
function moved(vm: LifecycleVm, to: VmStatus, patch: VmPatch = {}): LifecycleVm | undefined {
  const attrs = patch.attrs ?? vm.attrs;
  if (!canTransition(vm.status, to, attrs)) return undefined;
  const { resetStage: _stage, ...rest } = vm;
  return Object.freeze({ ...rest, ...patch, status: to });
}

/** One status change with its NOTIFY_VM_STATUS; a change §6.1 forbids is answered VM_STATE instead of applied. */
function step(vm: LifecycleVm, to: VmStatus, patch: VmPatch = {}, more: AcceptedParts = {}): LifecycleDecision {
  const next = moved(vm, to, patch);
  if (next === undefined) return refused(RM_ERROR.VM_STATE);
  return accepted(next, { ...more, states: [to], notifications: [statusNotification(next), ...(more.notifications ?? [])] });
}

/** Admitted, but the work failed: RM sets INIT_FAILED, broadcasts it, and replies with the work's error. */
function initFailed(vm: LifecycleVm, error: RmErrorCode): LifecycleDecision {
  return step(vm, VM_STATUS.INIT_FAILED, {}, { reply: error });
}

const { OK, UNIMPLEMENTED, DENIED, MSG_INVALID, ARGUMENT_INVALID, VMID_INVALID, VM_STATE } = RM_ERROR;

/** VM_ALLOCATE: HLOS only; the new VM is in LOAD, owned by the caller. RM sends no NOTIFY_VM_STATUS for it. */
export function vmAllocate(req: VmAllocateRequest, vmids: VmidPicker): LifecycleDecision {
  // RM's vm_mgnt handler drops every HYP request but VM_START; nothing else answers it.
  if (req.caller === VMID_HYP) return refused(UNIMPLEMENTED);
  if (req.caller !== VMID_HLOS) return refused(DENIED);
  const p = vmids.pick(req.vmid);
  if (!p.ok) return refused(p.rmError);
  return accepted(newLifecycleVm(p.vmid, req.caller), {
    ...(p.dynamic ? { replyVmid: p.vmid } : {}),
    states: [VM_STATUS.LOAD],
    effects: ['claim-vmid', 'create-vm'],
  });
}

/** VM_DEALLOCATE: owner only, from LOAD or RESET. The VM and its VMID go; no notification (its peers left at RESET). */
export function vmDeallocate(vm: LifecycleVm | undefined, req: VmDeallocateRequest): LifecycleDecision {
  if (req.caller === VMID_HYP) return refused(UNIMPLEMENTED);
  // RM asserts the VM exists; VMID_INVALID is what its vm_mgnt_delete_vm answers for a missing one.
  if (vm === undefined) return refused(VMID_INVALID);
  if (req.caller !== vm.owner) return refused(DENIED);
  if (vm.status !== VM_STATUS.LOAD && vm.status !== VM_STATUS.RESET) return refused(VM_STATE);
  return accepted(undefined, { effects: ['delete-vm', 'release-vmid'] });
}

/** VM_CONFIG_IMAGE: HLOS and owner; from a state that may enter AUTH (LOAD, RESET). -> INIT, AUTH or INIT_FAILED. */
export function vmConfigImage(vm: LifecycleVm | undefined, req: VmConfigImageRequest): LifecycleDecision {
  if (req.caller !== VMID_HLOS) return refused(DENIED);
  if (vm === undefined) return refused(VMID_INVALID);
  if (req.caller !== vm.owner) return refused(DENIED);
  if (!canTransition(vm.status, VM_STATUS.AUTH, vm.attrs)) return refused(VM_STATE);
  // RM checks the parcel and ranges before it looks at the auth type.
  const outcome = req.outcome ?? OK;
  if (outcome !== OK) return initFailed(vm, outcome);
  if (!isVmAuthType(req.authMech)) return initFailed(vm, ARGUMENT_INVALID);
  const to = req.authMech === VM_AUTH_TYPE.PLATFORM ? VM_STATUS.AUTH : VM_STATUS.INIT;
  return step(vm, to, { authType: req.authMech });
}

/** VM_AUTH_IMAGE: HLOS and owner; AUTH only; PLATFORM auth only. -> INIT or INIT_FAILED. */
export function vmAuthImage(vm: LifecycleVm | undefined, req: VmAuthImageRequest): LifecycleDecision {
  if (req.caller !== VMID_HLOS) return refused(DENIED);
  if (vm === undefined) return refused(VMID_INVALID);
  if (req.caller !== vm.owner) return refused(DENIED);
  if (vm.status !== VM_STATUS.AUTH) return refused(VM_STATE);
  if (vm.authType !== VM_AUTH_TYPE.PLATFORM) return initFailed(vm, ARGUMENT_INVALID);
  const outcome = req.outcome ?? OK;
  if (outcome !== OK) return initFailed(vm, outcome);
  return step(vm, VM_STATUS.INIT);
}

/** VM_INIT: HLOS and owner; INIT only. -> READY, or INIT_FAILED. */
export function vmInit(vm: LifecycleVm | undefined, req: VmInitRequest): LifecycleDecision {
  if (req.caller !== VMID_HLOS) return refused(DENIED);
  if ((req.res0 ?? 0) !== 0) return refused(MSG_INVALID);
  if (vm === undefined) return refused(VMID_INVALID);
  if (req.caller !== vm.owner) return refused(DENIED);
  if (vm.status !== VM_STATUS.INIT) return refused(VM_STATE);
  const outcome = req.outcome ?? OK;
  if (outcome !== OK) return initFailed(vm, outcome);
  return step(vm, VM_STATUS.READY, { attrs: vmAttrs(req.attrs ?? {}) });
}

/** VM_START: owner; READY only. -> RUNNING, or INIT_FAILED (NORESOURCE from resource processing). */
export function vmStart(vm: LifecycleVm | undefined, req: VmStartRequest): LifecycleDecision {
  // "ignored legacy VM_START": the hypervisor once started VMs itself.
  if (req.caller === VMID_HYP) return refused(DENIED);
  if (vm === undefined) return refused(VMID_INVALID);
  if (req.caller !== vm.owner) return refused(DENIED);
  if (vm.status !== VM_STATUS.READY) return refused(VM_STATE);
  const outcome = req.outcome ?? OK;
  if (outcome !== OK) return initFailed(vm, outcome);
  return step(vm, VM_STATUS.RUNNING);
}

/** VM_STOP: owner (else VMID_INVALID); the VM must be able to enter EXITED. FORCE exits it; otherwise it is asked to. */
export function vmStop(vm: LifecycleVm | undefined, req: VmStopRequest): LifecycleDecision {
  if (req.caller === VMID_HYP) return refused(UNIMPLEMENTED);
  if (vm === undefined) return refused(VMID_INVALID);
  if (req.caller !== vm.owner) return refused(VMID_INVALID);
  if (!canTransition(vm.status, VM_STATUS.EXITED, vm.attrs) || vm.attrs.noShutdown) return refused(VM_STATE);
  if ((req.flags & VM_STOP_FLAG_FORCE) === 0) {
    return accepted(vm, { notifications: [shutdownNotification(vm.vmid, req.stopReason)] });
  }
  const next = moved(vm, VM_STATUS.EXITED)!;
  return accepted(next, {
    states: [VM_STATUS.EXITED],
    notifications: [statusNotification(next), exitedNotification(next, EXIT_TYPE.VM_STOP_FORCED, 0, EXIT_CODE.NORMAL)],
    effects: ['kill-vcpus'],
  });
}

/** VM_RESET: owner (else VMID_INVALID); not no-reset (DENIED); from EXITED, READY or INIT_FAILED. -> RESETTING. */
export function vmReset(vm: LifecycleVm | undefined, req: VmResetRequest): LifecycleDecision {
  if (req.caller === VMID_HYP) return refused(UNIMPLEMENTED);
  if (vm === undefined) return refused(VMID_INVALID);
  if (req.caller !== vm.owner) return refused(VMID_INVALID);
  if (vm.attrs.noReset) return refused(DENIED);
  if (!canTransition(vm.status, VM_STATUS.RESETTING, vm.attrs)) return refused(VM_STATE);
  // An EXITED VM's vCPUs are already dead; a READY or INIT_FAILED one may still hold some.
  const effects: LifecycleEffect[] = vm.status === VM_STATUS.EXITED ? ['begin-reset'] : ['kill-vcpus', 'begin-reset'];
  return step(vm, VM_STATUS.RESETTING, { resetStage: 'INIT' }, { effects });
}

/** VM_EXIT from the VM itself: -> EXITED and NOTIFY_VM_EXITED type VM_EXIT to the owner. */
export function vmExit(vm: LifecycleVm | undefined, req: VmExitRequest): LifecycleDecision {
  if (req.caller === VMID_HYP) return refused(UNIMPLEMENTED);
  // RM looks the VM up by the caller's VMID and asserts it exists; a request about another VM cannot happen there.
  if (vm === undefined || vm.vmid !== req.caller) return refused(VMID_INVALID);
  if (vm.attrs.crashFatal) return refused(ARGUMENT_INVALID);
  if ((req.res0 ?? 0) !== 0 || !VM_EXIT_ALLOWED_CODES.has(req.exitCode)) return refused(MSG_INVALID);
  // A VM may always shut itself down: RM drops no-shutdown before the transition.
  const attrs = vmAttrs({ ...vm.attrs, noShutdown: false });
  // RM asserts the VM can enter EXITED (only a RUNNING or PAUSED VM can send this); answered VM_STATE here.
  const next = moved(vm, VM_STATUS.EXITED, { attrs });
  if (next === undefined) return refused(VM_STATE);
  return accepted(next, {
    states: [VM_STATUS.EXITED],
    notifications: [statusNotification(next), exitedNotification(next, EXIT_TYPE.VM_EXIT, req.exitFlags & 0xffff, req.exitCode as ExitCode)],
    effects: ['kill-vcpus'],
  });
}

/** Without an allocator there is nothing to hand out: RM's answer when it has run out. */
const NO_VMIDS: VmidPicker = { pick: () => ({ kind: 'refused', ok: false, rmError: RM_ERROR.NORESOURCE }) };

/** Any lifecycle request: `vm` is the target (ignored for VM_ALLOCATE, which needs `vmids`). */
export function decideRequest(vm: LifecycleVm | undefined, req: VmLifecycleRequest, vmids?: VmidPicker): LifecycleDecision {
  switch (req.kind) {
    case 'VM_ALLOCATE':
      return vmAllocate(req, vmids ?? NO_VMIDS);
    case 'VM_DEALLOCATE':
      return vmDeallocate(vm, req);
    case 'VM_CONFIG_IMAGE':
      return vmConfigImage(vm, req);
    case 'VM_AUTH_IMAGE':
      return vmAuthImage(vm, req);
    case 'VM_INIT':
      return vmInit(vm, req);
    case 'VM_START':
      return vmStart(vm, req);
    case 'VM_STOP':
      return vmStop(vm, req);
    case 'VM_RESET':
      return vmReset(vm, req);
    case 'VM_EXIT':
      return vmExit(vm, req);
    default:
      return assertNever(req, 'VM lifecycle request');
  }
}

/** Admission only: the refusal RM would answer, or undefined if the request gets past every check to its work. */
export function checkRequest(vm: LifecycleVm | undefined, req: VmLifecycleRequest, vmids?: VmidPicker): LifecycleRefused | undefined {
  const d = decideRequest(vm, req, vmids);
  return d.ok ? undefined : d;
}
