// The RM server's lifecycle requests (gunyah.md §4.1, §6.1): ALLOCATE, DEALLOCATE, START, STOP, RESET, CONFIG_IMAGE,
// AUTH_IMAGE, INIT, EXIT, decided by vm-lifecycle's state machine and applied to the VM table here.

import { assertNever } from '../../binary/assert-never.js';
import * as ID from '../messages/message-ids.js';
import { encodeReply } from '../messages/message-catalogue.js';
import { RM_ERROR } from '../rm-error.js';
import type { LifecycleVm } from '../vm-lifecycle/lifecycle-vm.js';
import { runReset } from '../vm-lifecycle/vm-reset.js';
import { decideRequest, type LifecycleAccepted, type LifecycleEffect, type VmLifecycleRequest } from '../vm-lifecycle/vm-state-machine.js';
import { vmStatusName } from '../vm-constants.js';
import type { RequestContext } from './request-context.js';
import { RmServerError } from './rm-server-error.js';
import type { VmTable } from './vm-table.js';

/**
 * Decides `req` about VM `targetVmid` (undefined for VM_ALLOCATE), applies what the decision asks of the table,
 * sends its notifications, then the reply; a VM_RESET then runs every RESETTING stage, as RM's reset event does
 * after the reply, ending in NOTIFY_VM_STATUS(RESET) and the VM leaving its peers.
 */
export function runLifecycleRequest(ctx: RequestContext, msgId: number, req: VmLifecycleRequest, targetVmid: number | undefined, workDetail?: string): void {
  const { table } = ctx;
  const target = targetVmid === undefined ? undefined : table.get(targetVmid);
  const d = decideRequest(target, req, table.vmids);
  if (!d.ok) {
    ctx.reply(encodeReply(msgId, d.rmError), `${req.kind} from VM ${hex(req.caller)}${targetVmid === undefined ? '' : ` about VM ${hex(targetVmid)}`} in ${target === undefined ? 'no such VM' : `status ${vmStatusName(target.status) ?? target.status}`}`);
    return;
  }
  const vmid = d.vm?.vmid ?? target?.vmid;
  if (vmid === undefined) throw new RmServerError('TABLE_INCONSISTENT', `${req.kind} was accepted about no VM`);
  let reset = false;
  for (const effect of d.effects) reset = applyEffect(ctx.table, effect, vmid, d.vm) || reset;
  if (d.vm !== undefined && !d.effects.includes('create-vm')) table.update(d.vm);
  if (req.kind === 'VM_CONFIG_IMAGE' && d.reply === RM_ERROR.OK) table.setConfigured(vmid, true);
  for (const n of d.notifications) ctx.notify(n);
  ctx.reply(replyPayload(msgId, d), d.reply === RM_ERROR.OK ? undefined : workDetail);
  if (reset && d.vm !== undefined) finishReset(ctx, d.vm);
}

function replyPayload(msgId: number, d: LifecycleAccepted): Uint8Array {
  if (d.reply !== RM_ERROR.OK) return encodeReply(msgId, d.reply);
  if (msgId === ID.VM_ALLOCATE && d.replyVmid !== undefined) return encodeReply(ID.VM_ALLOCATE, RM_ERROR.OK, { vmid: d.replyVmid });
  return encodeReply(msgId, RM_ERROR.OK);
}

function finishReset(ctx: RequestContext, vm: LifecycleVm): void {
  const run = runReset(vm);
  if (run === undefined) return;
  ctx.table.update(run.vm);
  ctx.table.resetCleared(vm.vmid);
  for (const n of run.notifications) ctx.notify(n);
  // After the broadcast, so the owner still hears that its VM is RESET.
  for (const effect of run.effects) applyEffect(ctx.table, effect, vm.vmid, run.vm);
}

/** Does one effect's bookkeeping; true for 'begin-reset', whose stages run after the reply. */
function applyEffect(table: VmTable, effect: LifecycleEffect, vmid: number, vm: LifecycleVm | undefined): boolean {
  switch (effect) {
    case 'claim-vmid':
      if (!table.vmids.claim(vmid)) throw new RmServerError('TABLE_INCONSISTENT', `VMID ${hex(vmid)} was picked but is not free`);
      return false;
    case 'create-vm':
      if (vm === undefined) throw new RmServerError('TABLE_INCONSISTENT', `create-vm for VMID ${hex(vmid)} came without a VM`);
      try {
        table.create(vm);
      } catch (e) {
        // The VMID was claimed just before: give it back so a failed create leaks nothing.
        table.vmids.release(vmid);
        throw e;
      }
      return false;
    case 'kill-vcpus':
      // No VM has vCPUs yet: no RPC path reaches READY while memory parcels do not exist.
      return false;
    case 'begin-reset':
      return true;
    case 'deregister-peers':
      table.deregisterAllPeers(vmid);
      return false;
    case 'delete-vm':
      table.delete(vmid);
      return false;
    case 'release-vmid':
      table.vmids.release(vmid);
      return false;
    default:
      return assertNever(effect, 'lifecycle effect');
  }
}

function hex(v: number): string {
  return `0x${v.toString(16)}`;
}
