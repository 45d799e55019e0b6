// One whole REQUEST -> its handler, in RM's order (gunyah.md §3.2 "RM, receiving", §4.1; RM bf31a9a
// `vm_mgnt_msg_handler`): the HYP gate, the unknown-id answer, the caller prechecks, the payload checks, the handler.

import { assertNever } from '../../binary/assert-never.js';
import * as ID from '../messages/message-ids.js';
import { decodeRequest, encodeReply, RM_STANDARD_REPLY, rmMessage } from '../messages/message-catalogue.js';
import type { CallerPrecheck, MessageDef } from '../messages/payload-codec.js';
import { RM_ERROR, type RmErrorCode } from '../rm-error.js';
import { VMID_HLOS, VMID_HYP } from '../vm-constants.js';
import type { RequestContext } from './request-context.js';
import { runLifecycleRequest } from './vm-lifecycle-requests.js';
import * as Q from './vm-query-requests.js';

const hex = (v: number): string => `0x${(v >>> 0).toString(16).padStart(8, '0')}`;

/** Requests RM bf31a9a answers that bothy does not handle yet: they get RM's answer for an unhandled id. */
export const NOT_YET_HANDLED: ReadonlySet<number> = new Set([
  ID.VM_LOOKUP_URI,
  ID.VM_LOOKUP_GUID,
  ID.VM_LOOKUP_NAME,
  ID.VM_SET_TIME_BASE,
  ID.VM_SET_FIRMWARE_MEM,
  ID.VM_CONSOLE_OPEN,
  ID.VM_CONSOLE_CLOSE,
  ID.VM_CONSOLE_WRITE,
  ID.VM_CONSOLE_FLUSH,
]);

function standard(code: RmErrorCode): Uint8Array {
  return RM_STANDARD_REPLY.encode({ err: code });
}

/** Answers one request through `ctx`; replies exactly once unless it throws (the caller then answers DENIED). */
export function dispatchRequest(ctx: RequestContext, msgId: number, payload: Uint8Array): void {
  const { caller } = ctx;
  // RM's VM-management handlers ignore every message from the hypervisor but the legacy VM_START, and an
  // ignored message is answered as an unknown one.
  if (caller === VMID_HYP && msgId !== ID.VM_START) return ctx.reply(standard(RM_ERROR.UNIMPLEMENTED), `VMID_HYP may send only VM_START, not ${hex(msgId)}`);
  const def = rmMessage(msgId);
  if (def === undefined) return ctx.reply(standard(RM_ERROR.UNIMPLEMENTED), `no RM message ${hex(msgId)}`);
  const refusal = precheck(ctx, def, payload);
  if (refusal !== undefined) return ctx.reply(encodeReply(msgId, refusal.code), refusal.detail);
  if (def.rm === 'unimplemented') return ctx.reply(standard(RM_ERROR.UNIMPLEMENTED), `${def.name} is defined but not implemented by RM`);
  if (NOT_YET_HANDLED.has(msgId)) return ctx.reply(standard(RM_ERROR.UNIMPLEMENTED), `${def.name} is not handled by bothy yet`);

  const d = decodeRequest(msgId, payload);
  switch (d.kind) {
    case 'unknown':
      return ctx.reply(standard(d.rmCode), d.reason);
    case 'invalid':
      // RM looks up the calling VM before it checks os_status.
      if (msgId === ID.VM_SET_STATUS && d.rmCode === RM_ERROR.ARGUMENT_INVALID && ctx.table.get(caller) === undefined) {
        return ctx.reply(encodeReply(msgId, RM_ERROR.NORESOURCE), `caller ${caller} has no VM`);
      }
      return ctx.reply(encodeReply(msgId, d.rmCode), d.reason);
    case 'request':
      break;
    default:
      return assertNever(d, 'decoded request');
  }

  switch (d.msgId) {
    case ID.VM_ALLOCATE:
      return runLifecycleRequest(ctx, d.msgId, { kind: 'VM_ALLOCATE', caller, vmid: d.fields.vmid }, undefined);
    case ID.VM_DEALLOCATE:
      return runLifecycleRequest(ctx, d.msgId, { kind: 'VM_DEALLOCATE', caller }, d.fields.vmid);
    case ID.VM_START:
      return runLifecycleRequest(ctx, d.msgId, { kind: 'VM_START', caller }, d.fields.vmid);
    case ID.VM_STOP:
      return runLifecycleRequest(ctx, d.msgId, { kind: 'VM_STOP', caller, flags: d.fields.flags, stopReason: d.fields.stop_reason }, d.fields.vmid);
    case ID.VM_RESET:
      return runLifecycleRequest(ctx, d.msgId, { kind: 'VM_RESET', caller }, d.fields.vmid);
    case ID.VM_CONFIG_IMAGE: {
      // No memory parcel exists yet, so none can be shared with the VM: RM's answer is MEM_INVALID (§4.1).
      const detail = `no memory parcel ${hex(d.fields.mem_handle)} is shared with VM 0x${d.fields.vmid.toString(16)} (bothy has no memory parcels yet)`;
      return runLifecycleRequest(ctx, d.msgId, { kind: 'VM_CONFIG_IMAGE', caller, authMech: d.fields.auth_mech, outcome: RM_ERROR.MEM_INVALID }, d.fields.vmid, detail);
    }
    case ID.VM_AUTH_IMAGE:
      return runLifecycleRequest(ctx, d.msgId, { kind: 'VM_AUTH_IMAGE', caller }, d.fields.vmid);
    case ID.VM_INIT:
      return runLifecycleRequest(ctx, d.msgId, { kind: 'VM_INIT', caller }, d.fields.vmid);
    case ID.VM_EXIT:
      return runLifecycleRequest(ctx, d.msgId, { kind: 'VM_EXIT', caller, exitFlags: d.fields.exit_flags, exitCode: d.fields.exit_code }, caller);
    case ID.VM_GET_VMID:
      return Q.getVmid(ctx);
    case ID.VM_GET_OWNER:
      return Q.getOwner(ctx);
    case ID.VM_GET_PEERS:
      return Q.getPeers(ctx);
    case ID.VM_GET_STATE:
      return Q.getState(ctx, d.fields.vmid);
    case ID.VM_GET_ID:
      return Q.getId(ctx, d.fields.vmid);
    case ID.VM_GET_HYP_RESOURCES:
      return Q.getHypResources(ctx, d.fields.vmid);
    case ID.VM_HOST_GET_TYPE:
      return Q.hostGetType(ctx);
    case ID.VM_SET_STATUS:
      return Q.setStatus(ctx, d.fields.os_status, d.fields.app_status);
    case ID.VM_GET_CRASH_MSG:
      return Q.getCrashMsg(ctx, d.fields.vmid);
    case ID.VM_SET_CRASH_MSG:
      return Q.setCrashMsg(ctx, d.fields.msg);
    case ID.VM_LOOKUP_URI:
    case ID.VM_LOOKUP_GUID:
    case ID.VM_LOOKUP_NAME:
    case ID.VM_SET_TIME_BASE:
    case ID.VM_SET_FIRMWARE_MEM:
    case ID.VM_CONSOLE_OPEN:
    case ID.VM_CONSOLE_CLOSE:
    case ID.VM_CONSOLE_WRITE:
    case ID.VM_CONSOLE_FLUSH:
    case ID.VM_SET_CONTEXT:
    case ID.VM_SET_DEMAND_PAGING:
    case ID.VM_SET_ADDRESS_LAYOUT:
      // Answered above; kept so a new catalogue entry is a compile error here until it is handled.
      return ctx.reply(standard(RM_ERROR.UNIMPLEMENTED), `${d.name} is not handled`);
    default:
      return assertNever(d, 'request');
  }
}

/** The refusal RM makes before it reads the payload (VM_EXIT: after its length check), or undefined. */
function precheck(ctx: RequestContext, def: MessageDef<unknown, unknown>, payload: Uint8Array): { code: RmErrorCode; detail: string } | undefined {
  const { caller } = ctx;
  const p: CallerPrecheck | undefined = def.precheck;
  switch (p) {
    case undefined:
      return undefined;
    case 'hlos-only':
      return caller === VMID_HLOS ? undefined : { code: RM_ERROR.DENIED, detail: `${def.name} is for HLOS (VMID ${VMID_HLOS}) only, not VMID ${caller}` };
    case 'not-hyp':
      return caller === VMID_HYP ? { code: RM_ERROR.DENIED, detail: `${def.name} from the hypervisor is the ignored legacy start` } : undefined;
    case 'static-secondary-only':
      return ctx.table.isStaticSecondary(caller) ? undefined : { code: RM_ERROR.DENIED, detail: `${def.name} is for static secondary VMs only, not VMID ${caller}` };
    case 'crash-fatal-refused': {
      const size = def.request.size;
      if (size !== undefined && payload.length !== size) return { code: RM_ERROR.MSG_INVALID, detail: `${def.name} must be ${size} bytes, got ${payload.length}` };
      return ctx.table.get(caller)?.attrs.crashFatal === true ? { code: RM_ERROR.ARGUMENT_INVALID, detail: `VM ${caller} is crash-fatal and cannot exit itself` } : undefined;
    }
    default:
      return assertNever(p, 'caller precheck');
  }
}
