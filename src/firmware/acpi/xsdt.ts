// Extended System Description Table (ACPI 6.5 §5.2.8): the header followed by 64-bit table addresses.

import { ByteSink } from '../../binary/byte-sink.js';
import type { Gpa } from '../../memory/address.js';
import { buildSdt } from './sdt-header.js';

export const XSDT_REVISION = 1;
export const XSDT_ENTRY_SIZE = 8;

export function buildXsdt(entries: readonly Gpa[]): Uint8Array {
  const body = new ByteSink();
  for (const e of entries) body.u64le(BigInt(e));
  return buildSdt({ signature: 'XSDT', revision: XSDT_REVISION, oemTableId: 'BOTHYXSD' }, body.toBytes());
}
