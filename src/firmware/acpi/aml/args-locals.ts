// Method argument and local variable references (ACPI 6.5 §20.2.6.1 ArgObj, §20.2.6.2 LocalObj).

import { AcpiError } from '../acpi-error.js';
import { AML } from './opcodes.js';
import { amlTerm, type AmlTerm } from './aml-term.js';

/** ArgN, N in 0..6. */
export function arg(n: number): AmlTerm {
  if (!Number.isInteger(n) || n < 0 || n > 6) throw new AcpiError('bad-value', `Arg${n} does not exist: use Arg0..Arg6`);
  return amlTerm((out) => out.u8(AML.Arg0Op + n));
}

/** LocalN, N in 0..7. */
export function local(n: number): AmlTerm {
  if (!Number.isInteger(n) || n < 0 || n > 7) throw new AcpiError('bad-value', `Local${n} does not exist: use Local0..Local7`);
  return amlTerm((out) => out.u8(AML.Local0Op + n));
}
