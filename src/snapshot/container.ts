// The snapshot state file: a header (magic, format version, payload length), named sections, and a
// CRC-32 of everything before it. Sections let a reader name exactly what is missing or damaged.

import { crc32 } from 'node:zlib';
import { struct, u32le, u64le, bytes } from '../binary/struct.js';
import { SnapshotError } from './snapshot-error.js';

export const SNAPSHOT_MAGIC = 'BOTHYSNP';
/** Bump on any change to the sections or their contents; readers refuse newer versions. */
export const SNAPSHOT_FORMAT_VERSION = 1;

export const SNAPSHOT_HEADER = struct('snapshot_header', {
  magic: bytes(8),
  version: u32le,
  flags: u32le,
  payload_length: u64le,
});
export const SECTION_HEADER = struct('snapshot_section', {
  name: bytes(24),
  version: u32le,
  length: u32le,
});
export const CRC_BYTES = 4;

export interface Section {
  readonly name: string;
  readonly version: number;
  readonly data: Uint8Array;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

export function encodeContainer(sections: readonly Section[]): Uint8Array {
  const payload = sections.reduce((n, s) => n + SECTION_HEADER.size + s.data.length, 0);
  const out = new Uint8Array(SNAPSHOT_HEADER.size + payload + CRC_BYTES);
  SNAPSHOT_HEADER.encode({ magic: enc.encode(SNAPSHOT_MAGIC), version: SNAPSHOT_FORMAT_VERSION, payload_length: BigInt(payload) }, out);
  let at = SNAPSHOT_HEADER.size;
  for (const s of sections) {
    const name = enc.encode(s.name);
    if (name.length > 24) throw new RangeError(`section name '${s.name}' is longer than 24 bytes`);
    SECTION_HEADER.encode({ name, version: s.version, length: s.data.length }, out, at);
    out.set(s.data, at + SECTION_HEADER.size);
    at += SECTION_HEADER.size + s.data.length;
  }
  new DataView(out.buffer).setUint32(at, crc32(out.subarray(0, at)) >>> 0, true);
  return out;
}

/** Checks magic, version, length and CRC before anything is interpreted. `file` names it in errors. */
export function decodeContainer(buf: Uint8Array, file: string): Map<string, Section> {
  if (buf.length < SNAPSHOT_HEADER.size + CRC_BYTES) {
    throw new SnapshotError('truncated', `${file} is truncated: ${buf.length} bytes is shorter than a snapshot header`);
  }
  const h = SNAPSHOT_HEADER.decode(buf);
  if (dec.decode(h.magic) !== SNAPSHOT_MAGIC) {
    throw new SnapshotError('bad-magic', `${file} is not a bothy snapshot (no '${SNAPSHOT_MAGIC}' magic)`);
  }
  if (h.version > SNAPSHOT_FORMAT_VERSION) {
    throw new SnapshotError('newer-format', `${file} has snapshot format version ${h.version}, newer than this bothy reads (${SNAPSHOT_FORMAT_VERSION}); restore it with a newer bothy`);
  }
  if (h.version < SNAPSHOT_FORMAT_VERSION) {
    throw new SnapshotError('newer-format', `${file} has snapshot format version ${h.version}, older than this bothy reads (${SNAPSHOT_FORMAT_VERSION})`);
  }
  const end = SNAPSHOT_HEADER.size + Number(h.payload_length);
  if (end + CRC_BYTES > buf.length) {
    throw new SnapshotError('truncated', `${file} is truncated: the header promises ${end + CRC_BYTES} bytes, the file has ${buf.length}`);
  }
  if (end + CRC_BYTES < buf.length) {
    throw new SnapshotError('corrupt', `${file} has ${buf.length - end - CRC_BYTES} unexpected bytes after its checksum`);
  }
  const want = new DataView(buf.buffer, buf.byteOffset).getUint32(end, true);
  if ((crc32(buf.subarray(0, end)) >>> 0) !== want) {
    throw new SnapshotError('bad-crc', `${file} is damaged: its CRC-32 does not match its contents`);
  }
  const sections = new Map<string, Section>();
  let at = SNAPSHOT_HEADER.size;
  while (at < end) {
    if (at + SECTION_HEADER.size > end) throw new SnapshotError('corrupt', `${file}: a section header runs past the payload`);
    const sh = SECTION_HEADER.decode(buf, at);
    const name = dec.decode(sh.name).replace(/\0+$/, '');
    const start = at + SECTION_HEADER.size;
    if (start + sh.length > end) throw new SnapshotError('corrupt', `${file}: section '${name}' runs past the payload`);
    sections.set(name, { name, version: sh.version, data: buf.subarray(start, start + sh.length) });
    at = start + sh.length;
  }
  return sections;
}

export function requireSection(sections: Map<string, Section>, name: string, file: string): Section {
  const s = sections.get(name);
  if (!s) throw new SnapshotError('corrupt', `${file} has no '${name}' section`);
  return s;
}
