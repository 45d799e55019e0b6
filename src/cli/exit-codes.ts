// The one table from "how bothy ended" to the process exit code.

import type { VmExitReason } from '../vm/exit-reason.js';
import { assertNever } from '../binary/assert-never.js';

export const EXIT = {
  OK: 0,
  FAILURE: 1,
  /** The VM crashed: triple fault, an instruction KVM can't run, unmapped MMIO, a KVM failure. */
  VM_CRASHED: 70,
  USAGE: 64,
  /** A file the user gave is not what it should be (malformed kernel, bad initrd). */
  BAD_INPUT: 65,
  /** A file the user named does not exist or can't be read. */
  NO_INPUT: 66,
  /** Something bothy needs is not there: /dev/kvm is missing or unusable, or no bothy listens on the API socket. */
  UNAVAILABLE: 69,
  /** The --timeout watchdog stopped the VM. */
  TIMEOUT: 124,
  /** Stopped by Ctrl-C / SIGTERM. */
  SIGNAL: 130,
} as const;

export function exitCodeFor(r: VmExitReason): number {
  switch (r.kind) {
    case 'poweroff':
    case 'reset':
      return EXIT.OK;
    case 'guest-exit':
      // The shell sees 8 bits; the full code is printed with the exit message.
      return r.code & 0xff;
    case 'triple-fault':
    case 'crash':
      return EXIT.VM_CRASHED;
    case 'stopped':
      return r.by === 'timeout' ? EXIT.TIMEOUT : r.by === 'signal' ? EXIT.SIGNAL : EXIT.OK;
    default:
      return assertNever(r, 'exit reason');
  }
}
