import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gdtEntry, segmentFromGdt, bootGdt, GDT_CODE64_FLAGS, GDT_DATA_FLAGS, BOOT_CS } from './gdt.js';
import { identityPageTables } from './page-tables.js';
import { cpuidTemplate } from './cpuid.js';
import { LAYOUT } from './layout.js';

test('gdt entries encode like the SDM descriptor format', () => {
  // The canonical flat 64-bit code and data descriptors.
  assert.equal(gdtEntry(GDT_CODE64_FLAGS, 0, 0xfffff), 0x00af9b000000ffffn);
  assert.equal(gdtEntry(GDT_DATA_FLAGS, 0, 0xfffff), 0x00cf93000000ffffn);
  assert.equal(gdtEntry(0x89, 0x12345678, 0x67), 0x1200893456780067n);
});

test('segment registers decode from the boot GDT with selectors of the Linux boot protocol', () => {
  const gdt = bootGdt('long');
  const cs = segmentFromGdt(gdt[2]!, 2);
  assert.equal(cs.selector, BOOT_CS);
  assert.deepEqual([cs.l, cs.db, cs.g, cs.present, cs.s, cs.type, cs.dpl], [1, 0, 1, 1, 1, 0xb, 0]);
  assert.equal(cs.limit, 0xffffffff);
  assert.equal(segmentFromGdt(0n, 0).unusable, 1);
});

test('identity page tables map 4 GiB with user-accessible 2 MiB pages', () => {
  const t = identityPageTables();
  assert.equal(t.length, 2 + 4);
  const at = (gpa: number, idx: number): bigint => {
    const tab = t.find((x) => x.gpa === gpa)!;
    return new DataView(tab.bytes.buffer).getBigUint64(idx * 8, true);
  };
  assert.equal(at(LAYOUT.PML4_START, 0), BigInt(LAYOUT.PDPTE_START) | 7n);
  assert.equal(at(LAYOUT.PDPTE_START, 3), BigInt(LAYOUT.PDE_START + 3 * 4096) | 7n);
  // The last 2 MiB page below 4 GiB (holds the LAPIC) is mapped.
  assert.equal(at(LAYOUT.PDE_START + 3 * 4096, 511), 0xffe00000n | 0x87n);
});

test('cpuid template sets the APIC id and topology per vCPU', () => {
  const supported = [
    { function: 1, index: 0, flags: 0, eax: 0x806a0, ebx: 0xff0800, ecx: 0x8000, edx: 0 },
    { function: 0xb, index: 1, flags: 1, eax: 0, ebx: 0, ecx: 0, edx: 0 },
  ];
  const [l1, lb] = cpuidTemplate(supported, { vcpuId: 3, vcpuCount: 4 });
  assert.equal(l1!.ebx >>> 24, 3);
  assert.equal((l1!.ebx >>> 16) & 0xff, 4);
  assert.equal(l1!.ecx & 0x8000, 0, 'PDCM is cleared');
  assert.ok((l1!.ecx & (1 << 31)) !== 0, 'hypervisor bit set');
  assert.deepEqual([lb!.eax, lb!.ebx, lb!.edx], [2, 4, 3]);
});
