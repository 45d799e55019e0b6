// The unit the AML encoder composes: a term that writes its own encoding (ACPI 6.5 §20.2 TermObj,
// TermArg, DataRefObject). Builders return terms; nesting writes inner terms into the outer sink.

import { ByteSink } from '../../../binary/byte-sink.js';

export interface AmlTerm {
  encodeInto(out: ByteSink): void;
}

/** What data positions accept: a term, or a JS integer / ASCII string encoded as an AML Integer / String. */
export type AmlValue = AmlTerm | number | bigint | string;

export function amlTerm(encodeInto: (out: ByteSink) => void): AmlTerm {
  return Object.freeze({ encodeInto });
}

/** The encoding of `terms`, one after the other (a TermList). */
export function amlBytes(...terms: readonly AmlTerm[]): Uint8Array {
  const out = new ByteSink();
  for (const t of terms) t.encodeInto(out);
  return out.toBytes();
}
