// VMID allocation for VM_ALLOCATE / VM_DEALLOCATE (gunyah.md §4 special VMIDs, §4.1; RM bf31a9a vm_mgnt.c
// `vm_mgnt_handle_allocate`): vmid 0 = the lowest free dynamic VMID 0x80-0xBE; 1-63 = a free platform secondary VMID.

import { RM_ERROR } from '../rm-error.js';
import { VMID_DYNAMIC_BASE, VMID_DYNAMIC_END, VMID_HLOS, VMID_HYP } from '../vm-constants.js';
import { VmLifecycleError } from './vm-lifecycle-error.js';

/** Bit n set = VMID n is a secondary VMID; RM's QEMU platform `platform_get_secondary_vmids()` (VMIDs 4-31). */
export const RM_QEMU_SECONDARY_VMIDS = 0xffff_fff0n;

const DYNAMIC_COUNT = VMID_DYNAMIC_END - VMID_DYNAMIC_BASE;
const ALL_DYNAMIC = (1n << BigInt(DYNAMIC_COUNT)) - 1n;
/** Secondary VMIDs live in a u64 mask; 0 means "dynamic" on the wire and HLOS already exists. */
const SECONDARY_FORBIDDEN = (1n << BigInt(VMID_HYP)) | (1n << BigInt(VMID_HLOS));

export type VmidPick =
  | { readonly kind: 'picked'; readonly ok: true; readonly vmid: number; readonly dynamic: boolean }
  | { readonly kind: 'refused'; readonly ok: false; readonly rmError: typeof RM_ERROR.NORESOURCE };

/** What the VM_ALLOCATE decision needs: a look at the free sets that changes nothing. */
export interface VmidPicker {
  pick(requested: number): VmidPick;
}

export interface VmidAllocatorOptions {
  /** The platform's secondary VMIDs as a bit mask (bit n = VMID n, n < 64); default RM_QEMU_SECONDARY_VMIDS. */
  readonly secondaryVmids?: bigint;
}

/** The allocator's whole state, for snapshots: set bits are free VMIDs. */
export interface VmidAllocatorState {
  readonly secondaryVmids: bigint;
  readonly freeSecondary: bigint;
  /** Bit n = VMID VMID_DYNAMIC_BASE + n. */
  readonly freeDynamic: bigint;
}

const NORESOURCE: VmidPick = Object.freeze({ kind: 'refused', ok: false, rmError: RM_ERROR.NORESOURCE });

export class VmidAllocator implements VmidPicker {
  readonly secondaryVmids: bigint;
  #freeSecondary: bigint;
  #freeDynamic: bigint;

  constructor(options: VmidAllocatorOptions = {}) {
    this.secondaryVmids = checkSecondaryMask(options.secondaryVmids ?? RM_QEMU_SECONDARY_VMIDS);
    this.#freeSecondary = this.secondaryVmids;
    this.#freeDynamic = ALL_DYNAMIC;
  }

  static fromState(s: VmidAllocatorState): VmidAllocator {
    const a = new VmidAllocator({ secondaryVmids: s.secondaryVmids });
    if (typeof s.freeSecondary !== 'bigint' || (s.freeSecondary & ~a.secondaryVmids) !== 0n || s.freeSecondary < 0n) {
      throw new VmLifecycleError('INVALID_STATE', `Saved free secondary VMIDs ${show(s.freeSecondary)} are not a subset of the secondary set 0x${a.secondaryVmids.toString(16)}`);
    }
    if (typeof s.freeDynamic !== 'bigint' || s.freeDynamic < 0n || (s.freeDynamic & ~ALL_DYNAMIC) !== 0n) {
      throw new VmLifecycleError('INVALID_STATE', `Saved free dynamic VMIDs ${show(s.freeDynamic)} name bits outside 0-${DYNAMIC_COUNT - 1} (VMIDs 0x80-0xBE)`);
    }
    a.#freeSecondary = s.freeSecondary;
    a.#freeDynamic = s.freeDynamic;
    return a;
  }

  state(): VmidAllocatorState {
    return { secondaryVmids: this.secondaryVmids, freeSecondary: this.#freeSecondary, freeDynamic: this.#freeDynamic };
  }

  /** What allocate(requested) would answer, without taking anything. */
  pick(requested: number): VmidPick {
    if (requested === 0) {
      if (this.#freeDynamic === 0n) return NORESOURCE;
      return { kind: 'picked', ok: true, vmid: VMID_DYNAMIC_BASE + lowestSetBit(this.#freeDynamic), dynamic: true };
    }
    // Anything else must name a free secondary VMID; a dynamic one can only be had by asking for 0.
    if (Number.isInteger(requested) && requested > 0 && requested < 64 && (this.#freeSecondary & (1n << BigInt(requested))) !== 0n) {
      return { kind: 'picked', ok: true, vmid: requested, dynamic: false };
    }
    return NORESOURCE;
  }

  /** VM_ALLOCATE's VMID step: pick, then take what was picked. */
  allocate(requested: number): VmidPick {
    const p = this.pick(requested);
    if (p.ok) this.#take(p.vmid);
    return p;
  }

  /** Takes a VMID a pick() returned; false if it is no longer free (another allocation got there first). */
  claim(vmid: number): boolean {
    if (!this.isFree(vmid)) return false;
    this.#take(vmid);
    return true;
  }

  /** VM_DEALLOCATE's VMID step: the VMID goes back to its free set; false if it was not allocated here. */
  release(vmid: number): boolean {
    const slot = this.#slot(vmid);
    if (slot === undefined || slot.free) return false;
    if (slot.dynamic) this.#freeDynamic |= slot.bit;
    else this.#freeSecondary |= slot.bit;
    return true;
  }

  isFree(vmid: number): boolean {
    return this.#slot(vmid)?.free === true;
  }

  isAllocated(vmid: number): boolean {
    return this.#slot(vmid)?.free === false;
  }

  /** RM `vm_is_dynamic_vm`: in 0x80-0xBE and currently allocated. */
  isDynamicVm(vmid: number): boolean {
    return this.#slot(vmid)?.dynamic === true && this.isAllocated(vmid);
  }

  get freeDynamicCount(): number {
    return popcount(this.#freeDynamic);
  }

  #take(vmid: number): void {
    const slot = this.#slot(vmid)!;
    if (slot.dynamic) this.#freeDynamic &= ~slot.bit;
    else this.#freeSecondary &= ~slot.bit;
  }

  #slot(vmid: number): { dynamic: boolean; bit: bigint; free: boolean } | undefined {
    if (!Number.isInteger(vmid)) return undefined;
    if (vmid >= VMID_DYNAMIC_BASE && vmid < VMID_DYNAMIC_END) {
      const bit = 1n << BigInt(vmid - VMID_DYNAMIC_BASE);
      return { dynamic: true, bit, free: (this.#freeDynamic & bit) !== 0n };
    }
    if (vmid > 0 && vmid < 64) {
      const bit = 1n << BigInt(vmid);
      if ((this.secondaryVmids & bit) === 0n) return undefined;
      return { dynamic: false, bit, free: (this.#freeSecondary & bit) !== 0n };
    }
    return undefined;
  }
}

function checkSecondaryMask(mask: bigint): bigint {
  if (typeof mask !== 'bigint' || mask < 0n || mask >= 1n << 64n) {
    throw new VmLifecycleError('INVALID_OPTION', `Secondary VMID mask ${String(mask)} is not a u64 bit mask; pass e.g. 0xffff_fff0n for VMIDs 4-31`);
  }
  if ((mask & SECONDARY_FORBIDDEN) !== 0n) {
    throw new VmLifecycleError('INVALID_OPTION', `Secondary VMID mask 0x${mask.toString(16)} includes VMID 0 (means "dynamic") or VMID 3 (HLOS); clear bits 0 and 3`);
  }
  return mask;
}

function show(x: unknown): string {
  return typeof x === 'bigint' ? `0x${x.toString(16)}` : String(x);
}

function lowestSetBit(x: bigint): number {
  let n = 0;
  while ((x & 1n) === 0n) {
    x >>= 1n;
    n++;
  }
  return n;
}

function popcount(x: bigint): number {
  let n = 0;
  for (; x !== 0n; x &= x - 1n) n++;
  return n;
}
