// Root System Description Pointer, revision 2 (ACPI 6.5 §5.2.5.3): 36 bytes pointing at the XSDT.
// The first checksum covers the ACPI 1.0 part (up to `length`), the extended one the whole structure.

import { struct, bytes, u8, u32le, u64le } from '../../binary/struct.js';
import { checksum8 } from '../../binary/checksum.js';
import type { Gpa } from '../../memory/address.js';
import { BOTHY_ACPI_ID, fixedAscii } from './sdt-header.js';

export const RSDP = struct('acpi_rsdp', {
  signature: bytes(8),
  checksum: u8,
  oemId: bytes(6),
  revision: u8,
  rsdtAddress: u32le,
  length: u32le,
  xsdtAddress: u64le,
  extendedChecksum: u8,
  reserved: bytes(3),
});

export const RSDP_SIGNATURE = 'RSD PTR ';
export const RSDP_REVISION = 2;
/** Bytes the ACPI 1.0 checksum covers. */
export const RSDP_V1_SIZE = RSDP.offsets.length;

export function buildRsdp(xsdt: Gpa): Uint8Array {
  const out = RSDP.encode({
    signature: fixedAscii(RSDP_SIGNATURE, 8),
    oemId: fixedAscii(BOTHY_ACPI_ID.OEM_ID, 6),
    revision: RSDP_REVISION,
    // No RSDT: revision-2 consumers use the XSDT, and an RSDT would be a second list to keep equal.
    rsdtAddress: 0,
    length: RSDP.size,
    xsdtAddress: BigInt(xsdt),
  });
  RSDP.set(out, 'checksum', checksum8(out.subarray(0, RSDP_V1_SIZE)));
  RSDP.set(out, 'extendedChecksum', checksum8(out));
  return out;
}
