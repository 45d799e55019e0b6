// The boot GDT bothy writes at LAYOUT.BOOT_GDT and the matching KVM segment registers. Selectors follow
// the Linux 64-bit boot protocol (Documentation/arch/x86/boot.rst: __BOOT_CS 0x10, __BOOT_DS 0x18).

import type { Segment } from '../../kvm/vcpu-fd.js';

/** Packs a descriptor the way the SDM (Vol. 3A §3.4.5) lays it out: flags are the access byte + G/DB/L/AVL nibble. */
export function gdtEntry(flags: number, base: number, limit: number): bigint {
  const b = BigInt(base >>> 0);
  const l = BigInt(limit >>> 0);
  const f = BigInt(flags);
  return (
    ((b & 0xff00_0000n) << 32n) |
    ((f & 0xf0ffn) << 40n) |
    ((l & 0xf_0000n) << 32n) |
    ((b & 0x00ff_ffffn) << 16n) |
    (l & 0xffffn)
  );
}

export const GDT_CODE64_FLAGS = 0xa09b; // present, DPL0, code exec/read accessed, L=1, G=1
export const GDT_DATA_FLAGS = 0xc093; // present, DPL0, data read/write accessed, DB=1, G=1
export const GDT_TSS_FLAGS = 0x808b; // present, 64-bit busy TSS, G=1
export const GDT_CODE32_FLAGS = 0xc09b; // PVH: flat 32-bit code

export const BOOT_CS = 0x10;
export const BOOT_DS = 0x18;
export const BOOT_TSS = 0x20;

/** Null, null, code, data, TSS — 5 entries, so selectors match the Linux boot protocol. */
export function bootGdt(mode: 'long' | 'protected'): bigint[] {
  return [
    0n,
    0n,
    gdtEntry(mode === 'long' ? GDT_CODE64_FLAGS : GDT_CODE32_FLAGS, 0, 0xfffff),
    gdtEntry(GDT_DATA_FLAGS, 0, 0xfffff),
    gdtEntry(GDT_TSS_FLAGS, 0, 0xfffff),
  ];
}

export function encodeGdt(entries: readonly bigint[]): Uint8Array {
  const out = new Uint8Array(entries.length * 8);
  const dv = new DataView(out.buffer);
  entries.forEach((e, i) => dv.setBigUint64(i * 8, e, true));
  return out;
}

/** The KVM segment register a GDT entry loads as (hidden part included). */
export function segmentFromGdt(entry: bigint, index: number): Segment {
  const bits = (shift: bigint, mask: bigint): number => Number((entry >> shift) & mask);
  const g = bits(55n, 1n);
  const rawLimit = bits(0n, 0xffffn) | (bits(48n, 0xfn) << 16);
  const present = bits(47n, 1n);
  return {
    base: BigInt(bits(16n, 0xffffffn) | (bits(56n, 0xffn) << 24)) & 0xffff_ffffn,
    limit: g ? ((rawLimit << 12) | 0xfff) >>> 0 : rawLimit,
    selector: index * 8,
    type: bits(40n, 0xfn),
    present,
    dpl: bits(45n, 3n),
    db: bits(54n, 1n),
    s: bits(44n, 1n),
    l: bits(53n, 1n),
    g,
    avl: bits(52n, 1n),
    unusable: present ? 0 : 1,
    padding: 0,
  };
}
