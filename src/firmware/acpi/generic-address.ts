// Generic Address Structure (ACPI 6.5 §5.2.3.2): how the FADT points at registers in an address space.

import { struct, u8, u64le } from '../../binary/struct.js';
import type { Port } from '../../memory/address.js';

export const GAS = struct('acpi_generic_address', {
  addressSpaceId: u8,
  registerBitWidth: u8,
  registerBitOffset: u8,
  accessSize: u8,
  address: u64le,
});

export const GAS_ADDRESS_SPACE = { SYSTEM_MEMORY: 0x00, SYSTEM_IO: 0x01 } as const;
export const GAS_ACCESS_SIZE = { UNDEFINED: 0, BYTE: 1, WORD: 2, DWORD: 3, QWORD: 4 } as const;

/** An 8-bit register in System I/O space, accessed with byte accesses. */
export function ioPortByteRegister(port: Port): Uint8Array {
  return GAS.encode({
    addressSpaceId: GAS_ADDRESS_SPACE.SYSTEM_IO,
    registerBitWidth: 8,
    registerBitOffset: 0,
    accessSize: GAS_ACCESS_SIZE.BYTE,
    address: BigInt(port),
  });
}
