// Boot identity page tables: one PML4 entry, a PDPT with four entries, and four page directories
// of 2 MiB pages mapping [0, 4 GiB). User-accessible so micro-guests can run ring-3 code anywhere;
// Linux replaces them early in boot.

import { LAYOUT } from './layout.js';
import type { Gpa } from '../../memory/address.js';
import { gpa } from '../../memory/address.js';

export const PTE_PRESENT = 1n << 0n;
export const PTE_RW = 1n << 1n;
export const PTE_USER = 1n << 2n;
export const PTE_PS = 1n << 7n; // 2 MiB page in a PDE

const ENTRIES = 512;
const TWO_MIB = 2 * 1024 * 1024;

export function identityPageTables(): { gpa: Gpa; bytes: Uint8Array }[] {
  const dirs = LAYOUT.IDENTITY_MAPPED / (ENTRIES * TWO_MIB);
  const table = (): { bytes: Uint8Array; dv: DataView } => {
    const bytes = new Uint8Array(4096);
    return { bytes, dv: new DataView(bytes.buffer) };
  };
  const flags = PTE_PRESENT | PTE_RW | PTE_USER;
  const pml4 = table();
  pml4.dv.setBigUint64(0, BigInt(LAYOUT.PDPTE_START) | flags, true);
  const pdpt = table();
  const out = [{ gpa: LAYOUT.PML4_START, bytes: pml4.bytes }, { gpa: LAYOUT.PDPTE_START, bytes: pdpt.bytes }];
  for (let d = 0; d < dirs; d++) {
    const pdGpa = LAYOUT.PDE_START + d * 4096;
    pdpt.dv.setBigUint64(d * 8, BigInt(pdGpa) | flags, true);
    const pd = table();
    for (let i = 0; i < ENTRIES; i++) {
      pd.dv.setBigUint64(i * 8, BigInt((d * ENTRIES + i) * TWO_MIB) | flags | PTE_PS, true);
    }
    out.push({ gpa: gpa(pdGpa), bytes: pd.bytes });
  }
  return out;
}
