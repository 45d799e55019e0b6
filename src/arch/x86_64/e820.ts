// The guest's e820 memory map and KVM RAM slots for bothy's x86-64 layout
// (shared/reference/vmm-notes.md §2.3; type values from the ACPI "System Address Map Interfaces").

import { gpa, hex, type Gpa, MiB, KiB } from '../../memory/address.js';
import { LAYOUT } from './layout.js';
import { LoaderError } from './loader-error.js';

export const E820_RAM = 1;
export const E820_RESERVED = 2;
export const E820_ACPI = 3;
export const E820_NVS = 4;
export const E820_UNUSABLE = 5;
export const E820_PMEM = 7;

export interface E820Entry {
  readonly addr: number;
  readonly size: number;
  readonly type: number;
}

export interface RamRegion {
  readonly gpa: Gpa;
  readonly size: number;
}

const PAGE_SIZE = 4 * KiB;

/** Throws unless `ramSize` is a page-multiple above HIMEM_START (the kernel needs RAM from 1 MiB up). */
export function checkRamSize(ramSize: number): void {
  const what = `Guest memory size ${String(ramSize)}`;
  if (!Number.isSafeInteger(ramSize) || ramSize <= 0) {
    throw new LoaderError('bad-memory-size', `${what} is not a positive whole number of bytes`);
  }
  if (ramSize % PAGE_SIZE !== 0) {
    throw new LoaderError('bad-memory-size', `${what} (${hex(ramSize)}) is not a multiple of 4 KiB; KVM maps whole pages`);
  }
  if (ramSize <= LAYOUT.HIMEM_START) {
    throw new LoaderError(
      'bad-memory-size',
      `${what} is too small: kernels load at ${hex(LAYOUT.HIMEM_START)}, so give the VM more than ${LAYOUT.HIMEM_START / MiB} MiB`,
    );
  }
  if (!Number.isSafeInteger(LAYOUT.MMIO_GAP_END + ramSize)) {
    throw new LoaderError('bad-memory-size', `${what} is too large for bothy's address space`);
  }
}

/** KVM memory slots: RAM below the 32-bit MMIO gap, then whatever is left from 4 GiB up. */
export function ramRegions(ramSize: number): RamRegion[] {
  checkRamSize(ramSize);
  const low = Math.min(ramSize, LAYOUT.MMIO_GAP_START);
  const regions: RamRegion[] = [{ gpa: gpa(0), size: low }];
  if (ramSize > low) regions.push({ gpa: LAYOUT.MMIO_GAP_END, size: ramSize - low });
  return regions;
}

export function buildE820(ramSize: number): E820Entry[] {
  const [low, high] = ramRegions(ramSize);
  if (low === undefined) throw new Error('ramRegions returned no region');
  // [SYSTEM_END, HIMEM_START) (the RSDP and legacy BIOS area) stays unlisted, as in Firecracker: Linux
  // treats an unlisted range as neither RAM nor reserved, and still finds the RSDP by scanning it.
  const map: E820Entry[] = [
    { addr: 0, size: LAYOUT.EBDA_START, type: E820_RAM },
    { addr: LAYOUT.SYSTEM_START, size: LAYOUT.SYSTEM_END - LAYOUT.SYSTEM_START, type: E820_RESERVED },
    { addr: LAYOUT.HIMEM_START, size: low.gpa + low.size - LAYOUT.HIMEM_START, type: E820_RAM },
  ];
  if (high !== undefined) map.push({ addr: high.gpa, size: high.size, type: E820_RAM });
  return map;
}
