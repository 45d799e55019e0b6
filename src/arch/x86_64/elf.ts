// ELF64 x86-64 kernel parsing (System V gABI "ELF Header", "Program Header", "Note Section"): PT_LOAD
// segments placed at p_paddr as Linux vmlinux needs, and the Xen PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY).

import { struct, u8, u16le, u32le, u64le, bytes } from '../../binary/struct.js';
import { gpa, hex, MiB, type Gpa } from '../../memory/address.js';
import { ramRegions, type RamRegion } from './e820.js';
import { LAYOUT } from './layout.js';
import { LoaderError, type LoaderErrorCode } from './loader-error.js';

export const ELFMAG = Uint8Array.of(0x7f, 0x45, 0x4c, 0x46);
export const ELFCLASS32 = 1;
export const ELFCLASS64 = 2;
export const ELFDATA2LSB = 1;
export const ELFDATA2MSB = 2;
export const ET_EXEC = 2;
export const EM_X86_64 = 62;
export const PT_LOAD = 1;
export const PT_NOTE = 4;
export const SHT_NOTE = 7;
/** Xen ELF note type carrying the 32-bit physical PVH entry point (xen/include/public/elfnote.h). */
export const XEN_ELFNOTE_PHYS32_ENTRY = 18;

export const E_IDENT = struct('e_ident', {
  ei_mag: bytes(4),
  ei_class: u8,
  ei_data: u8,
  ei_version: u8,
  ei_osabi: u8,
  ei_abiversion: u8,
  ei_pad: bytes(7),
});

export const ELF64_EHDR = struct('Elf64_Ehdr', {
  e_ident: bytes(E_IDENT.size),
  e_type: u16le,
  e_machine: u16le,
  e_version: u32le,
  e_entry: u64le,
  e_phoff: u64le,
  e_shoff: u64le,
  e_flags: u32le,
  e_ehsize: u16le,
  e_phentsize: u16le,
  e_phnum: u16le,
  e_shentsize: u16le,
  e_shnum: u16le,
  e_shstrndx: u16le,
});

export const ELF64_PHDR = struct('Elf64_Phdr', {
  p_type: u32le,
  p_flags: u32le,
  p_offset: u64le,
  p_vaddr: u64le,
  p_paddr: u64le,
  p_filesz: u64le,
  p_memsz: u64le,
  p_align: u64le,
});

export const ELF64_SHDR = struct('Elf64_Shdr', {
  sh_name: u32le,
  sh_type: u32le,
  sh_flags: u64le,
  sh_addr: u64le,
  sh_offset: u64le,
  sh_size: u64le,
  sh_link: u32le,
  sh_info: u32le,
  sh_addralign: u64le,
  sh_entsize: u64le,
});

export const ELF64_NHDR = struct('Elf64_Nhdr', { n_namesz: u32le, n_descsz: u32le, n_type: u32le });

/** What to copy into guest memory: `data` at `gpa`, then zeros up to `memSize` (BSS). */
export interface KernelSegment {
  readonly gpa: Gpa;
  readonly data: Uint8Array;
  readonly memSize: number;
}

export interface ElfKernel {
  readonly kind: 'elf';
  /** Entry point for the Linux 64-bit boot protocol, as a guest-physical address. */
  readonly entry: Gpa;
  /** 32-bit PVH entry point, when the image carries a XEN_ELFNOTE_PHYS32_ENTRY note. */
  readonly pvhEntry?: Gpa;
  /** One past the highest byte any segment occupies (BSS included). */
  readonly end: Gpa;
  /** Views into the parsed file, sorted by address. */
  readonly segments: readonly KernelSegment[];
}

const XEN_NOTE_NAME = Uint8Array.of(0x58, 0x65, 0x6e, 0x00); // "Xen\0"

const MACHINE_NAMES: Readonly<Record<number, string>> = {
  3: 'i386 (EM_386)',
  40: 'ARM (EM_ARM)',
  183: 'AArch64 (EM_AARCH64)',
  243: 'RISC-V (EM_RISCV)',
};

const ELF_TYPE_NAMES: Readonly<Record<number, string>> = {
  0: 'ET_NONE',
  1: 'ET_REL (an object file, not linked)',
  3: 'ET_DYN (position-independent)',
  4: 'ET_CORE (a core dump)',
};

export function isElf(bytes: Uint8Array): boolean {
  return bytes.length >= ELFMAG.length && ELFMAG.every((b, i) => bytes[i] === b);
}

function fail(code: LoaderErrorCode, what: string): never {
  throw new LoaderError(code, `ELF kernel: ${what}`);
}

/** A file offset or size as a number, or a 'truncated' error when it cannot lie inside the file. */
function fileRange(file: Uint8Array, offset: bigint, size: bigint, what: string): [number, number] {
  if (offset + size > BigInt(file.length)) {
    fail('truncated', `${what} [${hex(offset)}, ${hex(offset + size)}) runs past the end of the ${file.length}-byte file; is the file complete?`);
  }
  return [Number(offset), Number(size)];
}

export function parseElf(file: Uint8Array, memSize: number): ElfKernel {
  if (!isElf(file)) fail('not-a-kernel', 'no ELF magic (7f 45 4c 46) at offset 0');
  if (file.length < E_IDENT.size) fail('truncated', `file is ${file.length} bytes, shorter than e_ident`);
  const ident = E_IDENT.decode(file);
  if (ident.ei_class === ELFCLASS32) fail('unsupported', 'this is a 32-bit (ELFCLASS32) file; bothy boots 64-bit x86-64 kernels only');
  if (ident.ei_class !== ELFCLASS64) fail('malformed', `unknown EI_CLASS ${ident.ei_class}`);
  if (ident.ei_data === ELFDATA2MSB) fail('unsupported', 'this is a big-endian (ELFDATA2MSB) file; x86-64 kernels are little-endian');
  if (ident.ei_data !== ELFDATA2LSB) fail('malformed', `unknown EI_DATA ${ident.ei_data}`);
  if (file.length < ELF64_EHDR.size) fail('truncated', `file is ${file.length} bytes, shorter than the ${ELF64_EHDR.size}-byte ELF header`);

  const eh = ELF64_EHDR.decode(file);
  if (eh.e_machine !== EM_X86_64) {
    const name = MACHINE_NAMES[eh.e_machine] ?? `machine ${eh.e_machine}`;
    fail('unsupported', `built for ${name}, not x86-64 (EM_X86_64 = ${EM_X86_64})`);
  }
  if (eh.e_type !== ET_EXEC) {
    const name = ELF_TYPE_NAMES[eh.e_type] ?? `type ${eh.e_type}`;
    fail('unsupported', `${name} is not an executable (ET_EXEC); link the kernel at a fixed address (e.g. -static -no-pie)`);
  }
  if (eh.e_phentsize !== ELF64_PHDR.size) fail('malformed', `e_phentsize is ${eh.e_phentsize}, expected ${ELF64_PHDR.size}`);
  if (eh.e_phoff < BigInt(ELF64_EHDR.size)) fail('malformed', `program headers at ${hex(eh.e_phoff)} overlap the ELF header`);
  const [phoff] = fileRange(file, eh.e_phoff, BigInt(eh.e_phnum * ELF64_PHDR.size), 'program header table');
  const phdrs = Array.from({ length: eh.e_phnum }, (_, i) => ELF64_PHDR.decode(file, phoff + i * ELF64_PHDR.size));
  const headersEnd = BigInt(phoff + eh.e_phnum * ELF64_PHDR.size);

  const regions = ramRegions(memSize);
  // The memory hint in a does-not-fit message covers every segment, not just the first that failed.
  const highest = phdrs.reduce((m, ph) => (ph.p_type === PT_LOAD && ph.p_paddr + ph.p_memsz > m ? ph.p_paddr + ph.p_memsz : m), 0n);
  const loads: (KernelSegment & { readonly vaddr: bigint })[] = [];
  phdrs.forEach((ph, i) => {
    if (ph.p_type !== PT_LOAD || ph.p_memsz === 0n) return;
    const what = `segment ${i} (PT_LOAD at ${hex(ph.p_paddr)})`;
    if (ph.p_filesz > ph.p_memsz) fail('malformed', `${what} has p_filesz ${hex(ph.p_filesz)} > p_memsz ${hex(ph.p_memsz)}`);
    const [offset, filesz] = fileRange(file, ph.p_offset, ph.p_filesz, what);
    const start = ph.p_paddr;
    const end = ph.p_paddr + ph.p_memsz;
    if (start < BigInt(LAYOUT.HIMEM_START)) {
      // ld -Ttext puts a PT_LOAD holding nothing but the ELF and program headers a page below .text;
      // no code reads it, and loading it would land in the boot-structure area.
      if (ph.p_offset === 0n && ph.p_filesz > 0n && ph.p_filesz === ph.p_memsz && ph.p_filesz <= headersEnd) return;
      fail(
        'does-not-fit',
        `${what} starts below ${hex(LAYOUT.HIMEM_START)} (HIMEM_START), where bothy keeps boot structures; link the kernel at 1 MiB or higher`,
      );
    }
    checkInRam(start, end, highest, regions, what);
    loads.push({ gpa: gpa(Number(start)), data: file.subarray(offset, offset + filesz), memSize: Number(ph.p_memsz), vaddr: ph.p_vaddr });
  });
  if (loads.length === 0) fail('malformed', 'no non-empty PT_LOAD segment: nothing to load');
  loads.sort((a, b) => a.gpa - b.gpa);
  for (let i = 1; i < loads.length; i++) {
    const prev = loads[i - 1]!;
    const cur = loads[i]!;
    if (prev.gpa + prev.memSize > cur.gpa) {
      fail('malformed', `PT_LOAD segments at ${hex(prev.gpa)} and ${hex(cur.gpa)} overlap in physical memory`);
    }
  }

  const entry = physicalEntry(eh.e_entry, loads);
  const pvhEntry = findPvhEntry(file, eh, phdrs);
  if (pvhEntry !== undefined && !loads.some((s) => pvhEntry >= s.gpa && pvhEntry < s.gpa + s.memSize)) {
    fail('malformed', `PVH entry ${hex(pvhEntry)} (XEN_ELFNOTE_PHYS32_ENTRY) is outside every PT_LOAD segment`);
  }
  const end = Math.max(...loads.map((s) => s.gpa + s.memSize));
  const segments = loads.map(({ gpa: g, data, memSize: m }) => ({ gpa: g, data, memSize: m }));
  return { kind: 'elf', entry, ...(pvhEntry === undefined ? {} : { pvhEntry }), end: gpa(end), segments };
}

function checkInRam(start: bigint, end: bigint, highest: bigint, regions: readonly RamRegion[], what: string): void {
  if (regions.some((r) => start >= BigInt(r.gpa) && end <= BigInt(r.gpa + r.size))) return;
  const range = `[${hex(start)}, ${hex(end)})`;
  if (end > BigInt(LAYOUT.MMIO_GAP_START) && start < BigInt(LAYOUT.MMIO_GAP_END)) {
    fail('does-not-fit', `${what} ${range} reaches into the 32-bit MMIO gap [3 GiB, 4 GiB); relink it below 3 GiB`);
  }
  const total = regions.reduce((n, r) => n + r.size, 0);
  const need = highest <= BigInt(LAYOUT.MMIO_GAP_START) ? highest : highest - BigInt(LAYOUT.MMIO_GAP_END - LAYOUT.MMIO_GAP_START);
  const needMiB = need > BigInt(Number.MAX_SAFE_INTEGER) ? 'an impossible amount of' : String(Math.ceil(Number(need) / MiB));
  fail('does-not-fit', `${what} ${range} lies beyond guest memory (${total / MiB} MiB); give the VM at least ${needMiB} MiB`);
}

/**
 * e_entry as a physical address. Linux vmlinux already links e_entry physical (ENTRY(phys_startup_64)),
 * and linux-loader uses it unchanged; an image whose e_entry is virtual is translated through the
 * PT_LOAD segment containing it (p_paddr + e_entry - p_vaddr).
 */
function physicalEntry(e: bigint, loads: readonly (KernelSegment & { readonly vaddr: bigint })[]): Gpa {
  for (const s of loads) {
    if (e >= BigInt(s.gpa) && e < BigInt(s.gpa + s.memSize)) return gpa(Number(e));
  }
  for (const s of loads) {
    if (e >= s.vaddr && e < s.vaddr + BigInt(s.memSize)) return gpa(s.gpa + Number(e - s.vaddr));
  }
  fail('malformed', `entry point ${hex(e)} (e_entry) is outside every PT_LOAD segment, physical or virtual`);
}

function noteAlign(a: bigint): number {
  // Notes are 4-byte aligned in practice; an 8-aligned note segment (.note.gnu.property) pads to 8.
  return a === 8n ? 8 : 4;
}

function alignUp(v: number, a: number): number {
  return Math.ceil(v / a) * a;
}

function findPvhEntry(
  file: Uint8Array,
  eh: ReturnType<typeof ELF64_EHDR.decode>,
  phdrs: readonly ReturnType<typeof ELF64_PHDR.decode>[],
): Gpa | undefined {
  const notePhdrs = phdrs.filter((p) => p.p_type === PT_NOTE);
  for (const [i, ph] of notePhdrs.entries()) {
    const [off, size] = fileRange(file, ph.p_offset, ph.p_filesz, `note segment ${i}`);
    const found = scanNotes(file, off, size, noteAlign(ph.p_align));
    if (found !== undefined) return found;
  }
  if (notePhdrs.length > 0 || eh.e_shoff === 0n || eh.e_shnum === 0) return undefined;
  // Without a PT_NOTE, the note may still be in a SHT_NOTE section of a file linked without PHDRS for it.
  if (eh.e_shentsize !== ELF64_SHDR.size) fail('malformed', `e_shentsize is ${eh.e_shentsize}, expected ${ELF64_SHDR.size}`);
  const [shoff] = fileRange(file, eh.e_shoff, BigInt(eh.e_shnum * ELF64_SHDR.size), 'section header table');
  for (let i = 0; i < eh.e_shnum; i++) {
    const sh = ELF64_SHDR.decode(file, shoff + i * ELF64_SHDR.size);
    if (sh.sh_type !== SHT_NOTE) continue;
    const [off, size] = fileRange(file, sh.sh_offset, sh.sh_size, `note section ${i}`);
    const found = scanNotes(file, off, size, noteAlign(sh.sh_addralign));
    if (found !== undefined) return found;
  }
  return undefined;
}

function scanNotes(file: Uint8Array, start: number, size: number, align: number): Gpa | undefined {
  const end = start + size;
  let at = start;
  while (at + ELF64_NHDR.size <= end) {
    const n = ELF64_NHDR.decode(file, at);
    const nameAt = at + ELF64_NHDR.size;
    const descAt = nameAt + alignUp(n.n_namesz, align);
    const next = descAt + alignUp(n.n_descsz, align);
    if (descAt + n.n_descsz > end) fail('malformed', `note at file offset ${hex(at)} runs past the end of its note area`);
    const name = file.subarray(nameAt, nameAt + n.n_namesz);
    if (n.n_type === XEN_ELFNOTE_PHYS32_ENTRY && name.length === XEN_NOTE_NAME.length && XEN_NOTE_NAME.every((b, i) => name[i] === b)) {
      if (n.n_descsz < 4) fail('malformed', `Xen PHYS32_ENTRY note has a ${n.n_descsz}-byte descriptor; the entry needs 4`);
      const desc = new DataView(file.buffer, file.byteOffset + descAt, n.n_descsz);
      if (n.n_descsz >= 8 && desc.getUint32(4, true) !== 0) {
        fail('malformed', 'Xen PHYS32_ENTRY note holds an entry above 4 GiB; a PVH entry is a 32-bit address');
      }
      return gpa(desc.getUint32(0, true));
    }
    at = next;
  }
  return undefined;
}
