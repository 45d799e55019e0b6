import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GiB, MiB } from '../../memory/address.js';
import { ELF64_EHDR, ELF64_NHDR, ELF64_PHDR, ELF64_SHDR, E_IDENT, parseElf, XEN_ELFNOTE_PHYS32_ENTRY } from './elf.js';
import { buildElf, elfNote, u32Bytes, type FixtureElf } from './kernel-fixtures.js';
import { LoaderError, type LoaderErrorCode } from './loader-error.js';

const MEM = 64 * MiB;
const code = (c: LoaderErrorCode, re?: RegExp) => (e: unknown) =>
  e instanceof LoaderError && e.code === c && (re === undefined || re.test(e.message));
const text = (n: number, seed = 1) => Uint8Array.from({ length: n }, (_, i) => (i * 13 + seed) & 0xff);
const simple = (over: Partial<FixtureElf> = {}): Uint8Array =>
  buildElf({ entry: 0x100000n, segments: [{ paddr: 0x100000n, data: text(32), memsz: 64 }], ...over });

test('ELF64 layouts have the gABI sizes and offsets', () => {
  assert.equal(E_IDENT.size, 16);
  assert.equal(ELF64_EHDR.size, 64);
  assert.equal(ELF64_PHDR.size, 56);
  assert.equal(ELF64_SHDR.size, 64);
  assert.equal(ELF64_NHDR.size, 12);
  const e = ELF64_EHDR.offsets;
  assert.deepEqual([e.e_type, e.e_machine, e.e_entry, e.e_phoff, e.e_shoff, e.e_phentsize, e.e_phnum, e.e_shnum], [0x10, 0x12, 0x18, 0x20, 0x28, 0x36, 0x38, 0x3c]);
  const p = ELF64_PHDR.offsets;
  assert.deepEqual([p.p_offset, p.p_vaddr, p.p_paddr, p.p_filesz, p.p_memsz, p.p_align], [0x08, 0x10, 0x18, 0x20, 0x28, 0x30]);
  const s = ELF64_SHDR.offsets;
  assert.deepEqual([s.sh_type, s.sh_offset, s.sh_size, s.sh_addralign], [0x04, 0x18, 0x20, 0x30]);
});

test('one PT_LOAD: data, BSS size, entry and end', () => {
  const file = simple();
  const k = parseElf(file, MEM);
  assert.equal(k.kind, 'elf');
  assert.equal(k.entry, 0x100000);
  assert.equal(k.pvhEntry, undefined);
  assert.equal(k.end, 0x100040);
  assert.equal(k.segments.length, 1);
  assert.equal(k.segments[0]!.gpa, 0x100000);
  assert.equal(k.segments[0]!.memSize, 64);
  assert.deepEqual([...k.segments[0]!.data], [...text(32)]);
});

test('segments come back sorted by address; empty and non-LOAD headers are ignored; end is the highest byte + 1', () => {
  const k = parseElf(
    buildElf({
      entry: 0x200010n,
      segments: [
        { paddr: 0x300000n, data: text(16, 2), memsz: 0x2000 },
        { type: 0x6474e551, paddr: 0n, data: new Uint8Array(0) }, // PT_GNU_STACK
        { paddr: 0x200000n, data: text(48, 3) },
        { paddr: 0x400000n, data: new Uint8Array(0), memsz: 0 },
      ],
    }),
    MEM,
  );
  assert.deepEqual(k.segments.map((s) => s.gpa), [0x200000, 0x300000]);
  assert.equal(k.end, 0x302000);
  assert.equal(k.entry, 0x200010);
});

test('a BSS-only PT_LOAD (p_filesz 0) is kept as a zero-fill segment', () => {
  const k = parseElf(
    buildElf({ entry: 0x100000n, segments: [{ paddr: 0x100000n, data: text(16) }, { paddr: 0x101000n, data: new Uint8Array(0), memsz: 0x3000 }] }),
    MEM,
  );
  assert.deepEqual(k.segments.map((s) => [s.gpa, s.data.length, s.memSize]), [[0x100000, 16, 16], [0x101000, 0, 0x3000]]);
  assert.equal(k.end, 0x104000);
});

test('vmlinux-style: virtual p_vaddr, physical p_paddr and a physical e_entry load at p_paddr', () => {
  const k = parseElf(
    buildElf({ entry: 0x1000000n, segments: [{ paddr: 0x1000000n, vaddr: 0xffffffff81000000n, data: text(64) }] }),
    MEM,
  );
  assert.equal(k.segments[0]!.gpa, 0x1000000);
  assert.equal(k.entry, 0x1000000);
});

test('a virtual e_entry is translated through its segment to a physical address', () => {
  const k = parseElf(
    buildElf({ entry: 0xffffffff81000010n, segments: [{ paddr: 0x1000000n, vaddr: 0xffffffff81000000n, data: text(64) }] }),
    MEM,
  );
  assert.equal(k.entry, 0x1000010);
});

test('segments above 4 GiB load when the VM has that much memory', () => {
  const k = parseElf(buildElf({ entry: 0x100000n, segments: [{ paddr: 0x100000n, data: text(8) }, { paddr: 0x1_0000_0000n, data: text(8) }] }), 5 * GiB);
  assert.equal(k.end, 4 * GiB + 8);
});

test('PVH entry from a "Xen" PHYS32_ENTRY note in a PT_NOTE, after other notes', () => {
  const notes = new Uint8Array([
    ...elfNote('GNU', 3, text(20)), // NT_GNU_BUILD_ID
    ...elfNote('Xen', 6, new TextEncoder().encode('linux\0')), // XEN_ELFNOTE_GUEST_OS
    ...elfNote('Xen', XEN_ELFNOTE_PHYS32_ENTRY, u32Bytes(0x100020)),
  ]);
  const k = parseElf(
    buildElf({ entry: 0x100000n, segments: [{ paddr: 0x100000n, data: text(64) }, { type: 4, paddr: 0n, data: notes, align: 4n }] }),
    MEM,
  );
  assert.equal(k.pvhEntry, 0x100020);
  assert.equal(k.entry, 0x100000);
});

test('a PHYS32_ENTRY note with another owner name, or another type, is not the PVH entry', () => {
  const notes = new Uint8Array([...elfNote('Xem', XEN_ELFNOTE_PHYS32_ENTRY, u32Bytes(0x100020)), ...elfNote('Xen', 17, u32Bytes(0x100020))]);
  const k = parseElf(buildElf({ entry: 0x100000n, segments: [{ paddr: 0x100000n, data: text(64) }, { type: 4, paddr: 0n, data: notes }] }), MEM);
  assert.equal(k.pvhEntry, undefined);
});

test('PVH note in an 8-aligned note segment and a 64-bit descriptor', () => {
  const desc = new Uint8Array(8);
  new DataView(desc.buffer).setUint32(0, 0x100030, true);
  const notes = new Uint8Array([...elfNote('GNU', 5, text(12), 8), ...elfNote('Xen', XEN_ELFNOTE_PHYS32_ENTRY, desc, 8)]);
  const k = parseElf(buildElf({ entry: 0x100000n, segments: [{ paddr: 0x100000n, data: text(64) }, { type: 4, paddr: 0n, data: notes, align: 8n }] }), MEM);
  assert.equal(k.pvhEntry, 0x100030);
});

test('PVH note found in a SHT_NOTE section when there is no PT_NOTE', () => {
  const note = elfNote('Xen', XEN_ELFNOTE_PHYS32_ENTRY, u32Bytes(0x100008));
  const k = parseElf(buildElf({ entry: 0x100000n, segments: [{ paddr: 0x100000n, data: text(64) }], sections: [{ type: 1, data: text(8) }, { type: 7, data: note }] }), MEM);
  assert.equal(k.pvhEntry, 0x100008);
});

test('a headers-only PT_LOAD below 1 MiB (ld -Ttext) is skipped; other low segments are refused', () => {
  const headersOnly = { paddr: 0xff000n, data: new Uint8Array(0), offset: 0, filesz: BigInt(64 + 2 * 56), memsz: 64 + 2 * 56 };
  const k = parseElf(buildElf({ entry: 0x100000n, segments: [headersOnly, { paddr: 0x100000n, data: text(16) }] }), MEM);
  assert.deepEqual(k.segments.map((s) => s.gpa), [0x100000]);
  // One byte more than the headers is real content.
  const more = { ...headersOnly, filesz: BigInt(64 + 2 * 56 + 1), memsz: 64 + 2 * 56 + 1 };
  assert.throws(() => parseElf(buildElf({ entry: 0x100000n, segments: [more, { paddr: 0x100000n, data: text(16) }] }), MEM), code('does-not-fit', /below 0x100000/));
});

test('refusals: not ELF, 32-bit, big-endian, other machines, non-executables', () => {
  assert.throws(() => parseElf(new TextEncoder().encode('#!/bin/sh\necho hi\n'), MEM), code('not-a-kernel'));
  assert.throws(() => parseElf(simple({ eiClass: 1 }), MEM), code('unsupported', /32-bit/));
  assert.throws(() => parseElf(simple({ eiClass: 9 }), MEM), code('malformed', /EI_CLASS/));
  assert.throws(() => parseElf(simple({ eiData: 2 }), MEM), code('unsupported', /big-endian/));
  assert.throws(() => parseElf(simple({ machine: 183 }), MEM), code('unsupported', /AArch64/));
  assert.throws(() => parseElf(simple({ machine: 3 }), MEM), code('unsupported', /i386/));
  assert.throws(() => parseElf(simple({ type: 3 }), MEM), code('unsupported', /ET_DYN/));
  assert.throws(() => parseElf(simple({ type: 1 }), MEM), code('unsupported', /ET_REL/));
});

test('refusals: truncated header, program headers, segment data, section headers', () => {
  const file = simple();
  assert.throws(() => parseElf(file.subarray(0, 40), MEM), code('truncated'));
  assert.throws(() => parseElf(file.subarray(0, 64 + 30), MEM), code('truncated', /program header table/));
  assert.throws(() => parseElf(file.subarray(0, file.length - 1), MEM), code('truncated', /segment 0/));
  assert.throws(
    () => parseElf(buildElf({ entry: 0x100000n, segments: [{ paddr: 0x100000n, data: text(16), filesz: 0x10_0000n, memsz: 0x10_0000 }] }), MEM),
    code('truncated'),
  );
  const withSections = buildElf({ entry: 0x100000n, segments: [{ paddr: 0x100000n, data: text(16) }], sections: [{ type: 7, data: new Uint8Array(0) }] });
  assert.throws(() => parseElf(withSections.subarray(0, withSections.length - 8), MEM), code('truncated', /section header table/));
});

test('refusals: malformed headers, no PT_LOAD, overlaps, entry outside the image', () => {
  assert.throws(() => parseElf(simple({ phentsize: 32 }), MEM), code('malformed', /e_phentsize/));
  assert.throws(() => parseElf(buildElf({ entry: 0x100000n, segments: [{ type: 4, paddr: 0n, data: new Uint8Array(0) }] }), MEM), code('malformed', /no non-empty PT_LOAD/));
  assert.throws(() => parseElf(buildElf({ entry: 0x100000n, segments: [] }), MEM), code('malformed', /PT_LOAD/));
  assert.throws(
    () => parseElf(buildElf({ entry: 0x100000n, segments: [{ paddr: 0x100000n, data: text(0x100) }, { paddr: 0x1000f0n, data: text(16) }] }), MEM),
    code('malformed', /overlap/),
  );
  assert.throws(() => parseElf(buildElf({ entry: 0x100000n, segments: [{ paddr: 0x100000n, data: text(32), memsz: 16 }] }), MEM), code('malformed', /p_filesz/));
  assert.throws(() => parseElf(simple({ entry: 0x200000n }), MEM), code('malformed', /entry point 0x200000/));
  assert.throws(() => parseElf(simple({ entry: 0xffffffff81000000n }), MEM), code('malformed', /e_entry/));
});

test('refusals: segments below 1 MiB, beyond memory, or in the MMIO gap', () => {
  assert.throws(() => parseElf(buildElf({ entry: 0x8000n, segments: [{ paddr: 0x8000n, data: text(16) }] }), MEM), code('does-not-fit', /HIMEM_START/));
  assert.throws(
    () => parseElf(buildElf({ entry: 0x100000n, segments: [{ paddr: 0x100000n, data: text(16) }, { paddr: 0x3fff000n, data: text(16), memsz: 0x2000 }] }), MEM),
    code('does-not-fit', /beyond guest memory \(64 MiB\); give the VM at least 65 MiB/),
  );
  // The hint covers the highest segment even when a lower one is the first to fail.
  assert.throws(
    () =>
      parseElf(
        buildElf({ entry: 0x100000n, segments: [{ paddr: 0x100000n, data: text(16) }, { paddr: 0x3fff000n, data: text(16), memsz: 0x2000 }, { paddr: 0x6000000n, data: text(16) }] }),
        MEM,
      ),
    code('does-not-fit', /segment 1 .* give the VM at least 97 MiB/),
  );
  assert.throws(
    () => parseElf(buildElf({ entry: 0x100000n, segments: [{ paddr: 0x100000n, data: text(16) }, { paddr: 0xc000_0000n, data: text(16) }] }), 8 * GiB),
    code('does-not-fit', /MMIO gap/),
  );
  assert.throws(
    () => parseElf(buildElf({ entry: 0x100000n, segments: [{ paddr: 0x100000n, data: text(16) }, { paddr: 0x1_4000_0000n, data: text(16) }] }), 4 * GiB),
    code('does-not-fit', /give the VM at least 4097 MiB/),
  );
  assert.throws(() => parseElf(simple(), 1000), code('bad-memory-size'));
});

test('refusals: bad PVH notes', () => {
  const seg = { paddr: 0x100000n, data: text(64) };
  const withNotes = (notes: Uint8Array) => buildElf({ entry: 0x100000n, segments: [seg, { type: 4, paddr: 0n, data: notes }] });
  assert.throws(() => parseElf(withNotes(elfNote('Xen', XEN_ELFNOTE_PHYS32_ENTRY, Uint8Array.of(1, 2))), MEM), code('malformed', /2-byte descriptor/));
  assert.throws(() => parseElf(withNotes(elfNote('Xen', XEN_ELFNOTE_PHYS32_ENTRY, u32Bytes(0x900000))), MEM), code('malformed', /PVH entry 0x900000/));
  const high = new Uint8Array(8);
  high[4] = 1;
  assert.throws(() => parseElf(withNotes(elfNote('Xen', XEN_ELFNOTE_PHYS32_ENTRY, high)), MEM), code('malformed', /above 4 GiB/));
  const cut = elfNote('Xen', XEN_ELFNOTE_PHYS32_ENTRY, u32Bytes(0x100000));
  new DataView(cut.buffer).setUint32(4, 64, true); // descsz past the note area
  assert.throws(() => parseElf(withNotes(cut), MEM), code('malformed', /runs past/));
});

/** LOAD rows of `readelf -lW`: [offset, vaddr, paddr, filesz, memsz]. */
function readelfLoads(path: string): bigint[][] {
  const out = execFileSync('readelf', ['-lW', path], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((l) => /^\s*LOAD\s+(0x\S+)\s+(0x\S+)\s+(0x\S+)\s+(0x\S+)\s+(0x\S+)/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => m.slice(1, 6).map((x) => BigInt(x)));
}

function symbols(path: string): Map<string, number> {
  const out = execFileSync('nm', [path], { encoding: 'utf8' });
  return new Map(out.split('\n').filter(Boolean).map((l) => {
    const [addr, , name] = l.trim().split(/\s+/);
    return [name ?? '', Number.parseInt(addr ?? '', 16)];
  }));
}

test('a real ELF from gcc -nostdlib -static -Wl,-Ttext=0x100000 (oracles: readelf, nm)', (t) => {
  try {
    execFileSync('gcc', ['--version'], { stdio: 'ignore' });
    execFileSync('readelf', ['--version'], { stdio: 'ignore' });
  } catch {
    console.log('skipping: gcc or readelf not found on PATH');
    t.skip('gcc or readelf not found on PATH');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'bothy-elf-'));
  try {
    const src = join(dir, 'guest.c');
    writeFileSync(
      src,
      [
        'void _start(void) { for (;;) __asm__ volatile("hlt"); }',
        'void pvh_start(void) { for (;;) __asm__ volatile("hlt"); }',
        // The kernel's ELFNOTE(Xen, XEN_ELFNOTE_PHYS32_ENTRY, .long pvh_start), by hand.
        '__asm__(".pushsection .note.Xen, \\"a\\", @note\\n.balign 4\\n.long 4\\n.long 4\\n.long 18\\n.asciz \\"Xen\\"\\n.balign 4\\n.long pvh_start\\n.popsection\\n");',
        'char bss[8192];',
        '',
      ].join('\n'),
    );
    const plain = join(dir, 'plain.c');
    writeFileSync(plain, 'void _start(void) { for (;;) __asm__ volatile("hlt"); }\nint counter = 1;\n');
    for (const [source, exe, hasPvh] of [[src, join(dir, 'pvh'), true], [plain, join(dir, 'plain'), false]] as const) {
      execFileSync('gcc', ['-nostdlib', '-static', '-Wl,-Ttext=0x100000', '-o', exe, source]);
      const file = new Uint8Array(readFileSync(exe));
      const k = parseElf(file, MEM);
      const syms = symbols(exe);
      assert.equal(k.entry, syms.get('_start'));
      assert.equal(k.pvhEntry, hasPvh ? syms.get('pvh_start') : undefined);
      const expected = readelfLoads(exe).filter(([, , paddr, , memsz]) => memsz! > 0n && paddr! >= 0x100000n);
      assert.deepEqual(
        k.segments.map((s) => [s.gpa, s.data.length, s.memSize]),
        expected.map(([, , paddr, filesz, memsz]) => [Number(paddr), Number(filesz), Number(memsz)]).sort((a, b) => a[0]! - b[0]!),
      );
      for (const s of k.segments) {
        const row = expected.find(([, , paddr]) => Number(paddr) === s.gpa)!;
        assert.deepEqual(s.data, file.subarray(Number(row[0]), Number(row[0]) + s.data.length));
      }
      assert.equal(k.end, Math.max(...expected.map(([, , paddr, , memsz]) => Number(paddr! + memsz!))));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
