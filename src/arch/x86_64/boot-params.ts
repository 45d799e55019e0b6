// The Linux x86 boot protocol's zero page (`struct boot_params`, 4096 bytes) with its setup header at
// 0x1f1, and `struct setup_data` nodes (arch/x86/include/uapi/asm/bootparam.h;
// Documentation/arch/x86/boot.rst "The Real-Mode Kernel Header", zero-page.rst).

import { struct, u8, u16le, u32le, u64le, bytes } from '../../binary/struct.js';
import { hex, MiB, type Gpa } from '../../memory/address.js';
import type { E820Entry } from './e820.js';
import { LoaderError } from './loader-error.js';

/** `header` field value: "HdrS" read as a little-endian u32. */
export const HDRS_MAGIC = 0x5372_6448;
export const BOOT_FLAG_MAGIC = 0xaa55;
/** type_of_loader for a boot loader without an assigned id. */
export const LOADER_TYPE_UNDEFINED = 0xff;

// loadflags
export const LOADED_HIGH = 1 << 0;
export const KASLR_FLAG = 1 << 1;
export const QUIET_FLAG = 1 << 5;
export const KEEP_SEGMENTS = 1 << 6;
export const CAN_USE_HEAP = 1 << 7;

// xloadflags
export const XLF_KERNEL_64 = 1 << 0;
export const XLF_CAN_BE_LOADED_ABOVE_4G = 1 << 1;
export const XLF_EFI_HANDOVER_32 = 1 << 2;
export const XLF_EFI_HANDOVER_64 = 1 << 3;
export const XLF_EFI_KEXEC = 1 << 4;
export const XLF_5LEVEL = 1 << 5;
export const XLF_5LEVEL_ENABLED = 1 << 6;

// setup_data types
export const SETUP_NONE = 0;
export const SETUP_E820_EXT = 1;
export const SETUP_DTB = 2;
export const SETUP_PCI = 3;
export const SETUP_EFI = 4;
export const SETUP_APPLE_PROPERTIES = 5;
export const SETUP_JAILHOUSE = 6;

export const E820_MAX_ENTRIES_ZEROPAGE = 128;
/** EDD_MBR_SIG_MAX and EDDMAXNR × sizeof(struct edd_info) (include/uapi/linux/edd.h). */
const EDD_MBR_SIG_MAX = 16;
const EDDMAXNR = 6;
const EDD_INFO_SIZE = 82;

/** Boot protocol versions whose fields this file writes (boot.rst field table). */
export const BOOT_PROTOCOL_2_06 = 0x0206;
export const BOOT_PROTOCOL_2_12 = 0x020c;

/** `struct setup_header`, as it sits at 0x1f1 in both a bzImage and the zero page. */
export const SETUP_HEADER = struct('setup_header', {
  setup_sects: u8,
  root_flags: u16le,
  syssize: u32le,
  ram_size: u16le,
  vid_mode: u16le,
  root_dev: u16le,
  boot_flag: u16le,
  jump: u16le,
  header: u32le,
  version: u16le,
  realmode_swtch: u32le,
  start_sys_seg: u16le,
  kernel_version: u16le,
  type_of_loader: u8,
  loadflags: u8,
  setup_move_size: u16le,
  code32_start: u32le,
  ramdisk_image: u32le,
  ramdisk_size: u32le,
  bootsect_kludge: u32le,
  heap_end_ptr: u16le,
  ext_loader_ver: u8,
  ext_loader_type: u8,
  cmd_line_ptr: u32le,
  initrd_addr_max: u32le,
  kernel_alignment: u32le,
  relocatable_kernel: u8,
  min_alignment: u8,
  xloadflags: u16le,
  cmdline_size: u32le,
  hardware_subarch: u32le,
  hardware_subarch_data: u64le,
  payload_offset: u32le,
  payload_length: u32le,
  setup_data: u64le,
  pref_address: u64le,
  init_size: u32le,
  handover_offset: u32le,
  kernel_info_offset: u32le,
});

/** Where the setup header starts, in a bzImage file and in the zero page alike. */
export const SETUP_HEADER_OFFSET = 0x1f1;
/** The header's own length: the jump at 0x200 is `EB xx`, and the header ends at 0x202 + xx. */
export const SETUP_HEADER_END_BASE = 0x202;
const SETUP_HEADER_LENGTH_BYTE = 0x201;

/** `struct boot_e820_entry` (packed). */
export const BOOT_E820_ENTRY = struct('boot_e820_entry', { addr: u64le, size: u64le, type: u32le });

/** `struct boot_params`; the nested structs bothy never fills are opaque byte ranges. */
export const BOOT_PARAMS = struct('boot_params', {
  screen_info: bytes(0x40),
  apm_bios_info: bytes(0x14),
  _pad2: bytes(4),
  tboot_addr: u64le,
  ist_info: bytes(0x10),
  acpi_rsdp_addr: u64le,
  _pad3: bytes(8),
  hd0_info: bytes(16),
  hd1_info: bytes(16),
  sys_desc_table: bytes(16),
  olpc_ofw_header: bytes(16),
  ext_ramdisk_image: u32le,
  ext_ramdisk_size: u32le,
  ext_cmd_line_ptr: u32le,
  _pad4: bytes(116),
  edid_info: bytes(0x80),
  efi_info: bytes(0x20),
  alt_mem_k: u32le,
  scratch: u32le,
  e820_entries: u8,
  eddbuf_entries: u8,
  edd_mbr_sig_buf_entries: u8,
  kbd_status: u8,
  secure_boot: u8,
  _pad5: bytes(2),
  sentinel: u8,
  _pad6: bytes(1),
  hdr: bytes(SETUP_HEADER.size),
  _pad7: bytes(0x290 - SETUP_HEADER_OFFSET - SETUP_HEADER.size),
  edd_mbr_sig_buffer: bytes(EDD_MBR_SIG_MAX * 4),
  e820_table: bytes(E820_MAX_ENTRIES_ZEROPAGE * BOOT_E820_ENTRY.size),
  _pad8: bytes(48),
  eddbuf: bytes(EDDMAXNR * EDD_INFO_SIZE),
  _pad9: bytes(276),
});

/** `struct setup_data` header; `len` bytes of payload follow it. */
export const SETUP_DATA = struct('setup_data', { next: u64le, type: u32le, len: u32le });

const HDR = BOOT_PARAMS.offsets.hdr;
/** Bytes a bzImage may copy in: the header plus the hole after it, up to edd_mbr_sig_buffer. */
const HDR_ROOM = BOOT_PARAMS.offsets.edd_mbr_sig_buffer - HDR;
/** The kernel alignment Firecracker gives an ELF kernel, which has no setup header of its own. */
const ELF_KERNEL_ALIGNMENT = 16 * MiB;

export interface ZeroPageOptions {
  /** Raw bytes copied from a bzImage at 0x1f1, when booting one. */
  readonly setupHeader?: Uint8Array;
  readonly cmdlineGpa: Gpa;
  /** Command line length including its NUL terminator. */
  readonly cmdlineSize: number;
  readonly e820: readonly E820Entry[];
  readonly initrd?: { readonly gpa: Gpa; readonly size: number };
  readonly rsdp?: Gpa;
  /** Head of a `setup_data` list already written to guest memory. */
  readonly setupData?: Gpa;
}

/** Bits 0–31 and 32–63 of a value that the protocol splits into a field and its ext_ twin. */
function split64(v: number): [low: number, high: number] {
  return [v % 2 ** 32, Math.floor(v / 2 ** 32)];
}

export function buildZeroPage(opts: ZeroPageOptions): Uint8Array {
  const page = new Uint8Array(BOOT_PARAMS.size);
  if (opts.setupHeader === undefined) {
    SETUP_HEADER.set(page, 'kernel_alignment', ELF_KERNEL_ALIGNMENT, HDR);
  } else {
    if (opts.setupHeader.length > HDR_ROOM) {
      throw new LoaderError(
        'malformed',
        `setup header is ${opts.setupHeader.length} bytes; the zero page has room for ${HDR_ROOM} at ${hex(HDR)}`,
      );
    }
    page.set(opts.setupHeader, HDR);
    checkCmdlineFits(page, opts.cmdlineSize);
  }
  SETUP_HEADER.set(page, 'type_of_loader', LOADER_TYPE_UNDEFINED, HDR);
  SETUP_HEADER.set(page, 'boot_flag', BOOT_FLAG_MAGIC, HDR);
  SETUP_HEADER.set(page, 'header', HDRS_MAGIC, HDR);

  const [cmdLow, cmdHigh] = split64(opts.cmdlineGpa);
  SETUP_HEADER.set(page, 'cmd_line_ptr', cmdLow, HDR);
  BOOT_PARAMS.set(page, 'ext_cmd_line_ptr', cmdHigh);
  SETUP_HEADER.set(page, 'cmdline_size', opts.cmdlineSize, HDR);

  if (opts.initrd !== undefined) {
    const [imgLow, imgHigh] = split64(opts.initrd.gpa);
    const [sizeLow, sizeHigh] = split64(opts.initrd.size);
    SETUP_HEADER.set(page, 'ramdisk_image', imgLow, HDR);
    SETUP_HEADER.set(page, 'ramdisk_size', sizeLow, HDR);
    BOOT_PARAMS.set(page, 'ext_ramdisk_image', imgHigh);
    BOOT_PARAMS.set(page, 'ext_ramdisk_size', sizeHigh);
  }
  if (opts.rsdp !== undefined) BOOT_PARAMS.set(page, 'acpi_rsdp_addr', BigInt(opts.rsdp));
  if (opts.setupData !== undefined) SETUP_HEADER.set(page, 'setup_data', BigInt(opts.setupData), HDR);

  if (opts.e820.length > E820_MAX_ENTRIES_ZEROPAGE) {
    throw new LoaderError(
      'does-not-fit',
      `e820 map has ${opts.e820.length} entries; the zero page holds ${E820_MAX_ENTRIES_ZEROPAGE} (pass the rest as SETUP_E820_EXT setup_data)`,
    );
  }
  BOOT_PARAMS.set(page, 'e820_entries', opts.e820.length);
  opts.e820.forEach((e, i) => {
    BOOT_E820_ENTRY.encode(
      { addr: BigInt(e.addr), size: BigInt(e.size), type: e.type },
      page,
      BOOT_PARAMS.offsets.e820_table + i * BOOT_E820_ENTRY.size,
    );
  });
  return page;
}

/** A kernel silently truncates a command line longer than its header's cmdline_size (2.06+). */
function checkCmdlineFits(page: Uint8Array, cmdlineSize: number): void {
  if (SETUP_HEADER.get(page, 'version', HDR) < BOOT_PROTOCOL_2_06) return;
  const max = SETUP_HEADER.get(page, 'cmdline_size', HDR);
  if (cmdlineSize - 1 > max) {
    throw new LoaderError(
      'bad-cmdline',
      `kernel command line is ${cmdlineSize - 1} characters, but this kernel accepts at most ${max} (setup header cmdline_size); shorten it`,
    );
  }
}

/** One `struct setup_data` node: header, then the payload. */
export function encodeSetupData(type: number, payload: Uint8Array, next = 0n): Uint8Array {
  const out = new Uint8Array(SETUP_DATA.size + payload.length);
  SETUP_DATA.encode({ next, type, len: payload.length }, out);
  out.set(payload, SETUP_DATA.size);
  return out;
}

/** The setup header's length as the kernel declares it (0x202 + the byte at 0x201), measured from 0x1f1. */
export function setupHeaderLength(image: Uint8Array): number {
  const b = image[SETUP_HEADER_LENGTH_BYTE] ?? 0;
  return SETUP_HEADER_END_BASE + b - SETUP_HEADER_OFFSET;
}
