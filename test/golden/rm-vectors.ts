// README: golden byte vectors for the Gunyah Resource Manager RPC (gunyah.md §3.1 header, §3.2 fragments, §3.4 errors,
// §4.1-§4.3 and §4.6 layouts), written by hand from the reference tables, never produced by src/rm/; they exist to check
// that encoder/decoder. All wire fields are little-endian; pad/reserved bytes are zero and are not listed in `fields`.

export interface RmGoldenVector {
  readonly name: string;
  readonly msgId: number;
  readonly kind: 'request' | 'reply' | 'notification';
  readonly seq: number;
  /** The whole on-the-wire message as one packet: 8-byte header + payload, lowercase hex, spaces between bytes allowed. */
  readonly hex: string;
  /** The payload's fields by the reference's names (snake_case as in the tables), numbers as JS numbers, u64 as bigint, byte arrays as hex strings; for replies, `err` is the RM error code and the rest the reply data. */
  readonly fields: Readonly<Record<string, unknown>>;
  /** The reference section the layout comes from, e.g. '§4.1 VM_STOP'. */
  readonly source: string;
}

export interface RmGoldenFragmentVector {
  readonly name: string;
  readonly msgId: number;
  readonly kind: 'request' | 'reply' | 'notification';
  readonly seq: number;
  /** The reassembled payload (no headers), lowercase hex. */
  readonly payloadHex: string;
  /** Each message-queue packet in send order: 8-byte header + its slice of the payload, each at most 240 bytes. */
  readonly packetsHex: readonly string[];
  readonly source: string;
}

// Header bytes, spelled out once per vector below:
//   byte 0 = 0x21 (api_version 1 | header_words 2 << 4)
//   byte 1 = msg_type | num_fragments << 2   (single packet: 01 request, 02 reply, 03 notification)
//   bytes 2-3 = seq (LE16), bytes 4-7 = msg_id (LE32), e.g. 0x56000001 -> 01 00 00 56.

export const RM_GOLDEN_VECTORS: readonly RmGoldenVector[] = [
  // ---- VM_ALLOCATE 0x56000001 ----
  {
    name: 'VM_ALLOCATE request, dynamic (vmid 0)',
    msgId: 0x56000001, kind: 'request', seq: 0x0001,
    hex: [
      '21 01 01 00 01 00 00 56', // request, seq 1, VM_ALLOCATE
      '00 00 00 00',             // VMID4: vmid 0 = pick a dynamic VMID, pad
    ].join(' '),
    fields: { vmid: 0 },
    source: '§4.1 VM_ALLOCATE',
  },
  {
    // RM writes a u32; Linux reads only le16 of it. Same bytes either way for VMIDs < 0x10000.
    name: 'VM_ALLOCATE reply, dynamic vmid 0x80',
    msgId: 0x56000001, kind: 'reply', seq: 0x0001,
    hex: [
      '21 02 01 00 01 00 00 56', // reply, seq 1
      '00 00 00 00',             // err OK
      '80 00 00 00',             // u32 vmid 0x80 (first dynamic VMID)
    ].join(' '),
    fields: { err: 0, vmid: 0x80 },
    source: '§4.1 VM_ALLOCATE',
  },
  {
    name: 'VM_ALLOCATE request, specific vmid 0x2d',
    msgId: 0x56000001, kind: 'request', seq: 0x0002,
    hex: [
      '21 01 02 00 01 00 00 56',
      '2d 00 00 00', // vmid 45 (< 64, a static secondary VMID)
    ].join(' '),
    fields: { vmid: 0x2d },
    source: '§4.1 VM_ALLOCATE',
  },
  {
    name: 'VM_ALLOCATE reply, specific vmid (std reply OK)',
    msgId: 0x56000001, kind: 'reply', seq: 0x0002,
    hex: [
      '21 02 02 00 01 00 00 56',
      '00 00 00 00', // err OK, no data for a specific VMID
    ].join(' '),
    fields: { err: 0 },
    source: '§4.1 VM_ALLOCATE',
  },
  {
    // Error replies are the std reply (err only): RM's rm_standard_reply, whatever the success reply carries.
    name: 'VM_ALLOCATE reply, NORESOURCE (specific vmid not free)',
    msgId: 0x56000001, kind: 'reply', seq: 0x0003,
    hex: [
      '21 02 03 00 01 00 00 56',
      '02 00 00 00', // err NORESOURCE 0x2
    ].join(' '),
    fields: { err: 0x2 },
    source: '§4.1 VM_ALLOCATE, §3.4',
  },

  // ---- VM_DEALLOCATE 0x56000002 ----
  {
    name: 'VM_DEALLOCATE request',
    msgId: 0x56000002, kind: 'request', seq: 0x0010,
    hex: [
      '21 01 10 00 02 00 00 56',
      '80 00 00 00', // vmid 0x80, pad
    ].join(' '),
    fields: { vmid: 0x80 },
    source: '§4.1 VM_DEALLOCATE',
  },
  {
    name: 'VM_DEALLOCATE reply, OK',
    msgId: 0x56000002, kind: 'reply', seq: 0x0010,
    hex: '21 02 10 00 02 00 00 56 00 00 00 00',
    fields: { err: 0 },
    source: '§4.1 VM_DEALLOCATE',
  },
  {
    name: 'VM_DEALLOCATE reply, VM_STATE (not LOAD or RESET)',
    msgId: 0x56000002, kind: 'reply', seq: 0x0011,
    hex: [
      '21 02 11 00 02 00 00 56',
      '14 00 00 00', // err VM_STATE 0x14
    ].join(' '),
    fields: { err: 0x14 },
    source: '§4.1 VM_DEALLOCATE, §3.4',
  },

  // ---- VM_START 0x56000004 ----
  {
    name: 'VM_START request',
    msgId: 0x56000004, kind: 'request', seq: 0x0104,
    hex: [
      '21 01 04 01 04 00 00 56', // seq 0x0104 -> 04 01
      '80 00 00 00',
    ].join(' '),
    fields: { vmid: 0x80 },
    source: '§4.1 VM_START',
  },
  {
    name: 'VM_START reply, OK',
    msgId: 0x56000004, kind: 'reply', seq: 0x0104,
    hex: '21 02 04 01 04 00 00 56 00 00 00 00',
    fields: { err: 0 },
    source: '§4.1 VM_START',
  },
  {
    name: 'VM_START reply, VM_STATE (not READY)',
    msgId: 0x56000004, kind: 'reply', seq: 0x0105,
    hex: '21 02 05 01 04 00 00 56 14 00 00 00',
    fields: { err: 0x14 },
    source: '§4.1 VM_START, §3.4',
  },
  {
    name: 'VM_START reply, VMID_INVALID (unknown VM)',
    msgId: 0x56000004, kind: 'reply', seq: 0x0106,
    hex: '21 02 06 01 04 00 00 56 0d 00 00 00',
    fields: { err: 0xd },
    source: '§4.1 VM_START, §3.4',
  },

  // ---- VM_STOP 0x56000005 ----
  {
    name: 'VM_STOP request, FORCE, stop_reason 3 (Linux v10+)',
    msgId: 0x56000005, kind: 'request', seq: 0x0205,
    hex: [
      '21 01 05 02 05 00 00 56',
      '80 00',       // @0 u16 vmid 0x80
      '01',          // @2 u8 flags: bit0 FORCE
      '00',          // @3 u8 pad
      '03 00 00 00', // @4 u32 stop_reason 3 (GUNYAH_RM_VM_STOP_REASON_FORCE_STOP)
    ].join(' '),
    fields: { vmid: 0x80, flags: 1, stop_reason: 3 },
    source: '§4.1 VM_STOP',
  },
  {
    name: 'VM_STOP reply, OK',
    msgId: 0x56000005, kind: 'reply', seq: 0x0205,
    hex: '21 02 05 02 05 00 00 56 00 00 00 00',
    fields: { err: 0 },
    source: '§4.1 VM_STOP',
  },
  {
    // Without FORCE, RM copies these 4 stop_reason bytes verbatim into NOTIFY_VM_SHUTDOWN (vector below).
    name: 'VM_STOP request, no FORCE, stop_reason 0x01020304',
    msgId: 0x56000005, kind: 'request', seq: 0x0206,
    hex: [
      '21 01 06 02 05 00 00 56',
      '80 00 00 00', // vmid 0x80, flags 0, pad
      '04 03 02 01', // stop_reason 0x01020304
    ].join(' '),
    fields: { vmid: 0x80, flags: 0, stop_reason: 0x01020304 },
    source: '§4.1 VM_STOP',
  },
  {
    name: 'VM_STOP reply, VM_STATE (cannot enter EXITED)',
    msgId: 0x56000005, kind: 'reply', seq: 0x0207,
    hex: '21 02 07 02 05 00 00 56 14 00 00 00',
    fields: { err: 0x14 },
    source: '§4.1 VM_STOP, §3.4',
  },
  {
    name: 'VM_STOP reply, VMID_INVALID (caller not owner)',
    msgId: 0x56000005, kind: 'reply', seq: 0x0208,
    hex: '21 02 08 02 05 00 00 56 0d 00 00 00',
    fields: { err: 0xd },
    source: '§4.1 VM_STOP, §3.4',
  },

  // ---- VM_RESET 0x56000006 ----
  {
    name: 'VM_RESET request',
    msgId: 0x56000006, kind: 'request', seq: 0x0306,
    hex: '21 01 06 03 06 00 00 56 80 00 00 00',
    fields: { vmid: 0x80 },
    source: '§4.1 VM_RESET',
  },
  {
    name: 'VM_RESET reply, OK',
    msgId: 0x56000006, kind: 'reply', seq: 0x0306,
    hex: '21 02 06 03 06 00 00 56 00 00 00 00',
    fields: { err: 0 },
    source: '§4.1 VM_RESET',
  },
  {
    name: 'VM_RESET reply, VMID_INVALID (caller not owner)',
    msgId: 0x56000006, kind: 'reply', seq: 0x0307,
    hex: '21 02 07 03 06 00 00 56 0d 00 00 00',
    fields: { err: 0xd },
    source: '§4.1 VM_RESET, §3.4',
  },

  // ---- VM_CONFIG_IMAGE 0x56000009 (40-byte request) ----
  {
    name: 'VM_CONFIG_IMAGE request, Linux style (image 0/0, DTB at 1 MiB)',
    msgId: 0x56000009, kind: 'request', seq: 0x0909,
    hex: [
      '21 01 09 09 09 00 00 56',
      '80 00',                   // @0 vmid 0x80
      '00 00',                   // @2 auth_mech 0 NONE
      '44 33 22 11',             // @4 mem_handle 0x11223344
      '00 00 00 00 00 00 00 00', // @8 image_offset 0
      '00 00 00 00 00 00 00 00', // @16 image_size 0
      '00 00 10 00 00 00 00 00', // @24 dtb_offset 0x100000
      '00 20 00 00 00 00 00 00', // @32 dtb_size 0x2000
    ].join(' '),
    fields: {
      vmid: 0x80, auth_mech: 0, mem_handle: 0x11223344,
      image_offset: 0n, image_size: 0n, dtb_offset: 0x100000n, dtb_size: 0x2000n,
    },
    source: '§4.1 VM_CONFIG_IMAGE',
  },
  {
    name: 'VM_CONFIG_IMAGE reply, OK',
    msgId: 0x56000009, kind: 'reply', seq: 0x0909,
    hex: '21 02 09 09 09 00 00 56 00 00 00 00',
    fields: { err: 0 },
    source: '§4.1 VM_CONFIG_IMAGE',
  },
  {
    // Wire-only values (RM would refuse these ranges): every u64 has distinct bytes, two exceed 2^32, one 2^63.
    name: 'VM_CONFIG_IMAGE request, ANDROID auth, u64 values above 2^32',
    msgId: 0x56000009, kind: 'request', seq: 0x1234,
    hex: [
      '21 01 34 12 09 00 00 56', // seq 0x1234 -> 34 12
      '81 00',                   // @0 vmid 0x81
      '02 00',                   // @2 auth_mech 2 ANDROID
      '98 ba dc fe',             // @4 mem_handle 0xfedcba98
      '78 56 34 12 01 00 00 00', // @8 image_offset 0x0000000112345678
      '00 00 40 00 02 00 00 00', // @16 image_size 0x0000000200400000
      '11 22 33 44 55 66 77 88', // @24 dtb_offset 0x8877665544332211
      '00 40 00 00 00 00 00 00', // @32 dtb_size 0x4000
    ].join(' '),
    fields: {
      vmid: 0x81, auth_mech: 2, mem_handle: 0xfedcba98,
      image_offset: 0x0000000112345678n, image_size: 0x0000000200400000n,
      dtb_offset: 0x8877665544332211n, dtb_size: 0x4000n,
    },
    source: '§4.1 VM_CONFIG_IMAGE',
  },
  {
    name: 'VM_CONFIG_IMAGE reply, MEM_INVALID (parcel ACL lacks the VM)',
    msgId: 0x56000009, kind: 'reply', seq: 0x1234,
    hex: '21 02 34 12 09 00 00 56 0a 00 00 00',
    fields: { err: 0xa },
    source: '§4.1 VM_CONFIG_IMAGE, §3.4',
  },

  // ---- VM_INIT 0x5600000B ----
  {
    name: 'VM_INIT request',
    msgId: 0x5600000b, kind: 'request', seq: 0x0b0b,
    hex: [
      '21 01 0b 0b 0b 00 00 56',
      '80 00 00 00', // @0 vmid 0x80, @2 res0 0
    ].join(' '),
    fields: { vmid: 0x80 },
    source: '§4.1 VM_INIT',
  },
  {
    name: 'VM_INIT reply, OK',
    msgId: 0x5600000b, kind: 'reply', seq: 0x0b0b,
    hex: '21 02 0b 0b 0b 00 00 56 00 00 00 00',
    fields: { err: 0 },
    source: '§4.1 VM_INIT',
  },
  {
    name: 'VM_INIT reply, ARGUMENT_INVALID (bad VM-config DT)',
    msgId: 0x5600000b, kind: 'reply', seq: 0x0b0c,
    hex: '21 02 0c 0b 0b 00 00 56 06 00 00 00',
    fields: { err: 0x6 },
    source: '§4.1 VM_INIT, §3.4',
  },

  // ---- VM_GET_ID 0x56000010 ----
  {
    name: 'VM_GET_ID request, vmid 0x80',
    msgId: 0x56000010, kind: 'request', seq: 0x0020,
    hex: '21 01 20 00 10 00 00 56 80 00 00 00',
    fields: { vmid: 0x80 },
    source: '§4.1 VM_GET_ID',
  },
  {
    // Minimal reading of the table (GUID is the one entry always present). RM (RM-2306 source) also always appends a
    // SIGN_AUTH entry; see the next vector for that shape.
    name: 'VM_GET_ID reply, GUID entry only',
    msgId: 0x56000010, kind: 'reply', seq: 0x0020,
    hex: [
      '21 02 20 00 10 00 00 56',
      '00 00 00 00', // err OK
      '01 00 00 00', // n_ids 1
      '00 00 10 00', // type 0 GUID, pad, len 16
      '12 34 56 78 9a bc de f0 01 23 45 67 89 ab cd ef', // GUID bytes in string order (16, already 4-aligned)
    ].join(' '),
    fields: {
      err: 0, n_ids: 1,
      entries: [{ type: 0, len: 16, data: '123456789abcdef00123456789abcdef' }],
    },
    source: '§4.1 VM_GET_ID',
  },
  {
    name: 'VM_GET_ID request, vmid 0 (self)',
    msgId: 0x56000010, kind: 'request', seq: 0x0021,
    hex: '21 01 21 00 10 00 00 56 00 00 00 00',
    fields: { vmid: 0 },
    source: '§4.1 VM_GET_ID',
  },
  {
    // Entry order GUID, NAME, (URI), SIGN_AUTH follows RM's vm_mgnt_handle_get_id; each entry's data is zero-padded to 4.
    // The NAME and SIGN_AUTH strings are illustrative.
    name: 'VM_GET_ID reply, GUID + NAME (9 B, pad 3) + SIGN_AUTH (7 B, pad 1)',
    msgId: 0x56000010, kind: 'reply', seq: 0x0021,
    hex: [
      '21 02 21 00 10 00 00 56',
      '00 00 00 00', // err OK
      '03 00 00 00', // n_ids 3
      '00 00 10 00', // GUID: type 0, pad, len 16
      '12 34 56 78 9a bc de f0 01 23 45 67 89 ab cd ef',
      '02 00 09 00', // NAME: type 2, pad, len 9
      '63 72 6f 73 76 6d 2d 76 6d 00 00 00', // "crosvm-vm" + 3 zero bytes
      '03 00 07 00', // SIGN_AUTH: type 3, pad, len 7
      '61 6e 64 72 6f 69 64 00', // "android" + 1 zero byte
    ].join(' '),
    fields: {
      err: 0, n_ids: 3,
      entries: [
        { type: 0, len: 16, data: '123456789abcdef00123456789abcdef' },
        { type: 2, len: 9, data: '63726f73766d2d766d' },
        { type: 3, len: 7, data: '616e64726f6964' },
      ],
    },
    source: '§4.1 VM_GET_ID',
  },
  {
    name: 'VM_GET_ID reply, VM_STATE (not READY/RUNNING/PAUSED)',
    msgId: 0x56000010, kind: 'reply', seq: 0x0022,
    hex: '21 02 22 00 10 00 00 56 14 00 00 00',
    fields: { err: 0x14 },
    source: '§4.1 VM_GET_ID, §3.4',
  },

  // ---- VM_GET_STATE 0x56000017 ----
  {
    name: 'VM_GET_STATE request',
    msgId: 0x56000017, kind: 'request', seq: 0x0030,
    hex: '21 01 30 00 17 00 00 56 80 00 00 00',
    fields: { vmid: 0x80 },
    source: '§4.1 VM_GET_STATE',
  },
  {
    name: 'VM_GET_STATE reply, RUNNING / RUN / app_status 0xbeef',
    msgId: 0x56000017, kind: 'reply', seq: 0x0030,
    hex: [
      '21 02 30 00 17 00 00 56',
      '00 00 00 00', // err OK
      '03 04 ef be', // u32 0xbeef0403 = vm_state 3 | os_state 4 << 8 | app_status 0xbeef << 16
    ].join(' '),
    fields: { err: 0, vm_state: 3, os_state: 4, app_status: 0xbeef },
    source: '§4.1 VM_GET_STATE, §4.3',
  },
  {
    // The table names no code; DENIED is what RM's is_vm_query_allowed failure returns (RM-2306 source).
    name: 'VM_GET_STATE reply, DENIED (caller not self, owner or peer)',
    msgId: 0x56000017, kind: 'reply', seq: 0x0031,
    hex: '21 02 31 00 17 00 00 56 03 00 00 00',
    fields: { err: 0x3 },
    source: '§4.1 VM_GET_STATE, §3.4',
  },

  // ---- VM_GET_CRASH_MSG 0x56000019 ----
  {
    name: 'VM_GET_CRASH_MSG request',
    msgId: 0x56000019, kind: 'request', seq: 0x0040,
    hex: '21 01 40 00 19 00 00 56 80 00 00 00',
    fields: { vmid: 0x80 },
    source: '§4.1 VM_GET_CRASH_MSG',
  },
  {
    name: 'VM_GET_CRASH_MSG reply, 11-byte message padded to 12',
    msgId: 0x56000019, kind: 'reply', seq: 0x0040,
    hex: [
      '21 02 40 00 19 00 00 56',
      '00 00 00 00',                         // err OK
      '0b 00 00 00',                         // @0 u16 len 11, @2 pad
      '6b 65 72 6e 65 6c 20 42 55 47 21 00', // "kernel BUG!" + 1 zero byte
    ].join(' '),
    fields: { err: 0, len: 11, msg: '6b65726e656c2042554721' },
    source: '§4.1 VM_GET_CRASH_MSG',
  },
  {
    name: 'VM_GET_CRASH_MSG reply, no message (len 0)',
    msgId: 0x56000019, kind: 'reply', seq: 0x0041,
    hex: '21 02 41 00 19 00 00 56 00 00 00 00 00 00 00 00',
    fields: { err: 0, len: 0, msg: '' },
    source: '§4.1 VM_GET_CRASH_MSG',
  },
  {
    name: 'VM_GET_CRASH_MSG reply, VMID_INVALID (caller not owner)',
    msgId: 0x56000019, kind: 'reply', seq: 0x0042,
    hex: '21 02 42 00 19 00 00 56 0d 00 00 00',
    fields: { err: 0xd },
    source: '§4.1 VM_GET_CRASH_MSG, §6.1, §3.4',
  },

  // ---- VM_GET_HYP_RESOURCES 0x56000020 (44-byte entries, §4.6) ----
  {
    name: 'VM_GET_HYP_RESOURCES request',
    msgId: 0x56000020, kind: 'request', seq: 0x0050,
    hex: '21 01 50 00 20 00 00 56 80 00 00 00',
    fields: { vmid: 0x80 },
    source: '§4.1 VM_GET_HYP_RESOURCES',
  },
  {
    // cap_id, base and size: RM writes each as two u32 (lo, hi), the same bytes as one LE u64. RM never sets
    // virq_handle; we expect it zero.
    name: 'VM_GET_HYP_RESOURCES reply, VCPU + VIRTIO_MMIO entries',
    msgId: 0x56000020, kind: 'reply', seq: 0x0050,
    hex: [
      '21 02 50 00 20 00 00 56',
      '00 00 00 00', // err OK
      '02 00 00 00', // n 2
      // entry 0: VIRTUAL_CPU
      '04 00 80 00',             // @0 type 4, @1 reserved, @2 partner_vmid 0x80
      '01 a0 00 00',             // @4 resource_handle 0xa001
      '00 00 00 00',             // @8 resource_label 0 (vCPU 0)
      '2c 01 00 00 00 00 00 00', // @12 cap_id 0x12c
      '00 00 00 00',             // @20 virq_handle (unset)
      '40 00 00 00',             // @24 virq 64 (SPI 32)
      '00 00 00 00 00 00 00 00', // @28 base 0
      '00 00 00 00 00 00 00 00', // @36 size 0
      // entry 1: VIRTIO_MMIO
      '06 00 80 00',             // type 6, reserved, partner_vmid 0x80
      '02 a0 00 00',             // resource_handle 0xa002
      '07 00 00 00',             // resource_label 7
      '89 67 45 23 01 00 00 00', // cap_id 0x0000000123456789
      '00 00 00 00',             // virq_handle (unset)
      '4d 00 00 00',             // virq 77
      '00 00 00 80 01 00 00 00', // base 0x0000000180000000
      '00 10 00 00 00 00 00 00', // size 0x1000
    ].join(' '),
    fields: {
      err: 0, n: 2,
      entries: [
        {
          type: 4, partner_vmid: 0x80, resource_handle: 0xa001, resource_label: 0,
          cap_id: 0x12cn, virq_handle: 0, virq: 64, base: 0n, size: 0n,
        },
        {
          type: 6, partner_vmid: 0x80, resource_handle: 0xa002, resource_label: 7,
          cap_id: 0x0000000123456789n, virq_handle: 0, virq: 77, base: 0x0000000180000000n, size: 0x1000n,
        },
      ],
    },
    source: '§4.1 VM_GET_HYP_RESOURCES, §4.6',
  },
  {
    name: 'VM_GET_HYP_RESOURCES reply, NORESOURCE (no vm_config yet)',
    msgId: 0x56000020, kind: 'reply', seq: 0x0051,
    hex: '21 02 51 00 20 00 00 56 02 00 00 00',
    fields: { err: 0x2 },
    source: '§4.1 VM_GET_HYP_RESOURCES, §3.4',
  },

  // ---- VM_GET_VMID 0x56000024 ----
  {
    name: 'VM_GET_VMID request (empty payload, seq 0xffff)',
    msgId: 0x56000024, kind: 'request', seq: 0xffff,
    hex: '21 01 ff ff 24 00 00 56',
    fields: {},
    source: '§4.1 VM_GET_VMID',
  },
  {
    name: 'VM_GET_VMID reply, caller is HLOS (3)',
    msgId: 0x56000024, kind: 'reply', seq: 0xffff,
    hex: [
      '21 02 ff ff 24 00 00 56',
      '00 00 00 00', // err OK
      '03 00 00 00', // u32 vmid 3 (HLOS)
    ].join(' '),
    fields: { err: 0, vmid: 3 },
    source: '§4.1 VM_GET_VMID, §4 special VMIDs',
  },
  {
    // What RM answers to L-v6's 4-byte GET_VMID request: the length must be 0.
    name: 'VM_GET_VMID reply, MSG_INVALID (non-empty request)',
    msgId: 0x56000024, kind: 'reply', seq: 0xfffe,
    hex: '21 02 fe ff 24 00 00 56 04 00 00 00',
    fields: { err: 0x4 },
    source: '§4.1 VM_GET_VMID, §3.4',
  },

  // ---- VM_GET_PEERS 0x56000025 ----
  {
    name: 'VM_GET_PEERS request (empty payload)',
    msgId: 0x56000025, kind: 'request', seq: 0x0060,
    hex: '21 01 60 00 25 00 00 56',
    fields: {},
    source: '§4.1 VM_GET_PEERS',
  },
  {
    name: 'VM_GET_PEERS reply, two peers',
    msgId: 0x56000025, kind: 'reply', seq: 0x0060,
    hex: [
      '21 02 60 00 25 00 00 56',
      '00 00 00 00', // err OK
      '02 00 00 00', // count 2
      '80 00 00 00', // vmid[0] 0x80 (u32 each)
      '81 00 00 00', // vmid[1] 0x81
    ].join(' '),
    fields: { err: 0, count: 2, vmid: [0x80, 0x81] },
    source: '§4.1 VM_GET_PEERS',
  },

  // ---- VM_GET_OWNER 0x56000015 ----
  {
    name: 'VM_GET_OWNER request (empty payload)',
    msgId: 0x56000015, kind: 'request', seq: 0x0070,
    hex: '21 01 70 00 15 00 00 56',
    fields: {},
    source: '§4.1 VM_GET_OWNER',
  },
  {
    name: 'VM_GET_OWNER reply, owner HLOS (3)',
    msgId: 0x56000015, kind: 'reply', seq: 0x0070,
    hex: '21 02 70 00 15 00 00 56 00 00 00 00 03 00 00 00',
    fields: { err: 0, owner: 3 },
    source: '§4.1 VM_GET_OWNER',
  },

  // ---- VM_SET_TIME_BASE 0x56000030 (20 bytes, u64 at unaligned offsets 4 and 12) ----
  {
    name: 'VM_SET_TIME_BASE request',
    msgId: 0x56000030, kind: 'request', seq: 0x0300,
    hex: [
      '21 01 00 03 30 00 00 56',
      '80 00 00 00',             // @0 vmid 0x80, @2 pad
      '78 56 34 12 bc 0a 00 00', // @4 time_base 0x00000abc12345678
      '87 a9 cb ed 0f 00 00 00', // @12 sys_timer_ref 0x0000000fedcba987
    ].join(' '),
    fields: { vmid: 0x80, time_base: 0x00000abc12345678n, sys_timer_ref: 0x0000000fedcba987n },
    source: '§4.1 VM_SET_TIME_BASE',
  },
  {
    name: 'VM_SET_TIME_BASE reply, OK',
    msgId: 0x56000030, kind: 'reply', seq: 0x0300,
    hex: '21 02 00 03 30 00 00 56 00 00 00 00',
    fields: { err: 0 },
    source: '§4.1 VM_SET_TIME_BASE',
  },
  {
    // Ambiguous: the table says "std, or err + u32 hyp_err". RM (RM-2306 source, rm_reply_error) appends hyp_err on
    // every error and leaves it at its initial ERROR_ARGUMENT_INVALID (1) unless the vRTC hypercall set it; we follow
    // that. The alternative reading (std reply for RM-level errors such as VM_STATE) would be 4 bytes shorter.
    name: 'VM_SET_TIME_BASE reply, VM_STATE with hyp_err 1',
    msgId: 0x56000030, kind: 'reply', seq: 0x0301,
    hex: [
      '21 02 01 03 30 00 00 56',
      '14 00 00 00', // err VM_STATE (not INIT or READY)
      '01 00 00 00', // u32 hyp_err 1 (Gunyah ARGUMENT_INVALID)
    ].join(' '),
    fields: { err: 0x14, hyp_err: 1 },
    source: '§4.1 VM_SET_TIME_BASE, §3.4, §1.5',
  },

  // ---- VM_SET_CONTEXT 0x56000031 (16 bytes) ----
  {
    name: 'VM_SET_CONTEXT request, PC = 0x80080000',
    msgId: 0x56000031, kind: 'request', seq: 0x0310,
    hex: [
      '21 01 10 03 31 00 00 56',
      '80 00',                   // @0 vmid 0x80
      '01',                      // @2 reg_set 1 PC
      '00',                      // @3 reg_index 0
      '00 00 00 00',             // @4 pad
      '00 00 08 80 00 00 00 00', // @8 value 0x80080000
    ].join(' '),
    fields: { vmid: 0x80, reg_set: 1, reg_index: 0, value: 0x80080000n },
    source: '§4.1 VM_SET_CONTEXT',
  },
  {
    // RM bf31a9a defines the id but does not handle it (§9).
    name: 'VM_SET_CONTEXT reply, UNIMPLEMENTED (RM bf31a9a)',
    msgId: 0x56000031, kind: 'reply', seq: 0x0310,
    hex: '21 02 10 03 31 00 00 56 ff ff ff ff',
    fields: { err: 0xffffffff },
    source: '§4.1 VM_SET_CONTEXT, §3.4, §9',
  },
  {
    name: 'VM_SET_CONTEXT request, X5 = 0x123456789abcdef0',
    msgId: 0x56000031, kind: 'request', seq: 0x0311,
    hex: [
      '21 01 11 03 31 00 00 56',
      '80 00 00 05',             // vmid 0x80, reg_set 0 X, reg_index 5
      '00 00 00 00',             // pad
      'f0 de bc 9a 78 56 34 12', // value 0x123456789abcdef0
    ].join(' '),
    fields: { vmid: 0x80, reg_set: 0, reg_index: 5, value: 0x123456789abcdef0n },
    source: '§4.1 VM_SET_CONTEXT',
  },
  {
    // The std OK a Qualcomm RM that implements the message (v17/ACK15 expectation) would send.
    name: 'VM_SET_CONTEXT reply, OK',
    msgId: 0x56000031, kind: 'reply', seq: 0x0311,
    hex: '21 02 11 03 31 00 00 56 00 00 00 00',
    fields: { err: 0 },
    source: '§4.1 VM_SET_CONTEXT',
  },

  // ---- VM_SET_FIRMWARE_MEM 0x56000032 (24 bytes) ----
  {
    name: 'VM_SET_FIRMWARE_MEM request',
    msgId: 0x56000032, kind: 'request', seq: 0x0320,
    hex: [
      '21 01 20 03 32 00 00 56',
      '80 00 00 00',             // @0 vmid 0x80, @2 res0 0
      '21 43 65 87',             // @4 mem_handle 0x87654321
      '00 00 00 00 01 00 00 00', // @8 fw_offset 0x100000000 (4 GiB)
      '00 00 20 00 00 00 00 00', // @16 fw_size 0x200000
    ].join(' '),
    fields: { vmid: 0x80, mem_handle: 0x87654321, fw_offset: 0x100000000n, fw_size: 0x200000n },
    source: '§4.1 VM_SET_FIRMWARE_MEM',
  },
  {
    name: 'VM_SET_FIRMWARE_MEM reply, OK',
    msgId: 0x56000032, kind: 'reply', seq: 0x0320,
    hex: '21 02 20 03 32 00 00 56 00 00 00 00',
    fields: { err: 0 },
    source: '§4.1 VM_SET_FIRMWARE_MEM',
  },
  {
    // Same reading as VM_SET_TIME_BASE: RM appends hyp_err (still its initial ARGUMENT_INVALID = 1) on every error.
    name: 'VM_SET_FIRMWARE_MEM reply, VM_STATE with hyp_err 1',
    msgId: 0x56000032, kind: 'reply', seq: 0x0321,
    hex: '21 02 21 03 32 00 00 56 14 00 00 00 01 00 00 00',
    fields: { err: 0x14, hyp_err: 1 },
    source: '§4.1 VM_SET_FIRMWARE_MEM, §3.4',
  },

  // ---- VM_SET_STATUS 0x56000080 ----
  {
    name: 'VM_SET_STATUS request, os_status RUN, app_status 0x1234',
    msgId: 0x56000080, kind: 'request', seq: 0x0500,
    hex: [
      '21 01 00 05 80 00 00 56',
      '00',    // @0 u8 ignored
      '04',    // @1 os_status 4 RUN
      '34 12', // @2 app_status 0x1234
    ].join(' '),
    fields: { os_status: 4, app_status: 0x1234 },
    source: '§4.1 VM_SET_STATUS, §4.3',
  },
  {
    name: 'VM_SET_STATUS reply, OK',
    msgId: 0x56000080, kind: 'reply', seq: 0x0500,
    hex: '21 02 00 05 80 00 00 56 00 00 00 00',
    fields: { err: 0 },
    source: '§4.1 VM_SET_STATUS',
  },
  {
    name: 'VM_SET_STATUS reply, DENIED (dynamic VMID caller)',
    msgId: 0x56000080, kind: 'reply', seq: 0x0501,
    hex: '21 02 01 05 80 00 00 56 03 00 00 00',
    fields: { err: 0x3 },
    source: '§4.1 VM_SET_STATUS, §3.4',
  },

  // ---- VM_EXIT 0x56000085 ----
  {
    name: 'VM_EXIT request, exit_flags RESTART, exit_code BUS_ERROR',
    msgId: 0x56000085, kind: 'request', seq: 0x0400,
    hex: [
      '21 01 00 04 85 00 00 56',
      '01 00', // @0 exit_flags 0x0001
      '03',    // @2 exit_code 3 BUS_ERROR
      '00',    // @3 res0
    ].join(' '),
    fields: { exit_flags: 1, exit_code: 3 },
    source: '§4.1 VM_EXIT, §4.2',
  },
  {
    name: 'VM_EXIT reply, OK',
    msgId: 0x56000085, kind: 'reply', seq: 0x0400,
    hex: '21 02 00 04 85 00 00 56 00 00 00 00',
    fields: { err: 0 },
    source: '§4.1 VM_EXIT',
  },
  {
    name: 'VM_EXIT request, exit_code 2 (refused by RM)',
    msgId: 0x56000085, kind: 'request', seq: 0x0401,
    hex: '21 01 01 04 85 00 00 56 00 00 02 00',
    fields: { exit_flags: 0, exit_code: 2 },
    source: '§4.1 VM_EXIT',
  },
  {
    name: 'VM_EXIT reply, MSG_INVALID (exit_code 2)',
    msgId: 0x56000085, kind: 'reply', seq: 0x0401,
    hex: '21 02 01 04 85 00 00 56 04 00 00 00',
    fields: { err: 0x4 },
    source: '§4.1 VM_EXIT, §3.4',
  },

  // ---- VM_SET_CRASH_MSG 0x56000086 (the producer of GET_CRASH_MSG's text) ----
  {
    name: 'VM_SET_CRASH_MSG request, 11-byte message padded to 12',
    msgId: 0x56000086, kind: 'request', seq: 0x0600,
    hex: [
      '21 01 00 06 86 00 00 56',
      '0b 00 00 00',                         // @0 len 11, @2 pad
      '6b 65 72 6e 65 6c 20 42 55 47 21 00', // "kernel BUG!" + 1 zero byte
    ].join(' '),
    fields: { len: 11, msg: '6b65726e656c2042554721' },
    source: '§4.1 VM_SET_CRASH_MSG',
  },
  {
    name: 'VM_SET_CRASH_MSG reply, OK',
    msgId: 0x56000086, kind: 'reply', seq: 0x0600,
    hex: '21 02 00 06 86 00 00 56 00 00 00 00',
    fields: { err: 0 },
    source: '§4.1 VM_SET_CRASH_MSG',
  },

  // ---- VM_HOST_GET_TYPE 0x560000A0 ----
  {
    name: 'VM_HOST_GET_TYPE request (empty payload)',
    msgId: 0x560000a0, kind: 'request', seq: 0x0700,
    hex: '21 01 00 07 a0 00 00 56',
    fields: {},
    source: '§4.1 VM_HOST_GET_TYPE',
  },
  {
    name: 'VM_HOST_GET_TYPE reply, 0x01000164',
    msgId: 0x560000a0, kind: 'reply', seq: 0x0700,
    hex: [
      '21 02 00 07 a0 00 00 56',
      '00 00 00 00', // err OK
      '64 01 00 01', // u32 0x01000164: 0x64 AArch64, 0x01 Gunyah+RM, 0x00, version 1
    ].join(' '),
    fields: { err: 0, host_type: 0x01000164 },
    source: '§4.1 VM_HOST_GET_TYPE',
  },

  // ---- An id RM does not know ----
  {
    name: 'unknown id 0x12345678 request (empty payload)',
    msgId: 0x12345678, kind: 'request', seq: 0x0800,
    hex: '21 01 00 08 78 56 34 12',
    fields: {},
    source: '§3.2 RM receiving',
  },
  {
    name: 'unknown id 0x12345678 reply, UNIMPLEMENTED',
    msgId: 0x12345678, kind: 'reply', seq: 0x0800,
    hex: [
      '21 02 00 08 78 56 34 12', // msg_id echoed
      'ff ff ff ff',             // err UNIMPLEMENTED 0xffffffff
    ].join(' '),
    fields: { err: 0xffffffff },
    source: '§3.2 RM receiving, §3.4',
  },

  // ---- Notifications (seq = RM's own counter, which starts at 0) ----
  {
    name: 'NOTIFY_VM_STATUS, RUNNING / RUN / app_status 0xbeef',
    msgId: 0x56100008, kind: 'notification', seq: 0x0000,
    hex: [
      '21 03 00 00 08 00 10 56', // notification, seq 0, 0x56100008
      '80 00',                   // @0 vmid 0x80
      '00 00',                   // @2 reserved
      '03',                      // @4 vm_status 3 RUNNING
      '04',                      // @5 os_status 4 RUN
      'ef be',                   // @6 app_status 0xbeef
    ].join(' '),
    fields: { vmid: 0x80, vm_status: 3, os_status: 4, app_status: 0xbeef },
    source: '§4.2 NOTIFY_VM_STATUS, §4.3',
  },
  {
    name: 'NOTIFY_VM_STATUS, RESET (os/app status cleared)',
    msgId: 0x56100008, kind: 'notification', seq: 0x0001,
    hex: '21 03 01 00 08 00 10 56 80 00 00 00 0b 00 00 00',
    fields: { vmid: 0x80, vm_status: 11, os_status: 0, app_status: 0 },
    source: '§4.2 NOTIFY_VM_STATUS, §4.3',
  },
  {
    // exit_reason[0] = exit_flags | exit_code << 16; exit_code SOFTWARE_ERROR because the VM had set a crash message.
    name: 'NOTIFY_VM_EXITED, PLATFORM_OFF, 4-byte reason (exit_code SOFTWARE_ERROR)',
    msgId: 0x56100001, kind: 'notification', seq: 0x0002,
    hex: [
      '21 03 02 00 01 00 10 56',
      '80 00',       // @0 vmid 0x80
      '01 00',       // @2 exit_type 1 PLATFORM_OFF
      '04 00 00 00', // @4 exit_reason_size 4
      '00 00 01 00', // @8 exit_reason[0] 0x00010000: flags 0, exit_code 1
    ].join(' '),
    fields: {
      vmid: 0x80, exit_type: 1, exit_reason_size: 4, exit_reason: [0x00010000],
      exit_flags: 0, exit_code: 1,
    },
    source: '§4.2 NOTIFY_VM_EXITED',
  },
  {
    // Ambiguous: the table lists flag bit0 RESTART next to bit15 SMC64; RM's vcpu_halt_callback sets only bit15 for a
    // 64-bit RESET2 (and masks the cookie to 32 bits for SMC32). We follow RM: exit_flags 0x8000, full 64-bit cookie.
    name: 'NOTIFY_VM_EXITED, PSCI_SYSTEM_RESET2, 16-byte reason',
    msgId: 0x56100001, kind: 'notification', seq: 0x0100,
    hex: [
      '21 03 00 01 01 00 10 56', // seq 0x0100 -> 00 01
      '80 00',       // vmid 0x80
      '03 00',       // exit_type 3 PSCI_SYSTEM_RESET2
      '10 00 00 00', // exit_reason_size 16
      '00 80 00 00', // exit_reason[0] 0x00008000: exit_flags SMC64, exit_code 0 NORMAL
      '01 00 00 80', // exit_reason[1] reset_type 0x80000001 (vendor reset 1)
      'ef be ad de', // exit_reason[2] cookie_lo 0xdeadbeef
      '12 00 00 00', // exit_reason[3] cookie_hi 0x12
    ].join(' '),
    fields: {
      vmid: 0x80, exit_type: 3, exit_reason_size: 16,
      exit_reason: [0x00008000, 0x80000001, 0xdeadbeef, 0x00000012],
      exit_flags: 0x8000, exit_code: 0, reset_type: 0x80000001, cookie: 0x00000012deadbeefn,
    },
    source: '§4.2 NOTIFY_VM_EXITED',
  },
  {
    // What the owner receives after VM_STOP with FORCE (RM: flags 0, exit_code NORMAL).
    name: 'NOTIFY_VM_EXITED, VM_STOP_FORCED',
    msgId: 0x56100001, kind: 'notification', seq: 0x0003,
    hex: '21 03 03 00 01 00 10 56 80 00 07 00 04 00 00 00 00 00 00 00',
    fields: {
      vmid: 0x80, exit_type: 7, exit_reason_size: 4, exit_reason: [0],
      exit_flags: 0, exit_code: 0,
    },
    source: '§4.2 NOTIFY_VM_EXITED, §4.1 VM_STOP',
  },
  {
    // What the owner receives after the 'VM_EXIT request, exit_flags RESTART, exit_code BUS_ERROR' vector.
    name: 'NOTIFY_VM_EXITED, VM_EXIT (flags 1, exit_code BUS_ERROR)',
    msgId: 0x56100001, kind: 'notification', seq: 0x0004,
    hex: [
      '21 03 04 00 01 00 10 56',
      '80 00 00 00', // vmid 0x80, exit_type 0 VM_EXIT
      '04 00 00 00', // exit_reason_size 4
      '01 00 03 00', // exit_reason[0] 0x00030001
    ].join(' '),
    fields: {
      vmid: 0x80, exit_type: 0, exit_reason_size: 4, exit_reason: [0x00030001],
      exit_flags: 1, exit_code: 3,
    },
    source: '§4.2 NOTIFY_VM_EXITED, §4.1 VM_EXIT',
  },
  {
    // Sent to the VM being stopped by 'VM_STOP request, no FORCE, stop_reason 0x01020304'.
    name: 'NOTIFY_VM_SHUTDOWN, stop_reason 0x01020304',
    msgId: 0x56100002, kind: 'notification', seq: 0x0005,
    hex: [
      '21 03 05 00 02 00 10 56',
      '04 03 02 01', // @0 u32 stop_reason
    ].join(' '),
    fields: { stop_reason: 0x01020304 },
    source: '§4.2 NOTIFY_VM_SHUTDOWN',
  },
];

/** Hex of the known fragment-test pattern: byte i of the payload is i & 0xff, for i in [start, end). */
function patternHex(start: number, end: number): string {
  const out: string[] = [];
  for (let i = start; i < end; i++) out.push((i & 0xff).toString(16).padStart(2, '0'));
  return out.join(' ');
}

// Each header below is hand-written; only the payload slices come from patternHex. Continuations carry type 0 and
// repeat seq, msg_id and num_fragments. num_fragments = ceil(len / 232) - 1 (RM start_xmit, Linux (len-1)/232): at an
// exact multiple such as 464 there is no empty trailing fragment. L-v5 used len/232 and would have sent a third,
// empty packet for 464 bytes; we do not follow it.
export const RM_GOLDEN_FRAGMENTS: readonly RmGoldenFragmentVector[] = [
  {
    name: 'MEM_SHARE request, 232-byte payload in one full packet',
    msgId: 0x51000013, kind: 'request', seq: 0x0a0a,
    payloadHex: patternHex(0, 232),
    packetsHex: [
      '21 01 0a 0a 13 00 00 51 ' + patternHex(0, 232), // request, 0 fragments; 240 bytes
    ],
    source: '§3.2',
  },
  {
    name: 'VM_GET_HYP_RESOURCES reply, 233-byte payload in two packets',
    msgId: 0x56000020, kind: 'reply', seq: 0x0b0b,
    payloadHex: patternHex(0, 233),
    packetsHex: [
      '21 06 0b 0b 20 00 00 56 ' + patternHex(0, 232),   // 0x06 = reply | 1 << 2
      '21 04 0b 0b 20 00 00 56 ' + patternHex(232, 233), // 0x04 = continuation | 1 << 2; 9 bytes
    ],
    source: '§3.2',
  },
  {
    name: 'MEM_LEND request, 464-byte payload in two full packets',
    msgId: 0x51000012, kind: 'request', seq: 0x0c0c,
    payloadHex: patternHex(0, 464),
    packetsHex: [
      '21 05 0c 0c 12 00 00 51 ' + patternHex(0, 232),   // 0x05 = request | 1 << 2
      '21 04 0c 0c 12 00 00 51 ' + patternHex(232, 464), // continuation | 1 << 2
    ],
    source: '§3.2',
  },
  {
    name: 'MEM_SHARED notification, 465-byte payload in three packets',
    msgId: 0x51100011, kind: 'notification', seq: 0x0d0d,
    payloadHex: patternHex(0, 465),
    packetsHex: [
      '21 0b 0d 0d 11 00 10 51 ' + patternHex(0, 232),   // 0x0b = notification | 2 << 2
      '21 08 0d 0d 11 00 10 51 ' + patternHex(232, 464), // 0x08 = continuation | 2 << 2
      '21 08 0d 0d 11 00 10 51 ' + patternHex(464, 465), // last: 1 payload byte (0xd0)
    ],
    source: '§3.2',
  },
];
