// The one error class of the x86-64 kernel loader and boot-structure builders (ELF, bzImage, zero
// page, PVH start info, e820, initrd, command line). Messages say what was wrong and what to do.

import { CodedError } from '../../binary/coded-error.js';

export type LoaderErrorCode =
  /** Neither an ELF file nor a bzImage. */
  | 'not-a-kernel'
  /** A kernel bothy cannot boot (32-bit, big-endian, other machine, boot protocol too old, …). */
  | 'unsupported'
  /** Internally inconsistent headers (sizes, overlapping segments, entry outside the image, …). */
  | 'malformed'
  /** The file ends before something its headers describe. */
  | 'truncated'
  /** The kernel, initrd or a boot structure does not fit the guest's memory layout. */
  | 'does-not-fit'
  | 'bad-cmdline'
  | 'bad-memory-size'
  | 'bad-initrd';

export class LoaderError extends CodedError<LoaderErrorCode> {
  override readonly name = 'LoaderError';
}
