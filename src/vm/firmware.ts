// Writes the VM's firmware tables (ACPI) into guest memory and says where the RSDP is.

import type { GuestMemory } from '../memory/guest-memory.js';
import type { Gpa } from '../memory/address.js';

export interface FirmwareConfig {
  readonly vcpus: number;
}

export function buildFirmware(_memory: GuestMemory, _cfg: FirmwareConfig): { rsdp?: Gpa } {
  return {};
}

/** The tables as files, for `bothy dump-firmware`. */
export function firmwareTables(_cfg: FirmwareConfig): { file: string; bytes: Uint8Array }[] {
  return [];
}
