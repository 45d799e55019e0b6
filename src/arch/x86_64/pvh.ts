// Xen PVH boot structures: hvm_start_info (version 1), its module list and memory map
// (xen/include/public/arch-x86/hvm/start_info.h), placed at LAYOUT.PVH_INFO_START/MODLIST/MEMMAP.

import { struct, u32le, u64le } from '../../binary/struct.js';
import { hex, type Gpa } from '../../memory/address.js';
import { E820_MAX_ENTRIES_ZEROPAGE } from './boot-params.js';
import type { E820Entry } from './e820.js';
import { LAYOUT } from './layout.js';
import { LoaderError } from './loader-error.js';

/** "xEn3" with the 0x80 bit of the "E" set. */
export const XEN_HVM_START_MAGIC_VALUE = 0x336e_c578;
export const HVM_START_INFO_VERSION = 1;

// Memory map types: the ACPI address range types, the same values as E820_*.
export const XEN_HVM_MEMMAP_TYPE_RAM = 1;
export const XEN_HVM_MEMMAP_TYPE_RESERVED = 2;
export const XEN_HVM_MEMMAP_TYPE_ACPI = 3;
export const XEN_HVM_MEMMAP_TYPE_NVS = 4;
export const XEN_HVM_MEMMAP_TYPE_UNUSABLE = 5;
export const XEN_HVM_MEMMAP_TYPE_DISABLED = 6;
export const XEN_HVM_MEMMAP_TYPE_PMEM = 7;

export const HVM_START_INFO = struct('hvm_start_info', {
  magic: u32le,
  version: u32le,
  flags: u32le,
  nr_modules: u32le,
  modlist_paddr: u64le,
  cmdline_paddr: u64le,
  rsdp_paddr: u64le,
  memmap_paddr: u64le,
  memmap_entries: u32le,
  reserved: u32le,
});

export const HVM_MODLIST_ENTRY = struct('hvm_modlist_entry', {
  paddr: u64le,
  size: u64le,
  cmdline_paddr: u64le,
  reserved: u64le,
});

export const HVM_MEMMAP_TABLE_ENTRY = struct('hvm_memmap_table_entry', {
  addr: u64le,
  size: u64le,
  type: u32le,
  reserved: u32le,
});

export interface PvhStartInfoOptions {
  readonly cmdlineGpa: Gpa;
  readonly e820: readonly E820Entry[];
  readonly initrd?: { readonly gpa: Gpa; readonly size: number };
  readonly rsdp?: Gpa;
}

export interface PvhStartInfo {
  /** For LAYOUT.PVH_INFO_START. */
  readonly startInfo: Uint8Array;
  /** For LAYOUT.PVH_MODLIST_START (empty without an initrd). */
  readonly modlist: Uint8Array;
  /** For LAYOUT.PVH_MEMMAP_START. */
  readonly memmap: Uint8Array;
}

export function buildPvhStartInfo(opts: PvhStartInfoOptions): PvhStartInfo {
  // The same cap as the zero page keeps the memmap inside the page at PVH_MEMMAP_START.
  if (opts.e820.length > E820_MAX_ENTRIES_ZEROPAGE) {
    throw new LoaderError('does-not-fit', `PVH memory map has ${opts.e820.length} entries; bothy places at most ${E820_MAX_ENTRIES_ZEROPAGE}`);
  }
  if (LAYOUT.PVH_INFO_START + HVM_START_INFO.size > LAYOUT.PVH_MODLIST_START) {
    throw new LoaderError('does-not-fit', `hvm_start_info at ${hex(LAYOUT.PVH_INFO_START)} would run into the module list`);
  }
  const modules = opts.initrd === undefined ? [] : [opts.initrd];
  const modlist = new Uint8Array(modules.length * HVM_MODLIST_ENTRY.size);
  modules.forEach((m, i) => {
    HVM_MODLIST_ENTRY.encode({ paddr: BigInt(m.gpa), size: BigInt(m.size) }, modlist, i * HVM_MODLIST_ENTRY.size);
  });
  const memmap = new Uint8Array(opts.e820.length * HVM_MEMMAP_TABLE_ENTRY.size);
  opts.e820.forEach((e, i) => {
    HVM_MEMMAP_TABLE_ENTRY.encode(
      { addr: BigInt(e.addr), size: BigInt(e.size), type: e.type },
      memmap,
      i * HVM_MEMMAP_TABLE_ENTRY.size,
    );
  });
  const startInfo = HVM_START_INFO.encode({
    magic: XEN_HVM_START_MAGIC_VALUE,
    version: HVM_START_INFO_VERSION,
    flags: 0,
    nr_modules: modules.length,
    // A zero address means "not present" in this ABI.
    modlist_paddr: modules.length === 0 ? 0n : BigInt(LAYOUT.PVH_MODLIST_START),
    cmdline_paddr: BigInt(opts.cmdlineGpa),
    rsdp_paddr: BigInt(opts.rsdp ?? 0),
    memmap_paddr: opts.e820.length === 0 ? 0n : BigInt(LAYOUT.PVH_MEMMAP_START),
    memmap_entries: opts.e820.length,
  });
  return { startInfo, modlist, memmap };
}
