// Data objects (ACPI 6.5 §20.2.3 and §20.2.5.4 DefBuffer/DefPackage): integers in their smallest
// encoding, strings, buffers and packages, plus the conversion of plain JS values to terms.

import { AcpiError } from '../acpi-error.js';
import { AML } from './opcodes.js';
import { amlTerm, type AmlTerm, type AmlValue } from './aml-term.js';
import { writeWithPkgLength } from './pkg-length.js';

const U64_MAX = 0xffff_ffff_ffff_ffffn;

export const zero: AmlTerm = amlTerm((out) => out.u8(AML.ZeroOp));
export const one: AmlTerm = amlTerm((out) => out.u8(AML.OneOp));
/** All bits set: 0xFFFFFFFFFFFFFFFF in a revision-2 definition block. */
export const ones: AmlTerm = amlTerm((out) => out.u8(AML.OnesOp));

/** An Integer, as ZeroOp/OneOp or the narrowest of Byte/Word/DWord/QWord constants. */
export function integer(value: number | bigint): AmlTerm {
  const v = toU64(value);
  return amlTerm((out) => {
    if (v === 0n) out.u8(AML.ZeroOp);
    else if (v === 1n) out.u8(AML.OneOp);
    else if (v <= 0xffn) out.u8(AML.BytePrefix).u8(Number(v));
    else if (v <= 0xffffn) out.u8(AML.WordPrefix).u16le(Number(v));
    else if (v <= 0xffff_ffffn) out.u8(AML.DWordPrefix).u32le(Number(v));
    else out.u8(AML.QWordPrefix).u64le(v);
  });
}

function toU64(value: number | bigint): bigint {
  if (typeof value === 'number' && !Number.isSafeInteger(value)) {
    throw new AcpiError('bad-value', `AML integer ${value} is not a safe integer; pass a bigint for 64-bit values`);
  }
  const v = BigInt(value);
  if (v < 0n || v > U64_MAX) {
    throw new AcpiError('bad-value', `AML integer ${value} is outside 0..0xFFFFFFFFFFFFFFFF`);
  }
  return v;
}

/** A String: ASCII 0x01-0x7F, NUL-terminated. */
export function string(text: string): AmlTerm {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0 || c > 0x7f) {
      throw new AcpiError('bad-value', `AML string ${JSON.stringify(text)} has character ${c} at ${i}; use ASCII 0x01-0x7F`);
    }
  }
  return amlTerm((out) => out.u8(AML.StringPrefix).ascii(text).u8(0));
}

/** A Buffer whose size is its initializer's length. */
export function buffer(bytes: Uint8Array): AmlTerm {
  const copy = bytes.slice();
  return amlTerm((out) => {
    out.u8(AML.BufferOp);
    writeWithPkgLength(out, (inner) => {
      integer(copy.length).encodeInto(inner);
      inner.bytes(copy);
    });
  });
}

/** A Package (`package` is a reserved word in JS). At most 255 elements: NumElements is a byte. */
export function pkg(elements: readonly AmlValue[]): AmlTerm {
  if (elements.length > 0xff) {
    throw new AcpiError('too-large', `AML Package has ${elements.length} elements; at most 255 fit (VarPackage is not supported)`);
  }
  const terms = elements.map(operand);
  return amlTerm((out) => {
    out.u8(AML.PackageOp);
    writeWithPkgLength(out, (inner) => {
      inner.u8(terms.length);
      for (const t of terms) t.encodeInto(inner);
    });
  });
}

/** Plain numbers become Integers and plain strings become Strings; use `path()` for name references. */
export function operand(v: AmlValue): AmlTerm {
  if (typeof v === 'number' || typeof v === 'bigint') return integer(v);
  if (typeof v === 'string') return string(v);
  return v;
}
