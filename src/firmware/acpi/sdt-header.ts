// The 36-byte System Description Table header (ACPI 6.5 §5.2.6) shared by every table but the RSDP,
// and the identity bothy stamps into it. `finishSdt` fills length and checksum once the body is known.

import { struct, bytes, u8, u32le } from '../../binary/struct.js';
import { checksum8 } from '../../binary/checksum.js';
import { AcpiError } from './acpi-error.js';

export const SDT_HEADER = struct('acpi_table_header', {
  signature: bytes(4),
  length: u32le,
  revision: u8,
  checksum: u8,
  oemId: bytes(6),
  oemTableId: bytes(8),
  oemRevision: u32le,
  creatorId: bytes(4),
  creatorRevision: u32le,
});

/** Who made the tables: OEM fields name bothy, creator fields name its table generator. */
export const BOTHY_ACPI_ID = {
  OEM_ID: 'BOTHY ',
  OEM_REVISION: 1,
  CREATOR_ID: 'BTHY',
  CREATOR_REVISION: 1,
} as const;

/** `text` as exactly `size` ASCII bytes (ACPI identity fields are fixed-width, not NUL-terminated). */
export function fixedAscii(text: string, size: number): Uint8Array {
  if (text.length !== size || !/^[\x20-\x7e]*$/.test(text)) {
    throw new AcpiError('bad-value', `ACPI id ${JSON.stringify(text)} must be exactly ${size} printable ASCII characters`);
  }
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

export interface SdtIdentity {
  /** 4-character table signature, e.g. "FACP". */
  readonly signature: string;
  readonly revision: number;
  /** 8-character OEM table id, e.g. "BOTHYFAC". */
  readonly oemTableId: string;
}

/**
 * Writes the header into the first 36 bytes of `table` (a whole table, header space included),
 * with the length of `table` and a checksum that makes the table sum to zero.
 */
export function finishSdt(table: Uint8Array, id: SdtIdentity): Uint8Array {
  if (table.length < SDT_HEADER.size) throw new AcpiError('bad-value', `${id.signature}: a table is at least ${SDT_HEADER.size} bytes`);
  SDT_HEADER.encode(
    {
      signature: fixedAscii(id.signature, 4),
      length: table.length,
      revision: id.revision,
      checksum: 0,
      oemId: fixedAscii(BOTHY_ACPI_ID.OEM_ID, 6),
      oemTableId: fixedAscii(id.oemTableId, 8),
      oemRevision: BOTHY_ACPI_ID.OEM_REVISION,
      creatorId: fixedAscii(BOTHY_ACPI_ID.CREATOR_ID, 4),
      creatorRevision: BOTHY_ACPI_ID.CREATOR_REVISION,
    },
    table,
  );
  SDT_HEADER.set(table, 'checksum', checksum8(table));
  return table;
}

/** A table made of a header and `body`. */
export function buildSdt(id: SdtIdentity, body: Uint8Array): Uint8Array {
  const table = new Uint8Array(SDT_HEADER.size + body.length);
  table.set(body, SDT_HEADER.size);
  return finishSdt(table, id);
}
