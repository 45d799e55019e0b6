// Test-only builders for synthetic kernels: a tiny ELF64 writer and a bzImage header writer. Offsets are
// written from the specs' tables (gABI ELF64 header/phdr/shdr/note, boot.rst header table) on purpose,
// independently of the struct tables the parsers use, so a wrong table cannot agree with itself.

export interface FixtureSegment {
  readonly type?: number; // PT_LOAD unless given
  readonly paddr: bigint;
  readonly vaddr?: bigint; // = paddr unless given
  readonly data: Uint8Array;
  readonly memsz?: number; // = data.length unless given
  readonly align?: bigint;
  /** Force p_offset (e.g. 0 for a headers-only segment); otherwise the data is appended to the file. */
  readonly offset?: number;
  /** Force p_filesz (e.g. past the end of the file). */
  readonly filesz?: bigint;
}

export interface FixtureSection {
  readonly type: number;
  readonly data: Uint8Array;
  readonly align?: bigint;
}

export interface FixtureElf {
  readonly entry: bigint;
  readonly segments: readonly FixtureSegment[];
  readonly sections?: readonly FixtureSection[];
  readonly eiClass?: number;
  readonly eiData?: number;
  readonly machine?: number;
  readonly type?: number;
  readonly phentsize?: number;
}

const EHDR_SIZE = 64;
const PHDR_SIZE = 56;
const SHDR_SIZE = 64;

function align(n: number, a: number): number {
  return Math.ceil(n / a) * a;
}

export function buildElf(f: FixtureElf): Uint8Array {
  const phoff = EHDR_SIZE;
  let cursor = align(phoff + f.segments.length * PHDR_SIZE, 16);
  const placed = f.segments.map((s) => {
    if (s.offset !== undefined) return s.offset;
    const at = cursor;
    cursor = align(cursor + s.data.length, 16);
    return at;
  });
  const sections = f.sections ?? [];
  const secPlaced = sections.map((s) => {
    const at = cursor;
    cursor = align(cursor + s.data.length, 16);
    return at;
  });
  // Section 0 is the mandatory SHT_NULL entry.
  const shoff = sections.length === 0 ? 0 : cursor;
  const shnum = sections.length === 0 ? 0 : sections.length + 1;
  const total = Math.max(cursor + shnum * SHDR_SIZE, ...f.segments.map((s, i) => (placed[i] ?? 0) + s.data.length));
  const out = new Uint8Array(total);
  const v = new DataView(out.buffer);

  out.set([0x7f, 0x45, 0x4c, 0x46, f.eiClass ?? 2, f.eiData ?? 1, 1], 0);
  v.setUint16(0x10, f.type ?? 2, true); // e_type
  v.setUint16(0x12, f.machine ?? 62, true); // e_machine
  v.setUint32(0x14, 1, true); // e_version
  v.setBigUint64(0x18, f.entry, true); // e_entry
  v.setBigUint64(0x20, BigInt(phoff), true); // e_phoff
  v.setBigUint64(0x28, BigInt(shoff), true); // e_shoff
  v.setUint16(0x34, EHDR_SIZE, true); // e_ehsize
  v.setUint16(0x36, f.phentsize ?? PHDR_SIZE, true); // e_phentsize
  v.setUint16(0x38, f.segments.length, true); // e_phnum
  v.setUint16(0x3a, SHDR_SIZE, true); // e_shentsize
  v.setUint16(0x3c, shnum, true); // e_shnum

  f.segments.forEach((s, i) => {
    const p = phoff + i * PHDR_SIZE;
    const off = placed[i] ?? 0;
    v.setUint32(p + 0x00, s.type ?? 1, true); // p_type
    v.setUint32(p + 0x04, 5, true); // p_flags R+X
    v.setBigUint64(p + 0x08, BigInt(off), true); // p_offset
    v.setBigUint64(p + 0x10, s.vaddr ?? s.paddr, true); // p_vaddr
    v.setBigUint64(p + 0x18, s.paddr, true); // p_paddr
    v.setBigUint64(p + 0x20, s.filesz ?? BigInt(s.data.length), true); // p_filesz
    v.setBigUint64(p + 0x28, BigInt(s.memsz ?? s.data.length), true); // p_memsz
    v.setBigUint64(p + 0x30, s.align ?? 0x1000n, true); // p_align
    if (s.offset === undefined) out.set(s.data, off);
  });
  sections.forEach((s, i) => {
    const at = secPlaced[i] ?? 0;
    out.set(s.data, at);
    const h = shoff + (i + 1) * SHDR_SIZE;
    v.setUint32(h + 0x04, s.type, true); // sh_type
    v.setBigUint64(h + 0x18, BigInt(at), true); // sh_offset
    v.setBigUint64(h + 0x20, BigInt(s.data.length), true); // sh_size
    v.setBigUint64(h + 0x30, s.align ?? 4n, true); // sh_addralign
  });
  return out;
}

/** One ELF note: namesz, descsz, type, then name and desc each padded to `pad`. */
export function elfNote(name: string, type: number, desc: Uint8Array, pad = 4): Uint8Array {
  const nameBytes = new TextEncoder().encode(`${name}\0`);
  const out = new Uint8Array(12 + align(nameBytes.length, pad) + align(desc.length, pad));
  const v = new DataView(out.buffer);
  v.setUint32(0, nameBytes.length, true);
  v.setUint32(4, desc.length, true);
  v.setUint32(8, type, true);
  out.set(nameBytes, 12);
  out.set(desc, 12 + align(nameBytes.length, pad));
  return out;
}

export function u32Bytes(x: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, x, true);
  return b;
}

export interface FixtureBzImage {
  readonly setupSects?: number; // 1 unless given
  readonly pmSize?: number; // protected-mode kernel bytes; 4096 unless given
  readonly syssize?: number; // pmSize / 16 unless given
  readonly bootFlag?: number;
  readonly magic?: string;
  readonly version?: number;
  readonly headerEndByte?: number; // byte at 0x201; 0x6a (header ends at 0x26c) unless given
  readonly loadflags?: number;
  readonly xloadflags?: number;
  readonly kernelAlignment?: number;
  readonly relocatable?: number;
  readonly cmdlineSize?: number;
  readonly prefAddress?: bigint;
  readonly initSize?: number;
  readonly code32Start?: number; // 0x100000 unless given
}

/** A bzImage-shaped file: boot sector with the setup header, setup sectors, then a protected-mode part. */
export function buildBzImage(f: FixtureBzImage = {}): Uint8Array {
  const sects = f.setupSects ?? 1;
  const setupSize = ((sects === 0 ? 4 : sects) + 1) * 512;
  const pmSize = f.pmSize ?? 4096;
  const out = new Uint8Array(setupSize + pmSize);
  const v = new DataView(out.buffer);
  v.setUint8(0x1f1, sects); // setup_sects
  v.setUint32(0x1f4, f.syssize ?? Math.ceil(pmSize / 16), true); // syssize
  v.setUint16(0x1fa, 0xffff, true); // vid_mode
  v.setUint16(0x1fe, f.bootFlag ?? 0xaa55, true); // boot_flag
  out[0x200] = 0xeb; // jump
  out[0x201] = f.headerEndByte ?? 0x6a;
  out.set(new TextEncoder().encode(f.magic ?? 'HdrS'), 0x202); // header
  v.setUint16(0x206, f.version ?? 0x020f, true); // version
  v.setUint8(0x211, f.loadflags ?? 0x01); // loadflags: LOADED_HIGH
  v.setUint32(0x214, f.code32Start ?? 0x100000, true); // code32_start
  v.setUint32(0x22c, 0x7fffffff, true); // initrd_addr_max
  v.setUint32(0x230, f.kernelAlignment ?? 0x200000, true); // kernel_alignment
  v.setUint8(0x234, f.relocatable ?? 1); // relocatable_kernel
  v.setUint8(0x235, 21); // min_alignment
  v.setUint16(0x236, f.xloadflags ?? 0x3, true); // xloadflags: KERNEL_64 | CAN_BE_LOADED_ABOVE_4G
  v.setUint32(0x238, f.cmdlineSize ?? 2047, true); // cmdline_size
  v.setBigUint64(0x258, f.prefAddress ?? 0x1000000n, true); // pref_address
  v.setUint32(0x260, f.initSize ?? 0x800000, true); // init_size
  for (let i = 0; i < pmSize; i++) out[setupSize + i] = (i * 7 + 3) & 0xff;
  return out;
}
