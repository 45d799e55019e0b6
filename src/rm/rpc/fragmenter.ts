// Splits one RM RPC message into <= 240-byte message-queue packets exactly as RM `start_xmit`/`do_xmit` and Linux
// `gunyah_rm_send_request` do (gunyah.md §3.2): first fragment carries the type, continuations type 0.

import { RM_ERROR, RmError } from '../rm-error.js';
import {
  encodeRpcHeader,
  RM_RPC_HEADER_SIZE,
  RM_RPC_MAX_CONTENT,
  RM_RPC_MAX_MSG_SIZE,
  RM_RPC_MSG_TYPE,
  type RmRpcMessageType,
} from './rpc-header.js';

/** A whole RM RPC message: what the fragmenter takes and the reassembler gives back. */
export interface RpcMessage {
  readonly type: RmRpcMessageType;
  readonly seq: number;
  readonly msgId: number;
  readonly payload: Uint8Array;
}

export interface FragmentOptions {
  /**
   * The largest payload allowed: RM_RPC_MAX_MSG_SIZE (14616, the default: bothy speaks as RM, whose receiver takes
   * 62 continuations) or GUNYAH_RM_LINUX_MAX_PAYLOAD (14384) to send only what a Linux client would.
   */
  readonly maxPayload?: number;
}

/**
 * The num_fragments field for a payload: continuations after the first fragment. Linux `(size - 1) / 232` for a
 * non-empty payload (RM writes the same as ceil(size/232) - 1); an empty payload is one bare header. v5's
 * `size / 232` sent a spurious empty fragment at exact multiples of 232.
 */
export function continuationCount(payloadSize: number): number {
  return payloadSize === 0 ? 0 : Math.floor((payloadSize - 1) / RM_RPC_MAX_CONTENT);
}

/** The packets for `msg`, each header + up to 232 payload bytes, in send order. */
export function fragmentMessage(msg: RpcMessage, options: FragmentOptions = {}): Uint8Array[] {
  const max = options.maxPayload ?? RM_RPC_MAX_MSG_SIZE;
  if (max > RM_RPC_MAX_MSG_SIZE) {
    throw new RmError('INVALID_FIELD', RM_ERROR.ARGUMENT_INVALID, `maxPayload ${max} exceeds RM_RPC_MAX_MSG_SIZE (${RM_RPC_MAX_MSG_SIZE}); the header cannot count more fragments.`);
  }
  const size = msg.payload.length;
  if (size > max) {
    throw new RmError(
      'MESSAGE_TOO_LARGE',
      RM_ERROR.MSG_INVALID,
      `RM RPC message 0x${(msg.msgId >>> 0).toString(16)} has a ${size}-byte payload; the limit is ${max} bytes (${RM_RPC_MAX_CONTENT} per fragment). Split the data across several requests.`,
    );
  }
  if (msg.type !== RM_RPC_MSG_TYPE.REQUEST && msg.type !== RM_RPC_MSG_TYPE.REPLY && msg.type !== RM_RPC_MSG_TYPE.NOTIFICATION) {
    throw new RmError('INVALID_FIELD', RM_ERROR.ARGUMENT_INVALID, `RM RPC message type ${String(msg.type)} cannot start a message; use REQUEST, REPLY or NOTIFICATION.`);
  }
  const numFragments = continuationCount(size);
  const packets: Uint8Array[] = [];
  for (let i = 0; i <= numFragments; i++) {
    const start = i * RM_RPC_MAX_CONTENT;
    const chunk = msg.payload.subarray(start, Math.min(size, start + RM_RPC_MAX_CONTENT));
    const packet = new Uint8Array(RM_RPC_HEADER_SIZE + chunk.length);
    encodeRpcHeader({ msg_type: i === 0 ? msg.type : RM_RPC_MSG_TYPE.CONTINUED, num_fragments: numFragments, seq_num: msg.seq, msg_id: msg.msgId }, packet);
    packet.set(chunk, RM_RPC_HEADER_SIZE);
    packets.push(packet);
  }
  return packets;
}
