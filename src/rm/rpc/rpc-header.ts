// The 8-byte RM RPC header at the start of every message-queue packet (gunyah.md §3.1) and the transport limits
// (§2, §3.2): RM include/rm-rpc.h, src/rpc/rm-rpc.c (`write_rpc_header`, `read_rpc_header`).

import { struct, u16le, u32le, u8 } from '../../binary/struct.js';
import { RM_ERROR, RmError } from '../rm-error.js';

export const RM_RPC_API_VERSION = 1;
export const RM_RPC_HEADER_SIZE = 8;
export const RM_RPC_HEADER_WORDS = RM_RPC_HEADER_SIZE / 4;
/** Byte 0 of every valid header: header_words 2 in bits 7:4, api_version 1 in bits 3:0. */
export const RM_RPC_API = (RM_RPC_HEADER_WORDS << 4) | RM_RPC_API_VERSION;

/** RM_RPC_MESSAGE_SIZE: the message-queue message size of every RM-RPC link (Linux GUNYAH_RM_MSGQ_MSG_SIZE). */
export const RM_RPC_MESSAGE_SIZE = 240;
/** RM_RPC_MAX_CONTENT (Linux GUNYAH_RM_PAYLOAD_SIZE): payload bytes per fragment. */
export const RM_RPC_MAX_CONTENT = RM_RPC_MESSAGE_SIZE - RM_RPC_HEADER_SIZE;
/** RM_RPC_MAX_FRAGMENTS: the most continuation fragments after the first (num_fragments is 6 bits, capped at 62). */
export const RM_RPC_MAX_FRAGMENTS = 62;
/** RM_RPC_MAX_MSG_SIZE: first fragment + 62 continuations = 14616 bytes; RM refuses to reply or notify with more. */
export const RM_RPC_MAX_MSG_SIZE = RM_RPC_MAX_CONTENT * (RM_RPC_MAX_FRAGMENTS + 1);
/**
 * Linux's send limit, GUNYAH_RM_MAX_NUM_FRAGMENTS (62) x 232 = 14384: the kernel counts the first fragment among
 * the 62, so it never sends the 63rd fragment RM would accept (-E2BIG instead).
 */
export const GUNYAH_RM_LINUX_MAX_PAYLOAD = RM_RPC_MAX_FRAGMENTS * RM_RPC_MAX_CONTENT;

export const RM_RPC_MSG_TYPE = {
  CONTINUED: 0,
  REQUEST: 1,
  REPLY: 2,
  NOTIFICATION: 3,
} as const;

export type RmRpcMsgType = (typeof RM_RPC_MSG_TYPE)[keyof typeof RM_RPC_MSG_TYPE];
/** The type a whole message carries in its first fragment (continuations carry CONTINUED). */
export type RmRpcMessageType = Exclude<RmRpcMsgType, typeof RM_RPC_MSG_TYPE.CONTINUED>;

/** The header as bytes: two bit-packed bytes, then seq_num and msg_id little-endian. */
export const RM_RPC_HEADER = struct('rm_rpc_header', {
  api: u8,
  type_fragments: u8,
  seq_num: u16le,
  msg_id: u32le,
});

export interface HeaderBitField {
  readonly byte: 'api' | 'type_fragments';
  readonly shift: number;
  readonly width: number;
}

/** Linux RM_RPC_{API_VERSION,HEADER_WORDS,TYPE,FRAGMENTS}_MASK = GENMASK(3,0), (7,4), (1,0), (7,2). */
export const RM_RPC_HEADER_BITS = {
  api_version: { byte: 'api', shift: 0, width: 4 },
  header_words: { byte: 'api', shift: 4, width: 4 },
  msg_type: { byte: 'type_fragments', shift: 0, width: 2 },
  num_fragments: { byte: 'type_fragments', shift: 2, width: 6 },
} as const satisfies Readonly<Record<string, HeaderBitField>>;

export type RpcHeaderBitName = keyof typeof RM_RPC_HEADER_BITS;

export function getBits(byte: number, f: HeaderBitField): number {
  return (byte >>> f.shift) & ((1 << f.width) - 1);
}

/** `byte` with `f` replaced by `value`; throws when the value does not fit the field. */
export function setBits(byte: number, f: HeaderBitField, value: number, name = 'field'): number {
  const max = (1 << f.width) - 1;
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new RmError('INVALID_FIELD', RM_ERROR.ARGUMENT_INVALID, `RM RPC header ${name} ${String(value)} does not fit ${f.width} bits (0..${max}).`);
  }
  return ((byte & ~(max << f.shift)) | (value << f.shift)) & 0xff;
}

/** Every header field as read, before validation. */
export interface RpcHeader {
  readonly api_version: number;
  readonly header_words: number;
  readonly msg_type: RmRpcMsgType;
  readonly num_fragments: number;
  readonly seq_num: number;
  readonly msg_id: number;
}

/** Reads the first 8 bytes of `packet` (RangeError if shorter; the reassembler checks the length first). */
export function readRpcHeader(packet: Uint8Array): RpcHeader {
  const raw = RM_RPC_HEADER.decode(packet);
  return {
    api_version: getBits(raw.api, RM_RPC_HEADER_BITS.api_version),
    header_words: getBits(raw.api, RM_RPC_HEADER_BITS.header_words),
    msg_type: getBits(raw.type_fragments, RM_RPC_HEADER_BITS.msg_type) as RmRpcMsgType,
    num_fragments: getBits(raw.type_fragments, RM_RPC_HEADER_BITS.num_fragments),
    seq_num: raw.seq_num,
    msg_id: raw.msg_id,
  };
}

export type RpcHeaderProblem = 'bad-api-version' | 'bad-header-words' | 'too-many-fragments';

/** `read_rpc_header`'s checks, in its order; RM drops a packet failing any of them (it returns MSG_INVALID to do_recv). */
export function rpcHeaderProblem(h: RpcHeader): RpcHeaderProblem | undefined {
  if (h.api_version !== RM_RPC_API_VERSION) return 'bad-api-version';
  if (h.header_words !== RM_RPC_HEADER_WORDS) return 'bad-header-words';
  if (h.num_fragments > RM_RPC_MAX_FRAGMENTS) return 'too-many-fragments';
  return undefined;
}

/**
 * Writes a header with every field given, valid or not (tests build bad headers with it). Fields must fit their
 * bit widths, seq_num 16 bits and msg_id 32 bits.
 */
export function encodeRawRpcHeader(h: RpcHeader, out: Uint8Array = new Uint8Array(RM_RPC_HEADER_SIZE), at = 0): Uint8Array {
  const B = RM_RPC_HEADER_BITS;
  const api = setBits(setBits(0, B.api_version, h.api_version, 'api_version'), B.header_words, h.header_words, 'header_words');
  const tf = setBits(setBits(0, B.msg_type, h.msg_type, 'msg_type'), B.num_fragments, h.num_fragments, 'num_fragments');
  checkUint(h.seq_num, 0xffff, 'seq_num');
  checkUint(h.msg_id, 0xffff_ffff, 'msg_id');
  return RM_RPC_HEADER.encode({ api, type_fragments: tf, seq_num: h.seq_num, msg_id: h.msg_id }, out, at);
}

/** A valid header (api_version 1, header_words 2, at most 62 continuations), as RM and Linux send them. */
export function encodeRpcHeader(
  h: Pick<RpcHeader, 'msg_type' | 'num_fragments' | 'seq_num' | 'msg_id'>,
  out?: Uint8Array,
  at?: number,
): Uint8Array {
  if (!Number.isInteger(h.num_fragments) || h.num_fragments < 0 || h.num_fragments > RM_RPC_MAX_FRAGMENTS) {
    throw new RmError('INVALID_FIELD', RM_ERROR.MSG_INVALID, `RM RPC num_fragments ${String(h.num_fragments)} is not 0..${RM_RPC_MAX_FRAGMENTS}; split the message with fragmentMessage().`);
  }
  return encodeRawRpcHeader({ api_version: RM_RPC_API_VERSION, header_words: RM_RPC_HEADER_WORDS, ...h }, out, at);
}

function checkUint(v: number, max: number, name: string): void {
  if (!Number.isInteger(v) || v < 0 || v > max) {
    throw new RmError('INVALID_FIELD', RM_ERROR.ARGUMENT_INVALID, `RM RPC header ${name} ${String(v)} is not an integer in 0..${max}.`);
  }
}
