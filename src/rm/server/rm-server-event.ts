// What the Resource Manager server reports for logs and tests (gunyah.md §3.2 drop rules, §4 refusals): packets
// and messages it drops as RM does, requests it refuses, notifications it could not deliver, VM table changes.

import type { DropReason } from '../rpc/reassembler.js';
import type { VmStatusName } from '../vm-constants.js';

export type RmServerEvent =
  | { readonly kind: 'link-attached'; readonly link: number; readonly caller: number }
  /** The link's VMs stay: RM never tears a VM down because its owner's RPC link went away. */
  | { readonly kind: 'link-closed'; readonly link: number; readonly caller: number }
  /**
   * RM `do_recv` drops it silently: too short, bad header, stray or mismatched continuation, or a lost partial.
   * 'server-error': handling the packet failed inside the server (a bug); the link keeps working.
   */
  | { readonly kind: 'packet-dropped'; readonly link: number; readonly reason: DropReason | 'server-error'; readonly detail: string; readonly error?: unknown }
  /** A whole REPLY or NOTIFICATION from a client: RM dispatches only REQUESTs. */
  | { readonly kind: 'message-dropped'; readonly link: number; readonly reason: 'not-a-request'; readonly msgId: number; readonly seq: number; readonly detail: string }
  /** A request answered with an RM error other than OK. */
  | {
      readonly kind: 'request-refused';
      readonly link: number;
      readonly caller: number;
      readonly msgId: number;
      readonly seq: number;
      readonly rmCode: number;
      /** The RM error's name, e.g. 'VM_STATE'. */
      readonly reason: string;
      readonly detail: string;
    }
  /** A handler threw; the request was answered (DENIED unless a reply had already gone). */
  | { readonly kind: 'request-failed'; readonly link: number; readonly caller: number; readonly msgId: number; readonly seq: number; readonly reason: 'handler-threw' | 'no-reply' | 'second-reply'; readonly detail: string; readonly error?: unknown }
  /** The link refused a reply's packets (its send threw). */
  | { readonly kind: 'reply-dropped'; readonly link: number; readonly msgId: number; readonly seq: number; readonly reason: 'send-failed'; readonly detail: string }
  | { readonly kind: 'notification-dropped'; readonly link: number; readonly msgId: number; readonly seq: number; readonly reason: 'send-failed' | 'encode-failed'; readonly detail: string }
  | { readonly kind: 'vm-allocated'; readonly vmid: number; readonly owner: number }
  | { readonly kind: 'vm-status'; readonly vmid: number; readonly status: VmStatusName; readonly detail: string }
  | { readonly kind: 'vm-deallocated'; readonly vmid: number };

export type RmServerEventKind = RmServerEvent['kind'];
