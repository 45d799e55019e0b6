// The RM server's identity and status requests (gunyah.md §4.1, §4.3, §4.6; RM bf31a9a vm_mgnt.c, vm_get_resources.c):
// GET_VMID, GET_OWNER, GET_PEERS, GET_STATE, GET_ID, GET_HYP_RESOURCES, HOST_GET_TYPE, SET_STATUS, GET/SET_CRASH_MSG.

import * as ID from '../messages/message-ids.js';
import { encodeReply } from '../messages/message-catalogue.js';
import { statusNotification } from '../vm-lifecycle/lifecycle-notifications.js';
import { RM_ERROR } from '../rm-error.js';
import { isOsStatus, OS_STATUS, VM_HOST_TYPE_GUNYAH_RM_V1, VM_ID_TYPE, VM_STATUS, vmStatusName } from '../vm-constants.js';
import type { RequestContext } from './request-context.js';

const { OK } = RM_ERROR;

const hex = (v: number): string => `0x${v.toString(16)}`;

/** The caller's VMID as a u32. */
export function getVmid(ctx: RequestContext): void {
  ctx.reply(encodeReply(ID.VM_GET_VMID, OK, { vmid: ctx.caller }));
}

/**
 * The caller's owner (HLOS: RM, 0xFF). RM asserts the caller is a VM it knows; bothy answers a link whose VMID has
 * no VM with VMID_INVALID.
 */
export function getOwner(ctx: RequestContext): void {
  const vm = ctx.table.get(ctx.caller);
  if (vm === undefined) return ctx.reply(encodeReply(ID.VM_GET_OWNER, RM_ERROR.VMID_INVALID), `caller ${hex(ctx.caller)} is no VM`);
  ctx.reply(encodeReply(ID.VM_GET_OWNER, OK, { owner: vm.owner }));
}

/** The caller's peers, in registration order (HLOS: every VM it allocated, until each one's reset completes). */
export function getPeers(ctx: RequestContext): void {
  const rec = ctx.table.record(ctx.caller);
  if (rec === undefined) return ctx.reply(encodeReply(ID.VM_GET_PEERS, RM_ERROR.VMID_INVALID), `caller ${hex(ctx.caller)} is no VM`);
  ctx.reply(encodeReply(ID.VM_GET_PEERS, OK, { vmid: rec.peers }));
}

/** vmid 0 = the caller. Unknown VM -> NORESOURCE; not self, owner or peer -> DENIED. */
export function getState(ctx: RequestContext, vmid: number): void {
  const target = vmid === 0 ? ctx.caller : vmid;
  const vm = ctx.table.get(target);
  if (vm === undefined) return ctx.reply(encodeReply(ID.VM_GET_STATE, RM_ERROR.NORESOURCE), `no VM ${hex(target)}`);
  if (!ctx.table.isQueryAllowed(vm, ctx.caller)) return ctx.reply(encodeReply(ID.VM_GET_STATE, RM_ERROR.DENIED), `VM ${hex(ctx.caller)} is not VM ${hex(target)}, its owner or a peer`);
  ctx.reply(encodeReply(ID.VM_GET_STATE, OK, { vm_state: vm.status, os_state: vm.osStatus, app_status: vm.appStatus }));
}

/**
 * vmid 0 = the caller. RM's order: unknown VM -> NORESOURCE; not READY, RUNNING or PAUSED -> VM_STATE; not self,
 * owner or peer -> NORESOURCE. The reply carries the GUID entry only: bothy has no VM names, URIs or signing
 * authorities yet (RM adds those entries when it has them).
 */
export function getId(ctx: RequestContext, vmid: number): void {
  const target = vmid === 0 ? ctx.caller : vmid;
  const rec = ctx.table.record(target);
  if (rec === undefined) return ctx.reply(encodeReply(ID.VM_GET_ID, RM_ERROR.NORESOURCE), `no VM ${hex(target)}`);
  const s = rec.vm.status;
  if (s !== VM_STATUS.READY && s !== VM_STATUS.RUNNING && s !== VM_STATUS.PAUSED) {
    return ctx.reply(encodeReply(ID.VM_GET_ID, RM_ERROR.VM_STATE), `VM ${hex(target)} is ${vmStatusName(s) ?? s}; its identity exists from READY on`);
  }
  if (!ctx.table.isQueryAllowed(rec.vm, ctx.caller)) return ctx.reply(encodeReply(ID.VM_GET_ID, RM_ERROR.NORESOURCE), `VM ${hex(ctx.caller)} is not VM ${hex(target)}, its owner or a peer`);
  ctx.reply(encodeReply(ID.VM_GET_ID, OK, { entries: [{ type: VM_ID_TYPE.GUID, data: rec.guid }] }));
}

/**
 * Unknown VM -> ARGUMENT_INVALID (RM `vm_config_get_resource_descs`); no vm_config yet (before a successful
 * CONFIG_IMAGE) -> NORESOURCE. No VM has vCPUs or vdevices yet, so the list is empty.
 */
export function getHypResources(ctx: RequestContext, vmid: number): void {
  const rec = ctx.table.record(vmid);
  if (rec === undefined) return ctx.reply(encodeReply(ID.VM_GET_HYP_RESOURCES, RM_ERROR.ARGUMENT_INVALID), `no VM ${hex(vmid)}`);
  if (!rec.configured) return ctx.reply(encodeReply(ID.VM_GET_HYP_RESOURCES, RM_ERROR.NORESOURCE), `VM ${hex(vmid)} has no configuration; VM_CONFIG_IMAGE makes it`);
  ctx.reply(encodeReply(ID.VM_GET_HYP_RESOURCES, OK, { entries: [] }));
}

export function hostGetType(ctx: RequestContext): void {
  ctx.reply(encodeReply(ID.VM_HOST_GET_TYPE, OK, { host_type: VM_HOST_TYPE_GUNYAH_RM_V1 }));
}

/**
 * From a static secondary VM about itself (the precheck refused everyone else): os_status 0 keeps the current one.
 * NOTIFY_VM_STATUS goes to the peers before the reply, as RM sends them.
 */
export function setStatus(ctx: RequestContext, osStatus: number, appStatus: number): void {
  const vm = ctx.table.get(ctx.caller);
  if (vm === undefined) return ctx.reply(encodeReply(ID.VM_SET_STATUS, RM_ERROR.NORESOURCE), `caller ${hex(ctx.caller)} has no VM`);
  if (!isOsStatus(osStatus)) return ctx.reply(encodeReply(ID.VM_SET_STATUS, RM_ERROR.ARGUMENT_INVALID), `os_status ${osStatus} is not 0..${OS_STATUS.CRASHED}`);
  const next = Object.freeze({ ...vm, osStatus: osStatus === OS_STATUS.NONE ? vm.osStatus : osStatus, appStatus: appStatus & 0xffff });
  ctx.table.update(next);
  ctx.notify(statusNotification(next));
  ctx.reply(encodeReply(ID.VM_SET_STATUS, OK));
}

/** Owner only; anyone else, or an unknown VM, gets VMID_INVALID. */
export function getCrashMsg(ctx: RequestContext, vmid: number): void {
  const rec = ctx.table.record(vmid);
  if (rec === undefined) return ctx.reply(encodeReply(ID.VM_GET_CRASH_MSG, RM_ERROR.VMID_INVALID), `no VM ${hex(vmid)}`);
  if (rec.vm.owner !== ctx.caller) return ctx.reply(encodeReply(ID.VM_GET_CRASH_MSG, RM_ERROR.VMID_INVALID), `VM ${hex(ctx.caller)} does not own VM ${hex(vmid)}`);
  ctx.reply(encodeReply(ID.VM_GET_CRASH_MSG, OK, { msg: rec.crashMsg }));
}

/** The caller's own crash message, truncated to 192 bytes. RM asserts the caller exists; bothy answers VMID_INVALID. */
export function setCrashMsg(ctx: RequestContext, msg: Uint8Array): void {
  if (ctx.table.get(ctx.caller) === undefined) return ctx.reply(encodeReply(ID.VM_SET_CRASH_MSG, RM_ERROR.VMID_INVALID), `caller ${hex(ctx.caller)} is no VM`);
  ctx.table.setCrashMsg(ctx.caller, msg);
  ctx.reply(encodeReply(ID.VM_SET_CRASH_MSG, OK));
}
