// VM_GET_HYP_RESOURCES (gunyah.md §4.1, §4.6): VMID4 request; reply `u32 n` then n packed 44-byte entries
// (RM vm_resource_msg.h rm_hyp_resource_resp_t = Linux struct gunyah_rm_hyp_resource).

import { ByteSink } from '../../binary/byte-sink.js';
import { struct, u16le, u32le, u64le, u8, type Values } from '../../binary/struct.js';
import * as ID from './message-ids.js';
import { defineMessage, guardEncode, msgInvalid, ok, type PayloadCodec } from './payload-codec.js';
import { VMID_REQUEST } from './vm-lifecycle.js';

/** cap_id: RM writes two u32 (lo, hi), the same bytes as one u64le. RM fills virq, never virq_handle. */
export const HYP_RESOURCE_ENTRY = struct('rm_hyp_resource', {
  type: u8,
  reserved: u8,
  partner_vmid: u16le,
  resource_handle: u32le,
  resource_label: u32le,
  cap_id: u64le,
  virq_handle: u32le,
  virq: u32le,
  base: u64le,
  size: u64le,
});
export const HYP_RESOURCES_HEADER = struct('rm_hyp_resources', { n_entries: u32le });

/** Resource types, RM names (Linux: BELL_TX, BELL_RX, MSGQ_TX, MSGQ_RX, VCPU; 9 and 10 are Linux v15+ only). */
export const HYP_RESOURCE_TYPE = {
  DOORBELL_SRC: 0,
  DOORBELL: 1,
  MSG_QUEUE_SEND: 2,
  MSG_QUEUE_RECV: 3,
  VIRTUAL_CPU: 4,
  VIRTUAL_PM: 5,
  VIRTIO_MMIO: 6,
  VRTC: 7,
  WATCHDOG: 8,
  MEM_EXTENT: 9,
  ADDR_SPACE: 10,
} as const;

/** One entry; `reserved` may be omitted when encoding (written as 0). */
export type HypResource = Omit<Values<typeof HYP_RESOURCE_ENTRY.fields>, 'reserved'> & { reserved?: number };

const hypResourcesReply: PayloadCodec<{ entries: readonly HypResource[] }> = {
  size: undefined,
  encode: (v) => guardEncode('VM_GET_HYP_RESOURCES reply', () => {
    const sink = new ByteSink().bytes(HYP_RESOURCES_HEADER.encode({ n_entries: v.entries.length }));
    for (const e of v.entries) sink.bytes(HYP_RESOURCE_ENTRY.encode(e));
    return sink.toBytes();
  }),
  decode: (p) => {
    if (p.length < HYP_RESOURCES_HEADER.size) return msgInvalid(`VM_GET_HYP_RESOURCES reply needs a u32 count, got ${p.length} bytes`);
    const n = HYP_RESOURCES_HEADER.get(p, 'n_entries');
    const want = HYP_RESOURCES_HEADER.size + n * HYP_RESOURCE_ENTRY.size;
    if (p.length !== want) return msgInvalid(`VM_GET_HYP_RESOURCES reply with ${n} entries must be ${want} bytes, got ${p.length}`);
    const entries: HypResource[] = [];
    for (let i = 0; i < n; i++) entries.push(HYP_RESOURCE_ENTRY.decode(p, HYP_RESOURCES_HEADER.size + i * HYP_RESOURCE_ENTRY.size));
    return ok({ entries });
  },
};

/** Needs a vm_config (after CONFIG_IMAGE), else NORESOURCE: a server check. */
export const VM_GET_HYP_RESOURCES_DEF = defineMessage({
  id: ID.VM_GET_HYP_RESOURCES, name: 'VM_GET_HYP_RESOURCES', linuxName: 'GUNYAH_RM_RPC_VM_GET_HYP_RESOURCES',
  request: VMID_REQUEST, reply: hypResourcesReply, hypErrorOnFailure: false, rm: 'handled', precheck: undefined,
});
