// What a front end (HTTP API, CLI) may ask of a running VM, as data. The API and CLI build Actions and
// call perform(); they never reach into the VM (the split Firecracker makes between API server and VMM).
// The fw-reg actions are KVM_GET_REG_LIST / KVM_{GET,SET}_ONE_REG on the firmware pseudo-registers (reference §2).

import { CodedError } from '../binary/coded-error.js';
import { assertNever } from '../binary/assert-never.js';
import type { Vm } from './vm.js';
import { SnapshotError } from '../snapshot/snapshot-error.js';
import type { FirmwareRegisters } from '../hypercalls/firmware-registers.js';
import { FW_REG_SHORT_NAMES, fwRegFromText, fwRegValueFromText } from '../hypercalls/fw-reg-names.js';
import { FwRegError, type FwRegErrorCode } from '../hypercalls/fw-reg-error.js';

export type Action =
  | { readonly kind: 'status' }
  | { readonly kind: 'pause' }
  | { readonly kind: 'resume' }
  | { readonly kind: 'snapshot'; readonly dir: string }
  | { readonly kind: 'vmgenid' }
  | { readonly kind: 'fw-reg-list' }
  /** `reg`: a register name (KVM's, or a short one like `psci-version`) or its 0x-hex ONE_REG id. */
  | { readonly kind: 'fw-reg-get'; readonly reg: string }
  /** `value`: a u64 in decimal or 0x-hex. */
  | { readonly kind: 'fw-reg-set'; readonly reg: string; readonly value: string };

export interface VmStatus {
  readonly state: 'running' | 'paused' | 'stopped';
  readonly vcpus: number;
  readonly memSize: number;
  readonly kernel: string;
  readonly cmdline: string;
}

/** One firmware pseudo-register as front ends show it; 64-bit numbers travel as 0x-hex strings. */
export interface FwRegView {
  /** The ONE_REG id, 16 hex digits: `0x6030000000140000`. */
  readonly id: string;
  readonly name: string;
  /** What KVM_GET_ONE_REG reads now. */
  readonly value: string;
}

export type ActionResult =
  | { readonly kind: 'status'; readonly status: VmStatus }
  | { readonly kind: 'done' }
  | { readonly kind: 'vmgenid'; readonly uuid: string }
  | { readonly kind: 'fw-regs'; readonly regs: readonly FwRegView[] }
  | { readonly kind: 'fw-reg'; readonly reg: FwRegView };

export type ActionErrorCode = 'bad-state' | 'not-found' | 'bad-request' | 'snapshot-failed' | 'snapshot-exists' | 'no-space' | 'fw-reg';

/** KVM's errno names for a refused firmware-register access, as they travel with an ActionError 'fw-reg'. */
export const FW_REG_ERRNOS = ['ENOENT', 'EINVAL', 'EBUSY'] as const satisfies readonly FwRegErrorCode[];
export type FwRegErrno = (typeof FW_REG_ERRNOS)[number];
// Every FwRegErrorCode must be listed: a new one would otherwise reach the API without a status.
const errnosComplete: [FwRegErrorCode] extends [FwRegErrno] ? true : false = true;
void errnosComplete;

export class ActionError extends CodedError<ActionErrorCode> {
  override readonly name = 'ActionError';
  /** Set for code 'fw-reg': which of KVM's errnos the register access failed with. */
  readonly errno: FwRegErrno | undefined;

  constructor(code: ActionErrorCode, message: string, options?: ErrorOptions & { readonly errno?: FwRegErrno }) {
    super(code, message, options);
    this.errno = options?.errno;
  }

  /** The message starts with the errno name, so one line says both what KVM would answer and why. */
  static fromFwReg(e: FwRegError): ActionError {
    return new ActionError('fw-reg', `${e.code}: ${e.message}`, { cause: e, errno: e.code });
  }
}

/** How the caller wants to hear about long actions (snapshot memory progress). */
export interface PerformHooks {
  readonly progress?: (done: number, total: number) => void;
}

/** A register as a user names it (hypercalls/fw-reg-names.ts); an unknown name is ActionError 'fw-reg' ENOENT. */
export const parseFwReg = (text: string): bigint => fwReg(() => fwRegFromText(text));
/** A u64 value in decimal or 0x-hex; anything else is ActionError 'fw-reg' EINVAL. */
export const parseFwRegValue = (text: string): bigint => fwReg(() => fwRegValueFromText(text));
export { FW_REG_SHORT_NAMES };

export function fwRegView(regs: FirmwareRegisters, id: bigint): FwRegView {
  return {
    id: `0x${id.toString(16).padStart(16, '0')}`,
    name: regs.nameOf(id) ?? `0x${id.toString(16)}`,
    value: `0x${regs.get(id).toString(16)}`,
  };
}

function fwReg<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof FwRegError) throw ActionError.fromFwReg(e);
    throw e;
  }
}

function requireString(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new ActionError('bad-request', `${what} needs a non-empty string`);
  return value;
}

export async function perform(vm: Vm, action: Action, hooks: PerformHooks = {}): Promise<ActionResult> {
  switch (action.kind) {
    case 'status':
      return { kind: 'status', status: vm.status() };
    case 'pause':
      if (vm.state === 'stopped') throw new ActionError('bad-state', 'The VM has stopped; there is nothing to pause');
      await vm.pause();
      return { kind: 'done' };
    case 'resume':
      if (vm.state === 'stopped') throw new ActionError('bad-state', 'The VM has stopped; it cannot be resumed');
      vm.resume();
      return { kind: 'done' };
    case 'snapshot': {
      if (typeof action.dir !== 'string' || action.dir === '') throw new ActionError('bad-request', 'snapshot needs a directory');
      if (vm.state === 'stopped') throw new ActionError('bad-state', 'The VM has stopped; snapshot a running or paused VM');
      try {
        await vm.snapshot(action.dir, hooks.progress);
      } catch (e) {
        if (e instanceof SnapshotError) {
          const code = e.code === 'exists' ? 'snapshot-exists' : e.code === 'no-space' ? 'no-space' : 'snapshot-failed';
          throw new ActionError(code, e.message, { cause: e });
        }
        throw e;
      }
      return { kind: 'done' };
    }
    case 'vmgenid': {
      const uuid = vm.vmgenid();
      if (uuid === undefined) throw new ActionError('not-found', 'This VM has no VM Generation ID device');
      return { kind: 'vmgenid', uuid };
    }
    case 'fw-reg-list': {
      const regs = vm.firmwareRegisters;
      return { kind: 'fw-regs', regs: regs.list().map((id) => fwRegView(regs, id)) };
    }
    case 'fw-reg-get': {
      const regs = vm.firmwareRegisters;
      const id = parseFwReg(requireString(action.reg, 'fw-reg-get'));
      return { kind: 'fw-reg', reg: fwReg(() => fwRegView(regs, id)) };
    }
    case 'fw-reg-set': {
      const regs = vm.firmwareRegisters;
      const id = parseFwReg(requireString(action.reg, 'fw-reg-set'));
      const value = parseFwRegValue(requireString(action.value, 'fw-reg-set'));
      // The VM has run, so KVM's rules apply as they would to a live VMM: a changed bitmap is EBUSY, the same
      // value is accepted, the PSCI version may change at any time.
      fwReg(() => regs.set(id, value));
      // Read back: WORKAROUND_n SETs are checked but never stored, so the answer is what the guest sees.
      return { kind: 'fw-reg', reg: fwReg(() => fwRegView(regs, id)) };
    }
    default:
      return assertNever(action, 'action');
  }
}
