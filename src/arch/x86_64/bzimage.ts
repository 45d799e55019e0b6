// bzImage parsing for the Linux 64-bit boot protocol (Documentation/arch/x86/boot.rst: "The Real-Mode
// Kernel Header", "Loading The Rest of The Kernel", "64-bit Boot Protocol"): protocol >= 2.12 with
// XLF_KERNEL_64, protected-mode kernel loaded at HIMEM_START, entered at load address + 0x200.

import { gpa, hex, MiB, type Gpa } from '../../memory/address.js';
import {
  BOOT_FLAG_MAGIC,
  BOOT_PARAMS,
  BOOT_PROTOCOL_2_12,
  HDRS_MAGIC,
  LOADED_HIGH,
  SETUP_HEADER,
  SETUP_HEADER_OFFSET,
  XLF_KERNEL_64,
  setupHeaderLength,
} from './boot-params.js';
import { ramRegions } from './e820.js';
import { LAYOUT } from './layout.js';
import { LoaderError, type LoaderErrorCode } from './loader-error.js';

/** The 64-bit entry (startup_64) sits this far into the protected-mode kernel. */
export const STARTUP_64_OFFSET = 0x200;
export const SECTOR_SIZE = 512;
/** setup_sects == 0 means 4, for compatibility with ancient kernels. */
export const DEFAULT_SETUP_SECTS = 4;

export interface BzImage {
  readonly kind: 'bzimage';
  /** Boot protocol version, (major << 8) | minor. */
  readonly version: number;
  /** Where the protected-mode kernel is copied. */
  readonly loadAddress: Gpa;
  /** The 64-bit boot protocol entry: loadAddress + 0x200. */
  readonly entry64: Gpa;
  /** The protected-mode kernel: everything after the (setup_sects + 1) real-mode sectors. A view of the file. */
  readonly kernel: Uint8Array;
  /** The kernel's setup header (0x1f1 up to 0x202 + byte at 0x201), to seed the zero page; code32_start = loadAddress. */
  readonly setupHeader: Uint8Array;
  /** One past the highest byte the kernel uses while it decompresses itself (pref_address/alignment + init_size). */
  readonly end: Gpa;
}

function fail(code: LoaderErrorCode, what: string): never {
  throw new LoaderError(code, `bzImage: ${what}`);
}

function protocol(v: number): string {
  return `${v >> 8}.${(v & 0xff).toString().padStart(2, '0')}`;
}

/** True when the image has the boot sector flag and the "HdrS" signature of a Linux boot-protocol kernel. */
export function isBzImageHeader(bytes: Uint8Array): boolean {
  const end = SETUP_HEADER_OFFSET + SETUP_HEADER.offsets.version;
  if (bytes.length < end) return false;
  return (
    SETUP_HEADER.get(bytes, 'boot_flag', SETUP_HEADER_OFFSET) === BOOT_FLAG_MAGIC &&
    SETUP_HEADER.get(bytes, 'header', SETUP_HEADER_OFFSET) === HDRS_MAGIC
  );
}

export function parseBzImage(bytes: Uint8Array, memSize: number): BzImage {
  const regions = ramRegions(memSize);
  if (!isBzImageHeader(bytes)) {
    fail('not-a-kernel', `no boot flag 0xaa55 at ${hex(SETUP_HEADER_OFFSET + SETUP_HEADER.offsets.boot_flag)} and "HdrS" at ${hex(SETUP_HEADER_OFFSET + SETUP_HEADER.offsets.header)}`);
  }
  const version = SETUP_HEADER.get(bytes, 'version', SETUP_HEADER_OFFSET);
  if (version < BOOT_PROTOCOL_2_12) {
    fail('unsupported', `boot protocol ${protocol(version)} is older than 2.12, the first with xloadflags and a 64-bit entry point; use a newer kernel or its vmlinux`);
  }
  const hdrLen = setupHeaderLength(bytes);
  const minLen = SETUP_HEADER.offsets.handover_offset;
  const room = BOOT_PARAMS.offsets.edd_mbr_sig_buffer - BOOT_PARAMS.offsets.hdr;
  if (hdrLen < minLen || hdrLen > room) {
    fail('malformed', `setup header length ${hdrLen} (from the jump at 0x200) is outside ${minLen}..${room} for protocol ${protocol(version)}`);
  }
  if (bytes.length < SETUP_HEADER_OFFSET + hdrLen) fail('truncated', `file ends inside the ${hdrLen}-byte setup header`);
  // A header shorter than the struct (older protocols) reads as zeros past its end.
  const raw = bytes.slice(SETUP_HEADER_OFFSET, SETUP_HEADER_OFFSET + hdrLen);
  const padded = new Uint8Array(Math.max(hdrLen, SETUP_HEADER.size));
  padded.set(raw);
  const hdr = SETUP_HEADER.decode(padded);

  if ((hdr.loadflags & LOADED_HIGH) === 0) fail('unsupported', 'LOADED_HIGH is clear: a zImage loaded at 0x10000, not a bzImage');
  if ((hdr.xloadflags & XLF_KERNEL_64) === 0) {
    fail('unsupported', 'XLF_KERNEL_64 is clear in xloadflags: the kernel has no 64-bit entry point (is it a 32-bit kernel?)');
  }

  const setupSize = ((hdr.setup_sects === 0 ? DEFAULT_SETUP_SECTS : hdr.setup_sects) + 1) * SECTOR_SIZE;
  if (bytes.length <= setupSize) fail('truncated', `file is ${bytes.length} bytes but its real-mode part alone is ${setupSize}`);
  const kernel = bytes.subarray(setupSize);
  if (hdr.syssize * 16 > kernel.length) {
    fail('truncated', `protected-mode kernel is ${kernel.length} bytes but syssize says ${hdr.syssize * 16}; is the file complete?`);
  }

  const loadAddress = LAYOUT.HIMEM_START;
  const runtimeStart = decompressAddress(hdr, loadAddress);
  const end = Math.max(loadAddress + kernel.length, runtimeStart + hdr.init_size);
  const low = regions[0];
  const lowEnd = low === undefined ? 0 : low.gpa + low.size;
  if (end > lowEnd) {
    fail(
      'does-not-fit',
      `the kernel needs memory up to ${hex(end)} (${kernel.length} bytes loaded at ${hex(loadAddress)}, decompressing at ${hex(runtimeStart)} with init_size ${hex(hdr.init_size)}), ` +
        `but RAM below the MMIO gap ends at ${hex(lowEnd)}; give the VM at least ${Math.ceil(end / MiB)} MiB`,
    );
  }

  SETUP_HEADER.set(raw, 'code32_start', loadAddress);
  return {
    kind: 'bzimage',
    version,
    loadAddress,
    entry64: gpa(loadAddress + STARTUP_64_OFFSET),
    kernel,
    setupHeader: raw,
    end: gpa(end),
  };
}

/**
 * Where the decompressed kernel starts running (boot.rst, init_size): a relocatable kernel aligns
 * its load address up to kernel_alignment, and compressed/head_64.S then raises that to at least
 * LOAD_PHYSICAL_ADDR, which header.S publishes as pref_address; a fixed kernel runs at pref_address.
 */
function decompressAddress(hdr: ReturnType<typeof SETUP_HEADER.decode>, loadAddress: number): number {
  if (hdr.pref_address > BigInt(Number.MAX_SAFE_INTEGER)) fail('does-not-fit', `pref_address ${hex(hdr.pref_address)} is beyond any guest memory`);
  const pref = Number(hdr.pref_address);
  if (hdr.relocatable_kernel === 0) return pref === 0 ? loadAddress : pref;
  const align = hdr.kernel_alignment;
  if (align === 0 || (align & (align - 1)) !== 0) fail('malformed', `kernel_alignment ${hex(align)} is not a power of two`);
  return Math.max(Math.ceil(loadAddress / align) * align, pref);
}
