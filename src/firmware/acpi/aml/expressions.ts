// Expression opcodes (ACPI 6.5 §20.2.5.4): Store, integer arithmetic and logic, logical comparisons,
// ToInteger and method invocation. A missing Target is encoded as NullName (result discarded).

import { AcpiError } from '../acpi-error.js';
import { AML } from './opcodes.js';
import { amlTerm, type AmlTerm, type AmlValue } from './aml-term.js';
import { operand } from './data-objects.js';
import { encodeNameString } from './name-string.js';

function op(code: number, ...args: readonly AmlTerm[]): AmlTerm {
  return amlTerm((out) => {
    out.u8(code);
    for (const a of args) a.encodeInto(out);
  });
}

const nullTarget: AmlTerm = amlTerm((out) => out.u8(AML.NullName));

function target(t: AmlTerm | undefined): AmlTerm {
  return t ?? nullTarget;
}

/** DefStore: Store(source, destination). */
export function store(source: AmlValue, destination: AmlTerm): AmlTerm {
  return op(AML.StoreOp, operand(source), destination);
}

export function add(a: AmlValue, b: AmlValue, result?: AmlTerm): AmlTerm {
  return op(AML.AddOp, operand(a), operand(b), target(result));
}

export function subtract(a: AmlValue, b: AmlValue, result?: AmlTerm): AmlTerm {
  return op(AML.SubtractOp, operand(a), operand(b), target(result));
}

export function and(a: AmlValue, b: AmlValue, result?: AmlTerm): AmlTerm {
  return op(AML.AndOp, operand(a), operand(b), target(result));
}

export function or(a: AmlValue, b: AmlValue, result?: AmlTerm): AmlTerm {
  return op(AML.OrOp, operand(a), operand(b), target(result));
}

export function toInteger(value: AmlValue, result?: AmlTerm): AmlTerm {
  return op(AML.ToIntegerOp, operand(value), target(result));
}

export function lEqual(a: AmlValue, b: AmlValue): AmlTerm {
  return op(AML.LEqualOp, operand(a), operand(b));
}

export function lGreater(a: AmlValue, b: AmlValue): AmlTerm {
  return op(AML.LGreaterOp, operand(a), operand(b));
}

export function lLess(a: AmlValue, b: AmlValue): AmlTerm {
  return op(AML.LLessOp, operand(a), operand(b));
}

export function lAnd(a: AmlValue, b: AmlValue): AmlTerm {
  return op(AML.LAndOp, operand(a), operand(b));
}

export function lOr(a: AmlValue, b: AmlValue): AmlTerm {
  return op(AML.LOrOp, operand(a), operand(b));
}

export function lNot(a: AmlValue): AmlTerm {
  return op(AML.LNotOp, operand(a));
}

/**
 * MethodInvocation: the method's path followed by its arguments. The encoding carries no argument
 * count (the interpreter takes it from the method's definition), so it must match that definition.
 */
export function call(methodPath: string, args: readonly AmlValue[] = []): AmlTerm {
  if (args.length > 7) throw new AcpiError('bad-value', `call ${methodPath}: ${args.length} arguments; methods take at most 7`);
  const n = encodeNameString(methodPath);
  const terms = args.map(operand);
  return amlTerm((out) => {
    out.bytes(n);
    for (const t of terms) t.encodeInto(out);
  });
}
