// UUIDs as the VM Generation ID uses them: text and byte order per RFC 4122 §4.1.2 (big-endian
// fields), and the Microsoft GUID layout the guest reads, whose first three fields are little-endian.

import { randomUUID } from 'node:crypto';
import { bytes, struct, u8, u16be, u16le, u32be, u32le } from '../../binary/struct.js';
import { VmGenIdError } from './vmgenid-error.js';

export const UUID_SIZE = 16;

/** RFC 4122 §4.1.2: the order of the text form and of `-device vmgenid,guid=` in QEMU. */
export const RFC4122_UUID = struct('rfc4122_uuid', {
  time_low: u32be,
  time_mid: u16be,
  time_hi_and_version: u16be,
  clock_seq_hi_and_reserved: u8,
  clock_seq_low: u8,
  node: bytes(6),
});

/** The Windows GUID struct: Data1-3 little-endian, Data4 as bytes. What the guest finds in memory. */
export const MS_GUID = struct('ms_guid', {
  Data1: u32le,
  Data2: u16le,
  Data3: u16le,
  Data4: bytes(8),
});

const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** "324e6eaf-d1d1-4bf6-bf41-b9bb6c91fb87" → its 16 bytes in text order. */
export function parseUuid(text: string): Uint8Array {
  if (!UUID_TEXT.test(text)) {
    throw new VmGenIdError(
      'bad-uuid',
      `Invalid UUID ${JSON.stringify(text)}: write 32 hex digits as 8-4-4-4-12, e.g. 324e6eaf-d1d1-4bf6-bf41-b9bb6c91fb87`,
    );
  }
  return Uint8Array.from(Buffer.from(text.replaceAll('-', ''), 'hex'));
}

/** 16 bytes in text order → lower-case 8-4-4-4-12 text. */
export function formatUuid(uuid: Uint8Array): string {
  const hex = Buffer.from(checkUuid(uuid)).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A random (version 4, RFC 4122 variant) UUID from the system CSPRNG: QEMU's `guid=auto`. */
export function randomUuidV4(): Uint8Array {
  return parseUuid(randomUUID());
}

/** Text-order bytes → the guest's GUID layout (QEMU qemu_uuid_bswap: first three fields swapped). */
export function toGuestByteOrder(uuid: Uint8Array): Uint8Array {
  const u = RFC4122_UUID.decode(checkUuid(uuid));
  return MS_GUID.encode({
    Data1: u.time_low,
    Data2: u.time_mid,
    Data3: u.time_hi_and_version,
    Data4: Uint8Array.of(u.clock_seq_hi_and_reserved, u.clock_seq_low, ...u.node),
  });
}

/** The guest's GUID layout → text-order bytes (the inverse of toGuestByteOrder). */
export function fromGuestByteOrder(guid: Uint8Array): Uint8Array {
  const g = MS_GUID.decode(checkUuid(guid));
  return RFC4122_UUID.encode({
    time_low: g.Data1,
    time_mid: g.Data2,
    time_hi_and_version: g.Data3,
    clock_seq_hi_and_reserved: g.Data4[0] ?? 0,
    clock_seq_low: g.Data4[1] ?? 0,
    node: g.Data4.subarray(2),
  });
}

function checkUuid(b: Uint8Array): Uint8Array {
  if (b.length !== UUID_SIZE) throw new VmGenIdError('bad-uuid', `A UUID is ${UUID_SIZE} bytes, got ${b.length}`);
  return b;
}
