// Kernel image detection and what to copy into guest memory: ELF (vmlinux or a micro-guest) first,
// then bzImage, the order Firecracker tries them (shared/reference/vmm-notes.md §2.1).

import { assertNever } from '../../binary/assert-never.js';
import { isBzImageHeader, parseBzImage, type BzImage } from './bzimage.js';
import { isElf, parseElf, type ElfKernel, type KernelSegment } from './elf.js';
import { LoaderError } from './loader-error.js';

export { LoaderError, type LoaderErrorCode } from './loader-error.js';
export type { KernelSegment } from './elf.js';

export type KernelImage = ElfKernel | BzImage;

export function parseKernel(bytes: Uint8Array, memSize: number): KernelImage {
  if (isElf(bytes)) return parseElf(bytes, memSize);
  if (isBzImageHeader(bytes)) return parseBzImage(bytes, memSize);
  throw new LoaderError(
    'not-a-kernel',
    `Not a kernel: no ELF magic (7f 45 4c 46) at offset 0 and no bzImage boot flag/"HdrS" at 0x1fe/0x202 (${bytes.length} bytes); pass a vmlinux, an ELF micro-guest or a bzImage`,
  );
}

export function kernelSegments(image: KernelImage): KernelSegment[] {
  switch (image.kind) {
    case 'elf':
      return [...image.segments];
    case 'bzimage':
      return [{ gpa: image.loadAddress, data: image.kernel, memSize: image.kernel.length }];
    default:
      return assertNever(image, 'kernel image kind');
  }
}
