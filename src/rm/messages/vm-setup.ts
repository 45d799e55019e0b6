// VM setup requests between CONFIG_IMAGE and START (gunyah.md §4.1): SET_TIME_BASE, SET_CONTEXT, SET_FIRMWARE_MEM,
// and Linux v15+/v17's SET_DEMAND_PAGING and SET_ADDRESS_LAYOUT, which RM bf31a9a does not implement.

import { ByteSink } from '../../binary/byte-sink.js';
import { struct, u16le, u32le, u64le, u8 } from '../../binary/struct.js';
import * as ID from './message-ids.js';
import { checkCount, defineMessage, EMPTY, fixedCodec, guardEncode, msgInvalid, ok, type PayloadCodec } from './payload-codec.js';

/** Gunyah ERROR_ARGUMENT_INVALID (gunyah.md §1.5): the hyp_err RM sends with a failure it did not get from the hypervisor. */
export const HYP_ERROR_ARGUMENT_INVALID = 1;

export const VM_SET_TIME_BASE_REQ = struct('vm_set_time_base_req', { vmid: u16le, pad: u16le, time_base: u64le, sys_timer_ref: u64le });
/** RM's later handler (vm_boot_ctx_req_t) refuses a non-zero res0 with MSG_INVALID. */
export const VM_SET_CONTEXT_REQ = struct('vm_set_context_req', { vmid: u16le, reg_set: u8, reg_index: u8, res0: u32le, value: u64le });
export const VM_SET_FIRMWARE_MEM_REQ = struct('vm_set_firmware_mem_req', { vmid: u16le, res0: u16le, mem_handle: u32le, fw_offset: u64le, fw_size: u64le });
export const VM_SET_DEMAND_PAGING_REQ = struct('vm_set_demand_paging_req', { vmid: u16le, pad: u16le, range_count: u32le });
export const ADDRESS_RANGE = struct('address_range', { base: u64le, size: u64le });
export const VM_SET_ADDRESS_LAYOUT_REQ = struct('vm_set_address_layout_req', { vmid: u16le, pad: u16le, range_id: u32le, base: u64le, size: u64le });

export interface VmSetDemandPagingRequest {
  vmid: number;
  ranges: readonly { readonly base: bigint; readonly size: bigint }[];
}

const demandPaging: PayloadCodec<VmSetDemandPagingRequest> = {
  size: undefined,
  encode: (v) => guardEncode('vm_set_demand_paging_req', () => {
    checkCount(v.ranges.length, 0xffff_ffff, 'VM_SET_DEMAND_PAGING range_count');
    const sink = new ByteSink().bytes(VM_SET_DEMAND_PAGING_REQ.encode({ vmid: v.vmid, range_count: v.ranges.length }));
    for (const r of v.ranges) sink.bytes(ADDRESS_RANGE.encode(r));
    return sink.toBytes();
  }),
  decode: (p) => {
    if (p.length < VM_SET_DEMAND_PAGING_REQ.size) return msgInvalid(`vm_set_demand_paging_req needs ${VM_SET_DEMAND_PAGING_REQ.size} bytes, got ${p.length}`);
    const head = VM_SET_DEMAND_PAGING_REQ.decode(p);
    const want = VM_SET_DEMAND_PAGING_REQ.size + head.range_count * ADDRESS_RANGE.size;
    if (p.length !== want) return msgInvalid(`vm_set_demand_paging_req with ${head.range_count} ranges must be ${want} bytes, got ${p.length}`);
    const ranges = [];
    for (let i = 0; i < head.range_count; i++) ranges.push(ADDRESS_RANGE.decode(p, VM_SET_DEMAND_PAGING_REQ.size + i * ADDRESS_RANGE.size));
    return ok({ vmid: head.vmid, ranges });
  },
};

/** Failed replies carry `u32 hyp_err` (ERROR_ARGUMENT_INVALID unless the vRTC call failed); success is std. */
export const VM_SET_TIME_BASE_DEF = defineMessage({
  id: ID.VM_SET_TIME_BASE, name: 'VM_SET_TIME_BASE', linuxName: undefined,
  request: fixedCodec(VM_SET_TIME_BASE_REQ, { ignored: ['pad'] }), reply: EMPTY, hypErrorOnFailure: true, rm: 'handled', precheck: undefined,
});

/** Linux v17 GUNYAH_RM_RPC_VM_SET_BOOT_CONTEXT; RM bf31a9a defines the id but answers UNIMPLEMENTED. */
export const VM_SET_CONTEXT_DEF = defineMessage({
  id: ID.VM_SET_CONTEXT, name: 'VM_SET_CONTEXT', linuxName: 'GUNYAH_RM_RPC_VM_SET_BOOT_CONTEXT',
  request: fixedCodec(VM_SET_CONTEXT_REQ, { mustBeZero: ['res0'] }), reply: EMPTY, hypErrorOnFailure: false, rm: 'unimplemented', precheck: undefined,
});

/** res0 != 0 -> MSG_INVALID with the length check; failures carry `u32 hyp_err` like SET_TIME_BASE. */
export const VM_SET_FIRMWARE_MEM_DEF = defineMessage({
  id: ID.VM_SET_FIRMWARE_MEM, name: 'VM_SET_FIRMWARE_MEM', linuxName: 'GH_RM_RPC_VM_SET_FIRMWARE_MEM',
  request: fixedCodec(VM_SET_FIRMWARE_MEM_REQ, { mustBeZero: ['res0'] }), reply: EMPTY, hypErrorOnFailure: true, rm: 'handled', precheck: undefined,
});

export const VM_SET_DEMAND_PAGING_DEF = defineMessage({
  id: ID.VM_SET_DEMAND_PAGING, name: 'VM_SET_DEMAND_PAGING', linuxName: 'GUNYAH_RM_RPC_VM_SET_DEMAND_PAGING',
  request: demandPaging, reply: EMPTY, hypErrorOnFailure: false, rm: 'unimplemented', precheck: undefined,
});

export const VM_SET_ADDRESS_LAYOUT_DEF = defineMessage({
  id: ID.VM_SET_ADDRESS_LAYOUT, name: 'VM_SET_ADDRESS_LAYOUT', linuxName: 'GUNYAH_RM_RPC_VM_SET_ADDRESS_LAYOUT',
  request: fixedCodec(VM_SET_ADDRESS_LAYOUT_REQ, { ignored: ['pad'] }), reply: EMPTY, hypErrorOnFailure: false, rm: 'unimplemented', precheck: undefined,
});
