// NameSeg and NameString encoding (ACPI 6.5 §20.2.2): 4-character segments padded with '_', an
// optional root '\' or parent '^' prefixes, and Dual/MultiNamePrefix for paths of 2 or more segments.

import { AcpiError } from '../acpi-error.js';
import { AML } from './opcodes.js';
import { amlTerm, type AmlTerm } from './aml-term.js';

const NAME_SEG = /^[A-Z_][A-Z0-9_]{0,3}$/;

/** The 4 bytes of a NameSeg: "_SB" → "_SB_". */
export function nameSeg(seg: string): Uint8Array {
  if (!NAME_SEG.test(seg)) {
    throw new AcpiError(
      'bad-name',
      `AML name segment ${JSON.stringify(seg)} is invalid: use 1-4 characters of A-Z, 0-9, '_' not starting with a digit`,
    );
  }
  const padded = seg.padEnd(4, '_');
  return Uint8Array.from(padded, (c) => c.charCodeAt(0));
}

/** Encodes an ASL-style path: "\\_SB.COM1", "^^PCI0.ISA", "_HID", "\\". */
export function encodeNameString(path: string): Uint8Array {
  const bytes: number[] = [];
  let rest = path;
  if (rest.startsWith('\\')) {
    bytes.push(AML.RootChar);
    rest = rest.slice(1);
  } else {
    while (rest.startsWith('^')) {
      bytes.push(AML.ParentPrefixChar);
      rest = rest.slice(1);
    }
  }
  const segs = rest === '' ? [] : rest.split('.');
  if (segs.length > 255) throw new AcpiError('bad-name', `AML path ${path} has more than 255 segments`);
  if (segs.length === 0) bytes.push(AML.NullName);
  else if (segs.length === 2) bytes.push(AML.DualNamePrefix);
  else if (segs.length > 2) bytes.push(AML.MultiNamePrefix, segs.length);
  for (const s of segs) {
    try {
      bytes.push(...nameSeg(s));
    } catch (e) {
      throw new AcpiError('bad-name', `AML path ${JSON.stringify(path)}: ${(e as Error).message}`, { cause: e });
    }
  }
  return Uint8Array.from(bytes);
}

/** A reference to a named object, as a TermArg, SuperName or package element. */
export function path(name: string): AmlTerm {
  const bytes = encodeNameString(name);
  return amlTerm((out) => out.bytes(bytes));
}
