// PkgLength (ACPI 6.5 §20.2.4): the length of a package-like object, counting the PkgLength bytes
// themselves. One byte holds up to 63; otherwise bits 7-6 of the lead byte say how many bytes follow,
// bits 3-0 hold the low nibble and each following byte the next 8 bits.

import { ByteSink } from '../../../binary/byte-sink.js';
import { AcpiError } from '../acpi-error.js';

/** Largest PkgLength: 4 + 8 + 8 + 8 bits. */
export const PKG_LENGTH_MAX = 0x0fff_ffff;

/** Encodes a total length (which already includes the PkgLength bytes). */
export function encodePkgLength(total: number): Uint8Array {
  if (!Number.isInteger(total) || total < 0 || total > PKG_LENGTH_MAX) {
    throw new AcpiError('too-large', `PkgLength ${total} is outside 0..${PKG_LENGTH_MAX}; split the object`);
  }
  if (total <= 0x3f) return Uint8Array.of(total);
  const follow = total <= 0xfff ? 1 : total <= 0xf_ffff ? 2 : 3;
  const out = new Uint8Array(1 + follow);
  out[0] = (follow << 6) | (total & 0x0f);
  for (let i = 0; i < follow; i++) out[1 + i] = (total >>> (4 + 8 * i)) & 0xff;
  return out;
}

/** The PkgLength for `contentLength` bytes of content: the smallest encoding that covers itself too. */
export function pkgLengthFor(contentLength: number): Uint8Array {
  for (let n = 1; n <= 4; n++) {
    const total = contentLength + n;
    if (encodedSize(total) === n) return encodePkgLength(total);
  }
  throw new AcpiError('too-large', `${contentLength} bytes of AML do not fit one PkgLength (max ${PKG_LENGTH_MAX})`);
}

function encodedSize(total: number): number {
  if (total <= 0x3f) return 1;
  if (total <= 0xfff) return 2;
  if (total <= 0xf_ffff) return 3;
  if (total <= PKG_LENGTH_MAX) return 4;
  return Infinity;
}

/** Writes `PkgLength <content>` where the content comes from `body`. */
export function writeWithPkgLength(out: ByteSink, body: (inner: ByteSink) => void): void {
  const inner = new ByteSink();
  body(inner);
  const content = inner.toBytes();
  out.bytes(pkgLengthFor(content.length)).bytes(content);
}
