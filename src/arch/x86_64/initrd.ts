// Where the initrd goes: page-aligned at the top of RAM below the 32-bit MMIO gap, as Firecracker
// places it (shared/reference/vmm-notes.md §2.4), and never over the kernel.

import { gpa, hex, KiB, MiB, type Gpa } from '../../memory/address.js';
import { ramRegions } from './e820.js';
import { LAYOUT } from './layout.js';
import { LoaderError } from './loader-error.js';

const PAGE_SIZE = 4 * KiB;

export function initrdAddress(ramSize: number, initrdSize: number, kernelEnd: Gpa): Gpa {
  const [low] = ramRegions(ramSize);
  if (low === undefined) throw new Error('ramRegions returned no region');
  if (!Number.isSafeInteger(initrdSize) || initrdSize <= 0) {
    throw new LoaderError('bad-initrd', `initrd size ${String(initrdSize)} is not a positive number of bytes; is the file empty?`);
  }
  const top = low.gpa + low.size;
  const floor = Math.max(kernelEnd, LAYOUT.HIMEM_START);
  const addr = Math.floor((top - initrdSize) / PAGE_SIZE) * PAGE_SIZE;
  if (addr < floor) {
    const need = Math.ceil((floor + initrdSize + PAGE_SIZE) / MiB);
    const hint = need * MiB <= LAYOUT.MMIO_GAP_START ? `give the VM at least ${need} MiB` : 'use a smaller initrd';
    throw new LoaderError(
      'does-not-fit',
      `initrd of ${initrdSize} bytes does not fit between the kernel (ending at ${hex(kernelEnd)}) and ${hex(top)}; ${hint}`,
    );
  }
  return gpa(addr);
}
