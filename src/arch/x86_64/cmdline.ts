// The kernel command line as the guest reads it: NUL-terminated printable ASCII at LAYOUT.CMDLINE_START
// (Documentation/arch/x86/boot.rst "The Kernel Command Line"; default after vmm-notes.md §2.4).

import { hex } from '../../memory/address.js';
import { LAYOUT } from './layout.js';
import { LoaderError } from './loader-error.js';

/**
 * Firecracker's default with one serial port kept (bothy emulates COM1, so 8250.nr_uarts=1 rather
 * than 0) and pci=off appended, as Firecracker does without --enable-pci; console=ttyS0 first.
 */
export const DEFAULT_CMDLINE =
  'console=ttyS0 reboot=k panic=1 nomodule 8250.nr_uarts=1 i8042.noaux i8042.nomux i8042.dumbkbd swiotlb=noforce pci=off';

const PRINTABLE_FIRST = 0x20;
const PRINTABLE_LAST = 0x7e;

export function encodeCmdline(s: string): Uint8Array {
  const max = LAYOUT.CMDLINE_MAX_SIZE - 1;
  if (s.length > max) {
    throw new LoaderError('bad-cmdline', `kernel command line is ${s.length} characters; the limit is ${max} (CMDLINE_MAX_SIZE less the NUL)`);
  }
  const out = new Uint8Array(s.length + 1);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < PRINTABLE_FIRST || c > PRINTABLE_LAST) {
      throw new LoaderError(
        'bad-cmdline',
        `kernel command line has character ${hex(c)} at position ${i}; use printable ASCII only (spaces separate parameters)`,
      );
    }
    out[i] = c;
  }
  return out;
}
