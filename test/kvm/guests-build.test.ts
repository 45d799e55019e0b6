// The micro-guest build (guests/build.ts): ELF shape against the boot contract (ELF64 EXEC x86-64 at 1 MiB,
// PVH note XEN_ELFNOTE_PHYS32_ENTRY) and the ring-0 instruction check. ELF layouts: System V gABI ch. 4-5.

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import {
  ELF64_EHDR as Elf64Ehdr, ELF64_PHDR as Elf64Phdr, ELF64_NHDR as Elf64Nhdr, ET_EXEC, EM_X86_64, PT_LOAD, PT_NOTE,
  XEN_ELFNOTE_PHYS32_ENTRY,
} from '../../src/arch/x86_64/elf.js';
import { LAYOUT } from '../../src/arch/x86_64/layout.js';
import { hasTool } from '../support/tools.js';
import { buildGuests, findForbiddenInstructions, guestPath, GUESTS } from '../../guests/build.js';

const PF_X = 1;
const HIMEM_START = BigInt(LAYOUT.HIMEM_START);

const gcc = hasTool('gcc');
const objdump = hasTool('objdump');

before(async () => {
  if (gcc) await buildGuests({ log: () => {} });
});

test('ELF header layouts have their gABI sizes', () => {
  assert.equal(Elf64Ehdr.size, 64);
  assert.equal(Elf64Phdr.size, 56);
  assert.equal(Elf64Nhdr.size, 12);
});

function phdrs(elf: Uint8Array): ReturnType<typeof Elf64Phdr.decode>[] {
  const eh = Elf64Ehdr.decode(elf);
  return Array.from({ length: eh.e_phnum }, (_, i) => Elf64Phdr.decode(elf, Number(eh.e_phoff) + i * eh.e_phentsize));
}

function pvhEntry(elf: Uint8Array): number | undefined {
  for (const ph of phdrs(elf).filter((p) => p.p_type === PT_NOTE)) {
    let at = Number(ph.p_offset);
    const end = at + Number(ph.p_filesz);
    while (at + Elf64Nhdr.size <= end) {
      const n = Elf64Nhdr.decode(elf, at);
      const name = new TextDecoder().decode(elf.subarray(at + Elf64Nhdr.size, at + Elf64Nhdr.size + n.n_namesz));
      const desc = at + Elf64Nhdr.size + Math.ceil(n.n_namesz / 4) * 4;
      if (name === 'Xen\0' && n.n_type === XEN_ELFNOTE_PHYS32_ENTRY && n.n_descsz >= 4) {
        return new DataView(elf.buffer, elf.byteOffset).getUint32(desc, true);
      }
      at = desc + Math.ceil(n.n_descsz / 4) * 4;
    }
  }
  return undefined;
}

for (const name of GUESTS) {
  test(`guest ${name}: ELF64 x86-64 linked at 1 MiB with a PVH entry note`, { skip: !gcc && 'gcc not installed' }, () => {
    const elf = new Uint8Array(readFileSync(guestPath(name)));
    const eh = Elf64Ehdr.decode(elf);
    assert.deepEqual([...eh.e_ident.subarray(0, 5)], [0x7f, 0x45, 0x4c, 0x46, 2], 'ELF64 magic');
    assert.equal(eh.e_type, ET_EXEC);
    assert.equal(eh.e_machine, EM_X86_64);
    const loads = phdrs(elf).filter((p) => p.p_type === PT_LOAD);
    const first = loads[0];
    assert.ok(first, 'has a PT_LOAD');
    assert.equal(first.p_paddr, HIMEM_START);
    for (const p of loads) assert.equal(p.p_paddr, p.p_vaddr, 'identity-linked');
    const text = loads.filter((p) => (p.p_flags & PF_X) !== 0);
    const inText = (a: bigint): boolean => text.some((p) => a >= p.p_paddr && a < p.p_paddr + p.p_filesz);
    assert.ok(inText(eh.e_entry), '64-bit entry inside an executable PT_LOAD');
    const pvh = pvhEntry(elf);
    assert.notEqual(pvh, undefined, 'Xen PHYS32_ENTRY note');
    assert.ok(inText(BigInt(pvh ?? 0)), 'PVH entry inside an executable PT_LOAD');
    assert.notEqual(BigInt(pvh ?? 0), eh.e_entry);
  });
}

test('the ring-0 check flags SSE, x87, int3, popcnt and vmcall but honours allowances', () => {
  const dis = [
    '0000000000100000 <f>:',
    '  100000:\tmov    %rdi,%rax',
    '  100003:\tmovdqu (%rdi),%xmm0',
    '  100007:\tfldl   (%rax)',
    '  100009:\tint3',
    '  10000a:\tpopcnt %rax,%rax',
    '  10000f:\tvmcall',
    '  100012:\tlock cmpxchg16b (%rdi)',
    '  100017:\trep stos %rax,%es:(%rdi)',
    '  10001a:\tret',
  ].join('\n');
  const found = findForbiddenInstructions(dis);
  assert.deepEqual(
    found.map((l) => l.split(':')[0]),
    ['0x100003', '0x100007', '0x100009', '0x10000a', '0x10000f', '0x100012'],
  );
  assert.equal(findForbiddenInstructions(dis, ['popcnt']).some((l) => l.includes('popcnt')), false);
});

test(
  'the ring-0 check finds the deliberate popcnt in bad-insn and nothing in the other guests',
  { skip: (!gcc || !objdump) && 'gcc or objdump not installed' },
  () => {
    for (const name of GUESTS) {
      const dis = execFileSync('objdump', ['-d', '-w', '--no-show-raw-insn', '-j', '.text', guestPath(name)], {
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      });
      const found = findForbiddenInstructions(dis);
      if (name === 'bad-insn') {
        assert.equal(found.length, 1, found.join('\n'));
        assert.match(found[0] ?? '', /popcnt/);
      } else {
        assert.deepEqual(found, [], `guest ${name}`);
      }
    }
  },
);
