// RM -> client VM notifications (gunyah.md §4.2): NOTIFY_VM_EXITED (with PSCI SYSTEM_RESET2's 16-byte reason),
// NOTIFY_VM_SHUTDOWN, NOTIFY_VM_STATUS and NOTIFY_VM_CONSOLE_CHARS. RM vm_mgnt.c `vm_mgnt_send_exited`.

import { ByteSink } from '../../binary/byte-sink.js';
import { struct, u16le, u32le, u8 } from '../../binary/struct.js';
import { RM_ERROR, RmError } from '../rm-error.js';
import * as ID from './message-ids.js';
import { checkCount, defineNotification, fixedCodec, guardEncode, msgInvalid, ok, type PayloadCodec } from './payload-codec.js';
import { consoleChars } from './vm-console.js';
import { EXIT_FLAG_SMC64 } from '../vm-constants.js';

export const NOTIFY_VM_EXITED_HEADER = struct('rm_notify_vm_exited', { vmid: u16le, exit_type: u16le, exit_reason_size: u32le });
/** exit_reason[0] = exit_flags (bits 15:0) | exit_code << 16. */
export const VM_EXIT_REASON0 = struct('vm_exit_reason0', { exit_flags: u16le, exit_code: u16le });
export const NOTIFY_VM_SHUTDOWN_PAYLOAD = struct('rm_notify_vm_shutdown', { stop_reason: u32le });
export const NOTIFY_VM_STATUS_PAYLOAD = struct('rm_notify_vm_status', { vmid: u16le, res0: u16le, vm_status: u8, os_status: u8, app_status: u16le });

export interface VmExitedNotification {
  vmid: number;
  exit_type: number;
  exit_flags: number;
  exit_code: number;
  /** exit_reason[1..]: empty, or [reset_type, cookie_lo, cookie_hi] for PSCI_SYSTEM_RESET2. */
  extra_reason: readonly number[];
}

const WORD = 4;

const vmExited: PayloadCodec<VmExitedNotification> = {
  size: undefined,
  encode: (v) => guardEncode('NOTIFY_VM_EXITED', () => {
    checkCount(v.extra_reason.length, (0xffff_ffff / WORD) - 1, 'NOTIFY_VM_EXITED extra reason words');
    const sink = new ByteSink()
      .bytes(NOTIFY_VM_EXITED_HEADER.encode({ vmid: v.vmid, exit_type: v.exit_type, exit_reason_size: WORD * (v.extra_reason.length + 1) }))
      .bytes(VM_EXIT_REASON0.encode({ exit_flags: v.exit_flags, exit_code: v.exit_code }));
    for (const w of v.extra_reason) {
      checkCount(w, 0xffff_ffff, 'NOTIFY_VM_EXITED reason word');
      sink.u32le(w);
    }
    return sink.toBytes();
  }),
  decode: (p) => {
    const min = NOTIFY_VM_EXITED_HEADER.size + VM_EXIT_REASON0.size;
    if (p.length < min) return msgInvalid(`NOTIFY_VM_EXITED needs at least ${min} bytes, got ${p.length}`);
    const h = NOTIFY_VM_EXITED_HEADER.decode(p);
    if (h.exit_reason_size < WORD || h.exit_reason_size % WORD !== 0) return msgInvalid(`NOTIFY_VM_EXITED exit_reason_size ${h.exit_reason_size} is not a non-zero multiple of 4`);
    if (p.length !== NOTIFY_VM_EXITED_HEADER.size + h.exit_reason_size) return msgInvalid(`NOTIFY_VM_EXITED with exit_reason_size ${h.exit_reason_size} must be ${NOTIFY_VM_EXITED_HEADER.size + h.exit_reason_size} bytes, got ${p.length}`);
    const r0 = VM_EXIT_REASON0.decode(p, NOTIFY_VM_EXITED_HEADER.size);
    const extra: number[] = [];
    const view = new DataView(p.buffer, p.byteOffset, p.byteLength);
    for (let at = min; at < p.length; at += WORD) extra.push(view.getUint32(at, true));
    return ok({ vmid: h.vmid, exit_type: h.exit_type, exit_flags: r0.exit_flags, exit_code: r0.exit_code, extra_reason: extra });
  },
};

export interface PsciReset2Reason {
  readonly reset_type: number;
  readonly cookie: bigint;
}

/**
 * extra_reason for EXIT_TYPE.PSCI_SYSTEM_RESET2 as `vcpu_halt_callback` builds it: reset_type, cookie lo, cookie hi.
 * An SMC32 caller's cookie keeps only its low 32 bits (RM masks it); exit_flags then lacks EXIT_FLAG_SMC64.
 */
export function psciReset2ExtraReason(reason: PsciReset2Reason, smc64: boolean): number[] {
  checkCount(reason.reset_type, 0xffff_ffff, 'PSCI SYSTEM_RESET2 reset_type');
  if (reason.cookie < 0n || reason.cookie > 0xffff_ffff_ffff_ffffn) {
    throw new RmError('INVALID_FIELD', RM_ERROR.ARGUMENT_INVALID, `PSCI SYSTEM_RESET2 cookie ${reason.cookie} is not a u64.`);
  }
  const cookie = smc64 ? reason.cookie : reason.cookie & 0xffff_ffffn;
  return [reason.reset_type, Number(cookie & 0xffff_ffffn), Number(cookie >> 32n)];
}

/** The reset type and cookie of a RESET2 notification, or undefined when extra_reason is not three words. */
export function psciReset2FromExited(n: Pick<VmExitedNotification, 'exit_flags' | 'extra_reason'>): (PsciReset2Reason & { readonly smc64: boolean }) | undefined {
  const [type, lo, hi] = n.extra_reason;
  if (n.extra_reason.length !== 3 || type === undefined || lo === undefined || hi === undefined) return undefined;
  return { reset_type: type, cookie: (BigInt(hi) << 32n) | BigInt(lo), smc64: (n.exit_flags & EXIT_FLAG_SMC64) !== 0 };
}

/** NOTIFY_VM_CONSOLE_CHARS: `u16 from, u16 num_bytes, bytes` (from = 0 when the owner wrote). */
const consoleCharsNotification: PayloadCodec<{ from: number; chars: Uint8Array }> = {
  size: undefined,
  encode: (v) => consoleChars.encode({ vmid: v.from, chars: v.chars }),
  decode: (p) => {
    const r = consoleChars.decode(p);
    return r.kind === 'ok' ? ok({ from: r.value.vmid, chars: r.value.chars }) : r;
  },
};

/** To the owner only. */
export const NOTIFY_VM_EXITED_DEF = defineNotification({
  id: ID.NOTIFY_VM_EXITED, name: 'NOTIFY_VM_EXITED', linuxName: 'GUNYAH_RM_NOTIFICATION_VM_EXITED', payload: vmExited,
});

/** To the VM being stopped without FORCE (VM_STOP). */
export const NOTIFY_VM_SHUTDOWN_DEF = defineNotification({
  id: ID.NOTIFY_VM_SHUTDOWN, name: 'NOTIFY_VM_SHUTDOWN', linuxName: undefined, payload: fixedCodec(NOTIFY_VM_SHUTDOWN_PAYLOAD),
});

/** To every RUNNING peer with an RPC link, on each state change. */
export const NOTIFY_VM_STATUS_DEF = defineNotification({
  id: ID.NOTIFY_VM_STATUS, name: 'NOTIFY_VM_STATUS', linuxName: 'GUNYAH_RM_NOTIFICATION_VM_STATUS', payload: fixedCodec(NOTIFY_VM_STATUS_PAYLOAD, { ignored: ['res0'] }),
});

export const NOTIFY_VM_CONSOLE_CHARS_DEF = defineNotification({
  id: ID.NOTIFY_VM_CONSOLE_CHARS, name: 'NOTIFY_VM_CONSOLE_CHARS', linuxName: undefined, payload: consoleCharsNotification,
});
