// Statement opcodes (ACPI 6.5 §20.2.5.3): If/Else, Return and Notify. Named `ifThen` and `ret`
// because `if` and `return` are reserved words in JS.

import { AML } from './opcodes.js';
import { amlTerm, type AmlTerm, type AmlValue } from './aml-term.js';
import { operand } from './data-objects.js';
import { writeWithPkgLength } from './pkg-length.js';

/** DefIfElse: `then` runs when `predicate` is non-zero, `otherwise` (if given) when it is zero. */
export function ifThen(predicate: AmlValue, then: readonly AmlTerm[], otherwise?: readonly AmlTerm[]): AmlTerm {
  const p = operand(predicate);
  const thenBody = [...then];
  const elseBody = otherwise === undefined ? undefined : [...otherwise];
  return amlTerm((out) => {
    out.u8(AML.IfOp);
    writeWithPkgLength(out, (inner) => {
      p.encodeInto(inner);
      for (const t of thenBody) t.encodeInto(inner);
    });
    if (elseBody !== undefined) {
      out.u8(AML.ElseOp);
      writeWithPkgLength(out, (inner) => {
        for (const t of elseBody) t.encodeInto(inner);
      });
    }
  });
}

/** DefReturn. */
export function ret(value: AmlValue): AmlTerm {
  const v = operand(value);
  return amlTerm((out) => {
    out.u8(AML.ReturnOp);
    v.encodeInto(out);
  });
}

/** DefNotify: `target` is a device/processor/thermal-zone reference, usually `path(...)`. */
export function notify(target: AmlTerm, value: AmlValue): AmlTerm {
  const v = operand(value);
  return amlTerm((out) => {
    out.u8(AML.NotifyOp);
    target.encodeInto(out);
    v.encodeInto(out);
  });
}
