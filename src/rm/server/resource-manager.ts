// The Resource Manager server core (gunyah.md §3 transport rules, §4 messages, §4.2 notifications): per link, RM's
// reassembly; each whole REQUEST answered by exactly one REPLY; NOTIFICATIONs with RM's own sequence counter.
// Pure logic over an abstract link: the daemon gives it socket connections, tests give it fake ones.

import { assertNever } from '../../binary/assert-never.js';
import { encodeNotification, RM_STANDARD_REPLY, rmMessageName } from '../messages/message-catalogue.js';
import * as ID from '../messages/message-ids.js';
import { RM_ERROR, rmErrorName } from '../rm-error.js';
import { fragmentMessage } from '../rpc/fragmenter.js';
import { RpcReassembler } from '../rpc/reassembler.js';
import { RM_RPC_MSG_TYPE, type RmRpcMessageType } from '../rpc/rpc-header.js';
import type { LifecycleNotification } from '../vm-lifecycle/lifecycle-notifications.js';
import { osStatusName, VM_STATUS, VMID_HLOS, vmStatusName } from '../vm-constants.js';
import { dispatchRequest } from './request-dispatcher.js';
import type { RequestContext } from './request-context.js';
import { RmServerError } from './rm-server-error.js';
import type { RmServerEvent } from './rm-server-event.js';
import { VmTable, type VmTableChange } from './vm-table.js';

export type { RmServerEvent } from './rm-server-event.js';

/**
 * One client's RPC link: whole packets (each one message-queue message of at most 240 bytes) in and out.
 * `send` may drop a packet for a peer that has gone; the server never relies on it succeeding.
 */
export interface RmLink {
  readonly id: number;
  onPacket(cb: (b: Uint8Array) => void): void;
  send(b: Uint8Array): void;
  onClose(cb: () => void): void;
}

/** A VM in the RM's table as the daemon shows it; status and osStatus are the RM names (LOAD, NONE, ...). */
export interface RmVmView {
  readonly vmid: number;
  readonly owner: number;
  readonly status: string;
  readonly osStatus: string;
  readonly appStatus: number;
}

export interface ResourceManagerOptions {
  /** Dropped packets, refused requests, undelivered notifications, VM table changes. Must not throw (ignored if it does). */
  readonly onEvent?: (e: RmServerEvent) => void;
  /** 16 bytes per new VM GUID (tests pin them); default random RFC 4122 v4 GUIDs. */
  readonly randomGuid?: () => Uint8Array;
}

interface LinkState {
  readonly link: RmLink;
  readonly caller: number;
  readonly reassembler: RpcReassembler;
}

const RM_RPC_SEQ_MASK = 0xffff;

export class ResourceManager {
  readonly #links = new Map<RmLink, LinkState>();
  readonly #table: VmTable;
  readonly #onEvent: ((e: RmServerEvent) => void) | undefined;
  /** RM `get_next_seq_num`: one u16 counter for every notification to every client, from 0, wrapping. */
  #notificationSeq = 0;
  #closed = false;
  #eventHandlerFailed = false;

  constructor(opts: ResourceManagerOptions = {}) {
    this.#onEvent = opts.onEvent;
    this.#table = new VmTable({
      ...(opts.randomGuid !== undefined ? { randomGuid: opts.randomGuid } : {}),
      onChange: (c) => this.#tableChanged(c),
    });
  }

  /**
   * Serves a client link speaking as VM `callerVmid` (RM's client_id). A host client is the HLOS VM Manager, so the
   * default is VMID_HLOS. When the link closes its VMs stay: RM has no notion of a client going away (its links are
   * message queues that live as long as the VM), and Linux tears its VMs down with explicit STOP/RESET/DEALLOCATE.
   */
  attach(link: RmLink, callerVmid: number = VMID_HLOS): void {
    if (this.#closed) throw new RmServerError('CLOSED', `Cannot attach link ${link.id}: the Resource Manager is closed; create a new one`);
    if (!Number.isInteger(callerVmid) || callerVmid < 0 || callerVmid > 0xffff) {
      throw new RmServerError('INVALID_CALLER', `Cannot attach link ${link.id} as VMID ${String(callerVmid)}: a VMID is an integer 0..0xffff (HLOS is ${VMID_HLOS})`);
    }
    if (this.#links.has(link)) throw new RmServerError('ALREADY_ATTACHED', `Link ${link.id} is already attached; attach each link once`);
    const state: LinkState = { link, caller: callerVmid, reassembler: new RpcReassembler() };
    this.#links.set(link, state);
    try {
      link.onPacket((b) => this.#receive(state, b));
      link.onClose(() => this.#detach(state));
    } catch (e) {
      this.#links.delete(link);
      throw e;
    }
    this.#emit({ kind: 'link-attached', link: link.id, caller: callerVmid });
  }

  /** The VMs VM_ALLOCATE created (HLOS is not listed), by vmid. */
  list(): readonly RmVmView[] {
    return this.#table.allocated().map(view);
  }

  get(vmid: number): RmVmView | undefined {
    if (vmid === VMID_HLOS) return undefined;
    const vm = this.#table.get(vmid);
    return vm === undefined ? undefined : view(vm);
  }

  /** Stops serving: every link is let go (packets after this are ignored), the table stays readable. Idempotent. */
  close(): void {
    this.#closed = true;
    this.#links.clear();
  }

  /** Never throws: it runs inside the transport's packet callback. */
  #receive(state: LinkState, bytes: Uint8Array): void {
    if (this.#closed || this.#links.get(state.link) !== state) return;
    try {
      for (const ev of state.reassembler.push(bytes)) {
        switch (ev.kind) {
          case 'dropped':
            this.#emit({ kind: 'packet-dropped', link: state.link.id, reason: ev.reason, detail: ev.detail });
            break;
          case 'message':
            this.#message(state, ev.message.type, ev.message.seq, ev.message.msgId, ev.message.payload);
            break;
          default:
            assertNever(ev, 'reassembly event');
        }
      }
    } catch (e) {
      this.#emit({ kind: 'packet-dropped', link: state.link.id, reason: 'server-error', detail: `handling a packet failed: ${describe(e)}`, error: e });
    }
  }

  #message(state: LinkState, type: RmRpcMessageType, seq: number, msgId: number, payload: Uint8Array): void {
    if (type !== RM_RPC_MSG_TYPE.REQUEST) {
      const what = type === RM_RPC_MSG_TYPE.REPLY ? 'REPLY' : 'NOTIFICATION';
      this.#emit({ kind: 'message-dropped', link: state.link.id, reason: 'not-a-request', msgId, seq, detail: `a ${what} ${rmMessageName(msgId)} from a client; RM dispatches only requests` });
      return;
    }
    const link = state.link.id;
    const caller = state.caller;
    let replied = false;
    const ctx: RequestContext = {
      caller,
      table: this.#table,
      reply: (reply, detail) => {
        if (replied) {
          this.#emit({ kind: 'request-failed', link, caller, msgId, seq, reason: 'second-reply', detail: `${rmMessageName(msgId)} tried to reply twice; the second reply was dropped` });
          return;
        }
        replied = true;
        this.#reply(state, seq, msgId, reply, detail);
      },
      notify: (n) => this.#notify(n),
    };
    try {
      dispatchRequest(ctx, msgId, payload);
    } catch (e) {
      this.#emit({ kind: 'request-failed', link, caller, msgId, seq, reason: 'handler-threw', detail: `${rmMessageName(msgId)} failed: ${describe(e)}`, error: e });
    }
    if (!replied) {
      if (!this.#closed) this.#emit({ kind: 'request-failed', link, caller, msgId, seq, reason: 'no-reply', detail: `${rmMessageName(msgId)} had no answer; answered DENIED` });
      replied = true;
      this.#reply(state, seq, msgId, RM_STANDARD_REPLY.encode({ err: RM_ERROR.DENIED }), 'internal error');
    }
  }

  #reply(state: LinkState, seq: number, msgId: number, payload: Uint8Array, detail: string | undefined): void {
    const code = payload.length >= RM_STANDARD_REPLY.size ? RM_STANDARD_REPLY.get(payload, 'err') : RM_ERROR.DENIED;
    if (code !== RM_ERROR.OK) {
      this.#emit({
        kind: 'request-refused', link: state.link.id, caller: state.caller, msgId, seq, rmCode: code,
        reason: rmErrorName(code) ?? `0x${code.toString(16)}`, detail: `${rmMessageName(msgId)}: ${detail ?? 'refused'}`,
      });
    }
    let packets: Uint8Array[];
    try {
      packets = fragmentMessage({ type: RM_RPC_MSG_TYPE.REPLY, seq, msgId, payload });
    } catch (e) {
      this.#emit({ kind: 'request-failed', link: state.link.id, caller: state.caller, msgId, seq, reason: 'handler-threw', detail: `the reply to ${rmMessageName(msgId)} cannot be sent (${describe(e)}); answered DENIED` });
      packets = fragmentMessage({ type: RM_RPC_MSG_TYPE.REPLY, seq, msgId, payload: RM_STANDARD_REPLY.encode({ err: RM_ERROR.DENIED }) });
    }
    const failure = this.#sendPackets(state, packets);
    if (failure !== undefined) this.#emit({ kind: 'reply-dropped', link: state.link.id, msgId, seq, reason: 'send-failed', detail: failure });
  }

  /** Encodes `n` and sends it to every link RM would address; each copy takes the next sequence number. */
  #notify(n: LifecycleNotification): void {
    let msgId: number;
    let encode: () => Uint8Array;
    let to: (caller: number) => boolean;
    switch (n.kind) {
      case 'NOTIFY_VM_STATUS': {
        msgId = ID.NOTIFY_VM_STATUS;
        encode = () => encodeNotification(ID.NOTIFY_VM_STATUS, { vmid: n.vmid, vm_status: n.vmStatus, os_status: n.osStatus, app_status: n.appStatus });
        const recipients = this.#statusRecipients(n.vmid);
        to = (caller) => recipients.has(caller);
        break;
      }
      case 'NOTIFY_VM_EXITED':
        msgId = ID.NOTIFY_VM_EXITED;
        encode = () => encodeNotification(ID.NOTIFY_VM_EXITED, { vmid: n.vmid, exit_type: n.exitType, exit_flags: n.exitFlags, exit_code: n.exitCode, extra_reason: n.exitReason.slice(1) });
        to = (caller) => caller === n.to;
        break;
      case 'NOTIFY_VM_SHUTDOWN':
        msgId = ID.NOTIFY_VM_SHUTDOWN;
        encode = () => encodeNotification(ID.NOTIFY_VM_SHUTDOWN, { stop_reason: n.stopReason });
        to = (caller) => caller === n.to;
        break;
      default:
        return assertNever(n, 'notification');
    }
    let payload: Uint8Array | undefined;
    let encodeError: unknown;
    try {
      payload = encode();
    } catch (e) {
      encodeError = e;
    }
    for (const state of [...this.#links.values()]) {
      if (!to(state.caller)) continue;
      const seq = this.#nextNotificationSeq();
      if (payload === undefined) {
        this.#emit({ kind: 'notification-dropped', link: state.link.id, msgId, seq, reason: 'encode-failed', detail: `${rmMessageName(msgId)}: ${describe(encodeError)}` });
        continue;
      }
      let failure: string | undefined;
      try {
        failure = this.#sendPackets(state, fragmentMessage({ type: RM_RPC_MSG_TYPE.NOTIFICATION, seq, msgId, payload }));
      } catch (e) {
        failure = describe(e);
      }
      if (failure !== undefined) this.#emit({ kind: 'notification-dropped', link: state.link.id, msgId, seq, reason: 'send-failed', detail: `${rmMessageName(msgId)}: ${failure}` });
    }
  }

  /** RM `vm_mgnt_send_state`: the VM's peers (its owner among them) that are RUNNING; their links get it. */
  #statusRecipients(vmid: number): Set<number> {
    const out = new Set<number>();
    for (const p of this.#table.record(vmid)?.peers ?? []) {
      if (this.#table.get(p)?.status === VM_STATUS.RUNNING) out.add(p);
    }
    return out;
  }

  #nextNotificationSeq(): number {
    const seq = this.#notificationSeq;
    this.#notificationSeq = (seq + 1) & RM_RPC_SEQ_MASK;
    return seq;
  }

  /**
   * Hands every packet to the link at once, returning why it failed if `send` threw. There is no queue here: a
   * socket link buffers for a slow peer and drops a stalled one itself, so RM's one-reply-in-flight and 256-deep
   * notification FIFO (which exist because a message queue holds 8 messages) have nothing to do.
   */
  #sendPackets(state: LinkState, packets: readonly Uint8Array[]): string | undefined {
    if (this.#links.get(state.link) !== state) return 'the link is detached';
    try {
      for (const p of packets) state.link.send(p);
      return undefined;
    } catch (e) {
      return describe(e);
    }
  }

  #detach(state: LinkState): void {
    if (this.#links.get(state.link) !== state) return;
    this.#links.delete(state.link);
    state.reassembler.reset();
    this.#emit({ kind: 'link-closed', link: state.link.id, caller: state.caller });
  }

  #tableChanged(c: VmTableChange): void {
    switch (c.kind) {
      case 'created':
        this.#emit({ kind: 'vm-allocated', vmid: c.vm.vmid, owner: c.vm.owner });
        break;
      case 'status': {
        const to = vmStatusName(c.vm.status) ?? 'NO_STATE';
        this.#emit({ kind: 'vm-status', vmid: c.vm.vmid, status: to, detail: `VM 0x${c.vm.vmid.toString(16)}: ${c.from} -> ${to}` });
        break;
      }
      case 'deleted':
        this.#emit({ kind: 'vm-deallocated', vmid: c.vmid });
        break;
      default:
        assertNever(c, 'VM table change');
    }
  }

  #emit(e: RmServerEvent): void {
    if (this.#onEvent === undefined) return;
    try {
      this.#onEvent(e);
    } catch (err) {
      if (!this.#eventHandlerFailed) {
        this.#eventHandlerFailed = true;
        process.emitWarning(`The Resource Manager's onEvent handler threw (${describe(err)}); its later failures are ignored silently`);
      }
    }
  }
}

function view(vm: { vmid: number; owner: number; status: number; osStatus: number; appStatus: number }): RmVmView {
  return {
    vmid: vm.vmid,
    owner: vm.owner,
    status: vmStatusName(vm.status) ?? String(vm.status),
    osStatus: osStatusName(vm.osStatus) ?? String(vm.osStatus),
    appStatus: vm.appStatus,
  };
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
