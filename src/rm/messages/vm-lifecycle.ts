// VM lifecycle requests (gunyah.md §4.1, §6.1): ALLOCATE, DEALLOCATE, START, STOP, RESET, CONFIG_IMAGE, AUTH_IMAGE,
// INIT, EXIT. Length rules from RM src/vm_mgnt/vm_mgnt.c and src/vm_creation/vm_creation.c.

import { ByteSink } from '../../binary/byte-sink.js';
import { struct, u16le, u32le, u64le, u8 } from '../../binary/struct.js';
import { VM_EXIT_ALLOWED_CODES } from '../vm-constants.js';
import * as ID from './message-ids.js';
import {
  checkCount,
  defineMessage,
  EMPTY,
  fixedCodec,
  guardEncode,
  msgInvalid,
  ok,
  type CodecValue,
  type PayloadCodec,
} from './payload-codec.js';

/** VMID4: `@0 u16 vmid, @2 u16 pad`. RM reads only the vmid; the pad is never checked. */
export const VMID_REQ = struct('vmid_req', { vmid: u16le, pad: u16le });
export const VMID_REQUEST = fixedCodec(VMID_REQ, { ignored: ['pad'] });
export type VmidRequest = CodecValue<typeof VMID_REQUEST>;

export const VM_STOP_REQ = struct('vm_stop_req', { vmid: u16le, flags: u8, pad: u8, stop_reason: u32le });
export const VM_CONFIG_IMAGE_REQ = struct('vm_config_image_req', {
  vmid: u16le,
  auth_mech: u16le,
  mem_handle: u32le,
  image_offset: u64le,
  image_size: u64le,
  dtb_offset: u64le,
  dtb_size: u64le,
});
export const VM_AUTH_IMAGE_REQ = struct('vm_auth_req', { vmid: u16le, n_params: u16le });
export const VM_AUTH_PARAM = struct('vm_auth_param', { type: u32le, value: u32le });
export const VM_INIT_REQ = struct('vm_init_req', { vmid: u16le, res0: u16le });
export const VM_EXIT_REQ = struct('vm_exit_req', { exit_flags: u16le, exit_code: u8, res0: u8 });
/** A dynamic VM_ALLOCATE answers the new VMID as a u32 (Linux reads only the low 16 bits). */
export const VM_ALLOCATE_REPLY = struct('vm_allocate_reply', { vmid: u32le });

/** VM_ALLOCATE reply data: `{vmid}` for a dynamic allocation, `{}` (std reply) for a specific VMID. */
export type VmAllocateReply = { vmid?: number };

const allocateReply: PayloadCodec<VmAllocateReply> = {
  size: undefined,
  encode: (v) => (v.vmid === undefined ? new Uint8Array(0) : guardEncode('vm_allocate_reply', () => VM_ALLOCATE_REPLY.encode({ vmid: v.vmid! }))),
  decode: (p) => {
    if (p.length === 0) return ok({});
    if (p.length === VM_ALLOCATE_REPLY.size) return ok({ vmid: VM_ALLOCATE_REPLY.get(p, 'vmid') });
    return msgInvalid(`VM_ALLOCATE reply data must be 0 or 4 bytes, got ${p.length}`);
  },
};

export interface VmAuthImageRequest {
  vmid: number;
  params: readonly { readonly type: number; readonly value: number }[];
}

/** `@0 u16 vmid, @2 u16 n_params, @4 {u32 type, u32 value}[n]`; RM: len < 4 or len != 4 + 8n -> MSG_INVALID. */
const authImageRequest: PayloadCodec<VmAuthImageRequest> = {
  size: undefined,
  encode: (v) => guardEncode('vm_auth_req', () => {
    checkCount(v.params.length, 0xffff, 'VM_AUTH_IMAGE n_params');
    const sink = new ByteSink().bytes(VM_AUTH_IMAGE_REQ.encode({ vmid: v.vmid, n_params: v.params.length }));
    for (const p of v.params) sink.bytes(VM_AUTH_PARAM.encode(p));
    return sink.toBytes();
  }),
  decode: (p) => {
    if (p.length < VM_AUTH_IMAGE_REQ.size) return msgInvalid(`vm_auth_req needs ${VM_AUTH_IMAGE_REQ.size} bytes, got ${p.length}`);
    const head = VM_AUTH_IMAGE_REQ.decode(p);
    const want = VM_AUTH_IMAGE_REQ.size + head.n_params * VM_AUTH_PARAM.size;
    if (p.length !== want) return msgInvalid(`vm_auth_req with ${head.n_params} params must be ${want} bytes, got ${p.length}`);
    const params = [];
    for (let i = 0; i < head.n_params; i++) params.push(VM_AUTH_PARAM.decode(p, VM_AUTH_IMAGE_REQ.size + i * VM_AUTH_PARAM.size));
    return ok({ vmid: head.vmid, params });
  },
};

const std = EMPTY;

export const VM_ALLOCATE_DEF = defineMessage({
  id: ID.VM_ALLOCATE, name: 'VM_ALLOCATE', linuxName: 'GUNYAH_RM_RPC_VM_ALLOC_VMID',
  request: VMID_REQUEST, reply: allocateReply, hypErrorOnFailure: false, rm: 'handled', precheck: 'hlos-only',
});

export const VM_DEALLOCATE_DEF = defineMessage({
  id: ID.VM_DEALLOCATE, name: 'VM_DEALLOCATE', linuxName: 'GUNYAH_RM_RPC_VM_DEALLOC_VMID',
  request: VMID_REQUEST, reply: std, hypErrorOnFailure: false, rm: 'handled', precheck: undefined,
});

export const VM_START_DEF = defineMessage({
  id: ID.VM_START, name: 'VM_START', linuxName: 'GUNYAH_RM_RPC_VM_START',
  request: VMID_REQUEST, reply: std, hypErrorOnFailure: false, rm: 'handled', precheck: 'not-hyp',
});

/** RM never checks the pad byte, and reads stop_reason only without FORCE. */
export const VM_STOP_DEF = defineMessage({
  id: ID.VM_STOP, name: 'VM_STOP', linuxName: 'GUNYAH_RM_RPC_VM_STOP',
  request: fixedCodec(VM_STOP_REQ, { ignored: ['pad'] }), reply: std, hypErrorOnFailure: false, rm: 'handled', precheck: undefined,
});

export const VM_RESET_DEF = defineMessage({
  id: ID.VM_RESET, name: 'VM_RESET', linuxName: 'GUNYAH_RM_RPC_VM_RESET',
  request: VMID_REQUEST, reply: std, hypErrorOnFailure: false, rm: 'handled', precheck: undefined,
});

/** auth_mech is checked after the VM lookup and state check (unknown -> ARGUMENT_INVALID), so not here. */
export const VM_CONFIG_IMAGE_DEF = defineMessage({
  id: ID.VM_CONFIG_IMAGE, name: 'VM_CONFIG_IMAGE', linuxName: 'GUNYAH_RM_RPC_VM_CONFIG_IMAGE',
  request: fixedCodec(VM_CONFIG_IMAGE_REQ), reply: std, hypErrorOnFailure: false, rm: 'handled', precheck: 'hlos-only',
});

export const VM_AUTH_IMAGE_DEF = defineMessage({
  id: ID.VM_AUTH_IMAGE, name: 'VM_AUTH_IMAGE', linuxName: undefined,
  request: authImageRequest, reply: std, hypErrorOnFailure: false, rm: 'handled', precheck: 'hlos-only',
});

/** res0 must be 0 (checked together with the length). */
export const VM_INIT_DEF = defineMessage({
  id: ID.VM_INIT, name: 'VM_INIT', linuxName: 'GUNYAH_RM_RPC_VM_INIT',
  request: fixedCodec(VM_INIT_REQ, { mustBeZero: ['res0'] }), reply: std, hypErrorOnFailure: false, rm: 'handled', precheck: 'hlos-only',
});

/**
 * The caller exits itself. RM order: length 4, then crash-fatal caller -> ARGUMENT_INVALID, then res0 != 0 or an
 * exit_code outside {0, 1, 3, 4} -> MSG_INVALID; the decoder makes the length and field checks.
 */
export const VM_EXIT_DEF = defineMessage({
  id: ID.VM_EXIT, name: 'VM_EXIT', linuxName: undefined,
  request: fixedCodec(VM_EXIT_REQ, {
    mustBeZero: ['res0'],
    check: (v) => (VM_EXIT_ALLOWED_CODES.has(v.exit_code) ? undefined : msgInvalid(`VM_EXIT exit_code ${v.exit_code} is not NORMAL, SOFTWARE_ERROR, BUS_ERROR or DEVICE_ERROR`)),
  }),
  reply: std, hypErrorOnFailure: false, rm: 'handled', precheck: 'crash-fatal-refused',
});
