// The VM-management message catalogue (gunyah.md §4.1, §4.2): id -> {name, request codec, reply codec}, and the
// table-driven entry points a server or a golden-vector test calls: decodeRequest, encodeReply, decodeReply, ...

import { struct, u32le } from '../../binary/struct.js';
import { describeRmError, RM_ERROR, RmError, type RmErrorCode } from '../rm-error.js';
import { VM_GET_HYP_RESOURCES_DEF } from './hyp-resources.js';
import * as ID from './message-ids.js';
import {
  NOTIFY_VM_CONSOLE_CHARS_DEF,
  NOTIFY_VM_EXITED_DEF,
  NOTIFY_VM_SHUTDOWN_DEF,
  NOTIFY_VM_STATUS_DEF,
} from './notifications.js';
import { guardEncode, type CodecValue, type MessageDef, type NotificationDef } from './payload-codec.js';
import { VM_CONSOLE_CLOSE_DEF, VM_CONSOLE_FLUSH_DEF, VM_CONSOLE_OPEN_DEF, VM_CONSOLE_WRITE_DEF } from './vm-console.js';
import {
  VM_ALLOCATE_DEF,
  VM_AUTH_IMAGE_DEF,
  VM_CONFIG_IMAGE_DEF,
  VM_DEALLOCATE_DEF,
  VM_EXIT_DEF,
  VM_INIT_DEF,
  VM_RESET_DEF,
  VM_START_DEF,
  VM_STOP_DEF,
} from './vm-lifecycle.js';
import {
  VM_GET_CRASH_MSG_DEF,
  VM_GET_ID_DEF,
  VM_GET_OWNER_DEF,
  VM_GET_PEERS_DEF,
  VM_GET_STATE_DEF,
  VM_GET_VMID_DEF,
  VM_HOST_GET_TYPE_DEF,
  VM_LOOKUP_GUID_DEF,
  VM_LOOKUP_NAME_DEF,
  VM_LOOKUP_URI_DEF,
  VM_SET_CRASH_MSG_DEF,
  VM_SET_STATUS_DEF,
} from './vm-query.js';
import {
  HYP_ERROR_ARGUMENT_INVALID,
  VM_SET_ADDRESS_LAYOUT_DEF,
  VM_SET_CONTEXT_DEF,
  VM_SET_DEMAND_PAGING_DEF,
  VM_SET_FIRMWARE_MEM_DEF,
  VM_SET_TIME_BASE_DEF,
} from './vm-setup.js';

/** Every VM-management request with a layout. Ids not listed are answered with UNIMPLEMENTED, as RM does. */
export const RM_MESSAGES = {
  [ID.VM_ALLOCATE]: VM_ALLOCATE_DEF,
  [ID.VM_DEALLOCATE]: VM_DEALLOCATE_DEF,
  [ID.VM_START]: VM_START_DEF,
  [ID.VM_STOP]: VM_STOP_DEF,
  [ID.VM_RESET]: VM_RESET_DEF,
  [ID.VM_CONFIG_IMAGE]: VM_CONFIG_IMAGE_DEF,
  [ID.VM_AUTH_IMAGE]: VM_AUTH_IMAGE_DEF,
  [ID.VM_INIT]: VM_INIT_DEF,
  [ID.VM_GET_ID]: VM_GET_ID_DEF,
  [ID.VM_LOOKUP_URI]: VM_LOOKUP_URI_DEF,
  [ID.VM_LOOKUP_GUID]: VM_LOOKUP_GUID_DEF,
  [ID.VM_LOOKUP_NAME]: VM_LOOKUP_NAME_DEF,
  [ID.VM_GET_OWNER]: VM_GET_OWNER_DEF,
  [ID.VM_GET_STATE]: VM_GET_STATE_DEF,
  [ID.VM_GET_CRASH_MSG]: VM_GET_CRASH_MSG_DEF,
  [ID.VM_GET_HYP_RESOURCES]: VM_GET_HYP_RESOURCES_DEF,
  [ID.VM_GET_VMID]: VM_GET_VMID_DEF,
  [ID.VM_GET_PEERS]: VM_GET_PEERS_DEF,
  [ID.VM_SET_TIME_BASE]: VM_SET_TIME_BASE_DEF,
  [ID.VM_SET_CONTEXT]: VM_SET_CONTEXT_DEF,
  [ID.VM_SET_FIRMWARE_MEM]: VM_SET_FIRMWARE_MEM_DEF,
  [ID.VM_SET_DEMAND_PAGING]: VM_SET_DEMAND_PAGING_DEF,
  [ID.VM_SET_ADDRESS_LAYOUT]: VM_SET_ADDRESS_LAYOUT_DEF,
  [ID.VM_SET_STATUS]: VM_SET_STATUS_DEF,
  [ID.VM_CONSOLE_OPEN]: VM_CONSOLE_OPEN_DEF,
  [ID.VM_CONSOLE_CLOSE]: VM_CONSOLE_CLOSE_DEF,
  [ID.VM_CONSOLE_WRITE]: VM_CONSOLE_WRITE_DEF,
  [ID.VM_CONSOLE_FLUSH]: VM_CONSOLE_FLUSH_DEF,
  [ID.VM_EXIT]: VM_EXIT_DEF,
  [ID.VM_SET_CRASH_MSG]: VM_SET_CRASH_MSG_DEF,
  [ID.VM_HOST_GET_TYPE]: VM_HOST_GET_TYPE_DEF,
} as const;

export const RM_NOTIFICATIONS = {
  [ID.NOTIFY_VM_EXITED]: NOTIFY_VM_EXITED_DEF,
  [ID.NOTIFY_VM_SHUTDOWN]: NOTIFY_VM_SHUTDOWN_DEF,
  [ID.NOTIFY_VM_STATUS]: NOTIFY_VM_STATUS_DEF,
  [ID.NOTIFY_VM_CONSOLE_CHARS]: NOTIFY_VM_CONSOLE_CHARS_DEF,
} as const;

type Messages = typeof RM_MESSAGES;
type Notifications = typeof RM_NOTIFICATIONS;
export type RmMessageId = keyof Messages;
export type RmNotificationId = keyof Notifications;
export type RequestOf<I extends RmMessageId> = CodecValue<Messages[I]['request']>;
export type ReplyOf<I extends RmMessageId> = CodecValue<Messages[I]['reply']>;
export type NotificationOf<I extends RmNotificationId> = CodecValue<Notifications[I]['payload']>;

/** Data after a failure code for messages with hypErrorOnFailure (default hyp_err: ARGUMENT_INVALID). */
export interface HypErrorReply {
  hyp_err: number;
}

/** The reply header RM writes (rm_standard_rep_t): a little-endian RM error code. */
export const RM_STANDARD_REPLY = struct('rm_standard_rep', { err: u32le });
export const RM_HYP_ERROR_REPLY = struct('rm_hyp_error_rep', { err: u32le, hyp_err: u32le });

type AnyMessageDef = MessageDef<unknown, unknown>;
const MESSAGES_BY_ID: ReadonlyMap<number, AnyMessageDef> = new Map(Object.values(RM_MESSAGES).map((d: AnyMessageDef) => [d.id, d]));
const NOTIFICATIONS_BY_ID: ReadonlyMap<number, NotificationDef<unknown>> = new Map(Object.values(RM_NOTIFICATIONS).map((d: NotificationDef<unknown>) => [d.id, d]));

const hex = (v: number): string => `0x${(v >>> 0).toString(16).padStart(8, '0')}`;

/** The catalogue entry for a request id, or undefined (the server then answers UNIMPLEMENTED). */
export function rmMessage(msgId: number): AnyMessageDef | undefined {
  return MESSAGES_BY_ID.get(msgId);
}

export function rmNotification(id: number): NotificationDef<unknown> | undefined {
  return NOTIFICATIONS_BY_ID.get(id);
}

/** "VM_STOP (0x56000005)" or the bare hex id. */
export function rmMessageName(id: number): string {
  const name = MESSAGES_BY_ID.get(id)?.name ?? NOTIFICATIONS_BY_ID.get(id)?.name;
  return name === undefined ? hex(id) : `${name} (${hex(id)})`;
}

export type DecodedRequest =
  | { [I in RmMessageId]: { readonly kind: 'request'; readonly msgId: I; readonly name: string; readonly fields: RequestOf<I> } }[RmMessageId]
  | { readonly kind: 'invalid'; readonly msgId: number; readonly name: string; readonly rmCode: RmErrorCode; readonly reason: string }
  | { readonly kind: 'unknown'; readonly msgId: number; readonly rmCode: typeof RM_ERROR.UNIMPLEMENTED; readonly reason: string };

/**
 * A request payload -> its fields, or the RM error RM answers it with (MSG_INVALID for a wrong length, and the
 * other refusals RM makes before looking at any VM). Apply the entry's `precheck` first. Never throws.
 */
export function decodeRequest(msgId: number, payload: Uint8Array): DecodedRequest {
  const def = MESSAGES_BY_ID.get(msgId);
  if (def === undefined) return { kind: 'unknown', msgId, rmCode: RM_ERROR.UNIMPLEMENTED, reason: `no VM-management message ${hex(msgId)}` };
  const r = def.request.decode(payload);
  if (r.kind === 'invalid') return { kind: 'invalid', msgId, name: def.name, rmCode: r.rmCode, reason: r.reason };
  return { kind: 'request', msgId, name: def.name, fields: r.value } as DecodedRequest;
}

/** Request fields -> payload bytes (without the RPC header). Throws RmError for an unknown id or a value that does not fit. */
export function encodeRequest<I extends RmMessageId>(msgId: I, fields: RequestOf<I>): Uint8Array {
  const def = MESSAGES_BY_ID.get(msgId);
  if (def === undefined) throw new RmError('UNKNOWN_MESSAGE_ID', RM_ERROR.UNIMPLEMENTED, `No VM-management message ${hex(msgId)} in the catalogue; see RM_MESSAGES.`);
  return guardEncode(`${def.name} request`, () => def.request.encode(fields));
}

type ReplyData<I extends number> = I extends RmMessageId ? ReplyOf<I> | HypErrorReply : never;

/**
 * A reply payload: LE32 `code`, then for RM_OK the message's reply data (omit `data` for a std reply), or for a
 * failure of VM_SET_TIME_BASE / VM_SET_FIRMWARE_MEM a u32 hyp_err (default ARGUMENT_INVALID). Other failures
 * are the 4-byte std reply. Unknown ids get the std reply only (UNIMPLEMENTED).
 */
export function encodeReply<I extends number>(msgId: I, code: number, data?: ReplyData<I>): Uint8Array {
  if (!Number.isInteger(code) || code < 0 || code > 0xffff_ffff) {
    throw new RmError('INVALID_FIELD', RM_ERROR.ARGUMENT_INVALID, `RM reply code ${String(code)} is not a u32; use an RM_ERROR value.`);
  }
  const def = MESSAGES_BY_ID.get(msgId);
  const name = def?.name ?? hex(msgId);
  if (code !== RM_ERROR.OK) {
    if (def?.hypErrorOnFailure === true) {
      const hypError = (data as HypErrorReply | undefined)?.hyp_err ?? HYP_ERROR_ARGUMENT_INVALID;
      return guardEncode(`${name} error reply`, () => RM_HYP_ERROR_REPLY.encode({ err: code, hyp_err: hypError }));
    }
    if (data !== undefined) throw new RmError('INVALID_FIELD', RM_ERROR.ARGUMENT_INVALID, `${name} error reply ${describeRmError(code)} carries no data; drop the data argument.`);
    return RM_STANDARD_REPLY.encode({ err: code });
  }
  if (def === undefined) {
    if (data !== undefined) throw new RmError('UNKNOWN_MESSAGE_ID', RM_ERROR.UNIMPLEMENTED, `No reply layout for unknown message ${name}.`);
    return RM_STANDARD_REPLY.encode({ err: code });
  }
  const body = guardEncode(`${name} reply`, () => def.reply.encode(data ?? {}));
  const out = new Uint8Array(RM_STANDARD_REPLY.size + body.length);
  RM_STANDARD_REPLY.encode({ err: code }, out);
  out.set(body, RM_STANDARD_REPLY.size);
  return out;
}

export type DecodedReply =
  | { [I in RmMessageId]: { readonly kind: 'ok'; readonly msgId: I; readonly name: string; readonly data: ReplyOf<I> } }[RmMessageId]
  | { readonly kind: 'error'; readonly msgId: number; readonly rmCode: number; readonly hypError: number | undefined }
  | { readonly kind: 'malformed'; readonly msgId: number; readonly reason: string };

/** A reply payload -> code and data, checking exact lengths as RM writes them. Never throws. */
export function decodeReply(msgId: number, payload: Uint8Array): DecodedReply {
  if (payload.length < RM_STANDARD_REPLY.size) return { kind: 'malformed', msgId, reason: `reply of ${payload.length} bytes has no 4-byte error code` };
  const code = RM_STANDARD_REPLY.get(payload, 'err');
  const def = MESSAGES_BY_ID.get(msgId);
  const name = def?.name ?? hex(msgId);
  if (code !== RM_ERROR.OK) {
    if (def?.hypErrorOnFailure === true) {
      if (payload.length !== RM_HYP_ERROR_REPLY.size) return { kind: 'malformed', msgId, reason: `${name} error reply must be ${RM_HYP_ERROR_REPLY.size} bytes, got ${payload.length}` };
      return { kind: 'error', msgId, rmCode: code, hypError: RM_HYP_ERROR_REPLY.get(payload, 'hyp_err') };
    }
    if (payload.length !== RM_STANDARD_REPLY.size) return { kind: 'malformed', msgId, reason: `${name} error reply must be ${RM_STANDARD_REPLY.size} bytes, got ${payload.length}` };
    return { kind: 'error', msgId, rmCode: code, hypError: undefined };
  }
  if (def === undefined) return { kind: 'malformed', msgId, reason: `RM_OK reply to unknown message ${name}` };
  const r = def.reply.decode(payload.subarray(RM_STANDARD_REPLY.size));
  if (r.kind === 'invalid') return { kind: 'malformed', msgId, reason: r.reason };
  return { kind: 'ok', msgId, name: def.name, data: r.value } as DecodedReply;
}

export type DecodedNotification =
  | { [I in RmNotificationId]: { readonly kind: 'notification'; readonly id: I; readonly name: string; readonly fields: NotificationOf<I> } }[RmNotificationId]
  | { readonly kind: 'malformed'; readonly id: number; readonly name: string; readonly reason: string }
  | { readonly kind: 'unknown'; readonly id: number; readonly reason: string };

export function encodeNotification<I extends RmNotificationId>(id: I, fields: NotificationOf<I>): Uint8Array {
  const def = NOTIFICATIONS_BY_ID.get(id);
  if (def === undefined) throw new RmError('UNKNOWN_MESSAGE_ID', RM_ERROR.UNIMPLEMENTED, `No VM notification ${hex(id)} in the catalogue; see RM_NOTIFICATIONS.`);
  return guardEncode(def.name, () => def.payload.encode(fields));
}

/** A notification payload -> fields. Never throws. */
export function decodeNotification(id: number, payload: Uint8Array): DecodedNotification {
  const def = NOTIFICATIONS_BY_ID.get(id);
  if (def === undefined) return { kind: 'unknown', id, reason: `no VM notification ${hex(id)}` };
  const r = def.payload.decode(payload);
  if (r.kind === 'invalid') return { kind: 'malformed', id, name: def.name, reason: r.reason };
  return { kind: 'notification', id, name: def.name, fields: r.value } as DecodedNotification;
}
