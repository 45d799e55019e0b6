// Flattened devicetree (DTB) layouts and tokens, DTSpec v0.4 ch. 5: the header (§5.2), memory
// reservation entries (§5.3) and the structure block's tokens and property header (§5.4). All big-endian.

import { struct, u32be, u64be } from '../../binary/struct.js';

/** §5.2 `magic`. */
export const FDT_MAGIC = 0xd00dfeed;
/** §5.2: the version this writer emits, and the oldest version it stays compatible with. */
export const FDT_VERSION = 17;
export const FDT_LAST_COMP_VERSION = 16;

export const FDT_HEADER = struct('fdt_header', {
  magic: u32be,
  totalsize: u32be,
  off_dt_struct: u32be,
  off_dt_strings: u32be,
  off_mem_rsvmap: u32be,
  version: u32be,
  last_comp_version: u32be,
  boot_cpuid_phys: u32be,
  size_dt_strings: u32be,
  size_dt_struct: u32be,
});

/** §5.3: the list ends with an entry whose address and size are both 0. */
export const FDT_RESERVE_ENTRY = struct('fdt_reserve_entry', { address: u64be, size: u64be });
/** §5.3: the memory reservation block starts 8-byte aligned. */
export const FDT_RSVMAP_ALIGN = 8;

/** §5.4.1 structure block tokens; every token and node name is padded to FDT_TAGSIZE. */
export const FDT_BEGIN_NODE = 0x00000001;
export const FDT_END_NODE = 0x00000002;
export const FDT_PROP = 0x00000003;
export const FDT_NOP = 0x00000004;
export const FDT_END = 0x00000009;
export const FDT_TAGSIZE = 4;

/** §5.4.1: what follows an FDT_PROP token, before the value bytes. */
export const FDT_PROP_HEADER = struct('fdt_property', { len: u32be, nameoff: u32be });
