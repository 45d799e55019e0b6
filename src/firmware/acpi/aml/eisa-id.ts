// EISAID compression (ACPI 6.5 §19.6, the EISAID ASL macro): "PNP0501" → a DWord whose bytes are the
// three 5-bit letters and the 16-bit product number, big-endian, stored as a little-endian integer.

import { AcpiError } from '../acpi-error.js';
import { AML } from './opcodes.js';
import { amlTerm, type AmlTerm } from './aml-term.js';

const EISA_ID = /^[A-Z]{3}[0-9A-F]{4}$/;

/** The 32-bit value of an EISA id, as a guest reads it from _HID. */
export function eisaIdValue(id: string): number {
  if (!EISA_ID.test(id)) {
    throw new AcpiError('bad-value', `EISA id ${JSON.stringify(id)} is invalid: use 3 letters A-Z and 4 upper-case hex digits, e.g. "PNP0501"`);
  }
  const letter = (i: number): number => id.charCodeAt(i) - 0x40;
  const vendor = (letter(0) << 10) | (letter(1) << 5) | letter(2);
  const product = Number.parseInt(id.slice(3), 16);
  const be = new Uint8Array([vendor >> 8, vendor & 0xff, product >> 8, product & 0xff]);
  return new DataView(be.buffer).getUint32(0, true);
}

/** A compressed EISA id; always a DWord constant, as ASL compilers emit it. */
export function eisaId(id: string): AmlTerm {
  const v = eisaIdValue(id);
  return amlTerm((out) => out.u8(AML.DWordPrefix).u32le(v));
}
