// RM's receive side of the RPC transport, one per client link: RM src/rpc/rm-rpc.c `do_recv` (gunyah.md §3.2).
// Turns packets into whole messages or 'dropped' events (where RM drops silently); never throws on any input.

import type { RpcMessage } from './fragmenter.js';
import {
  readRpcHeader,
  rpcHeaderProblem,
  RM_RPC_HEADER_SIZE,
  RM_RPC_MAX_CONTENT,
  RM_RPC_MESSAGE_SIZE,
  RM_RPC_MSG_TYPE,
  type RmRpcMessageType,
  type RpcHeaderProblem,
} from './rpc-header.js';

export type DropReason =
  /** Shorter than the 8-byte header. */
  | 'too-short'
  /** Longer than RM_RPC_MESSAGE_SIZE: a 240-byte message queue never delivers it, so RM has no rule; bothy drops. */
  | 'too-long'
  | RpcHeaderProblem
  /** A continuation with no message in progress. */
  | 'stray-continuation'
  /** A continuation whose msg_id, seq_num or num_fragments differ from the message in progress (which is kept). */
  | 'mismatched-continuation'
  /** An unfinished message thrown away because a new first fragment arrived. */
  | 'partial-discarded';

export type ReassemblyEvent =
  | { readonly kind: 'message'; readonly message: RpcMessage }
  | { readonly kind: 'dropped'; readonly reason: DropReason; readonly detail: string };

interface PartialMessage {
  readonly type: RmRpcMessageType;
  readonly seq: number;
  readonly msgId: number;
  readonly numFragments: number;
  remaining: number;
  readonly buf: Uint8Array;
  len: number;
}

const hex = (v: number): string => `0x${(v >>> 0).toString(16)}`;

export class RpcReassembler {
  #partial: PartialMessage | undefined;

  /** True while a message is waiting for continuations. */
  get inProgress(): boolean {
    return this.#partial !== undefined;
  }

  /** Forgets any message in progress (link reset). */
  reset(): void {
    this.#partial = undefined;
  }

  /** Feeds one received packet; returns what it completed or dropped (0-2 events, in order). */
  push(packet: Uint8Array): ReassemblyEvent[] {
    if (packet.length < RM_RPC_HEADER_SIZE) return [drop('too-short', `${packet.length}-byte packet has no 8-byte header`)];
    if (packet.length > RM_RPC_MESSAGE_SIZE) return [drop('too-long', `${packet.length}-byte packet exceeds the ${RM_RPC_MESSAGE_SIZE}-byte message size`)];
    const h = readRpcHeader(packet);
    const problem = rpcHeaderProblem(h);
    if (problem !== undefined) {
      return [drop(problem, `header byte0 0x${(packet[0] ?? 0).toString(16)} (version ${h.api_version}, words ${h.header_words}), ${h.num_fragments} continuations, msg_id ${hex(h.msg_id)}`)];
    }
    const body = packet.subarray(RM_RPC_HEADER_SIZE);

    if (h.msg_type !== RM_RPC_MSG_TYPE.CONTINUED) {
      const events: ReassemblyEvent[] = [];
      const old = this.#partial;
      if (old !== undefined) {
        events.push(drop('partial-discarded', `message ${hex(old.msgId)} seq ${old.seq} lost ${old.remaining} of ${old.numFragments} continuations to a new message ${hex(h.msg_id)}`));
        this.#partial = undefined;
      }
      if (h.num_fragments === 0) {
        events.push({ kind: 'message', message: { type: h.msg_type, seq: h.seq_num, msgId: h.msg_id, payload: body.slice() } });
        return events;
      }
      // Same allocation as RM: room for every fragment at full size, whatever this one carries.
      const buf = new Uint8Array((h.num_fragments + 1) * RM_RPC_MAX_CONTENT);
      buf.set(body);
      this.#partial = { type: h.msg_type, seq: h.seq_num, msgId: h.msg_id, numFragments: h.num_fragments, remaining: h.num_fragments, buf, len: body.length };
      return events;
    }

    const p = this.#partial;
    if (p === undefined) return [drop('stray-continuation', `continuation of ${hex(h.msg_id)} seq ${h.seq_num} with no message in progress`)];
    if (h.msg_id !== p.msgId || h.seq_num !== p.seq || h.num_fragments !== p.numFragments) {
      return [drop('mismatched-continuation', `continuation ${hex(h.msg_id)} seq ${h.seq_num} of ${h.num_fragments} does not match ${hex(p.msgId)} seq ${p.seq} of ${p.numFragments}`)];
    }
    // Continuations need not be full: RM appends whatever length arrives.
    p.buf.set(body, p.len);
    p.len += body.length;
    p.remaining--;
    if (p.remaining > 0) return [];
    this.#partial = undefined;
    return [{ kind: 'message', message: { type: p.type, seq: p.seq, msgId: p.msgId, payload: p.buf.slice(0, p.len) } }];
  }
}

function drop(reason: DropReason, detail: string): ReassemblyEvent {
  return { kind: 'dropped', reason, detail };
}
