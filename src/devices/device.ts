// The contract between device models and the buses that reach them. A device sees offsets within
// its own window and the bytes of the access; it never sees KVM, threads or ports it did not ask for.

import type { IrqLine } from './irq.js';

/** Something a device asks of the machine it sits in (CPU reset line, power, a test verdict). */
export type SystemEvent =
  | { readonly kind: 'reset' }
  | { readonly kind: 'poweroff' }
  | { readonly kind: 'guest-exit'; readonly code: number };

/**
 * What a device is connected to. `irq` is absent for devices without an interrupt; `output` is a
 * byte sink (the console for a UART); `system` delivers SystemEvents.
 */
export interface DeviceWiring {
  readonly irq?: IrqLine;
  readonly output?: (bytes: Uint8Array) => void;
  readonly system?: (event: SystemEvent) => void;
}

/**
 * A device on the port-I/O or MMIO bus. `data.length` is the access size (1, 2, 4 or 8); a read
 * fills `data`. Calls are serialized by the bus: a device never sees two accesses at once.
 */
export interface BusDevice {
  read(offset: number, data: Uint8Array): void;
  write(offset: number, data: Uint8Array): void;
}
