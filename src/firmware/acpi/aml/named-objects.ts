// Namespace modifiers and named objects (ACPI 6.5 §20.2.5.1, §20.2.5.2): Name, Scope, Device and
// Method. Paths are ASL-style strings ("\\_SB.COM1", "_HID"); segments shorter than 4 are '_'-padded.

import { AcpiError } from '../acpi-error.js';
import { AML, AML_EXT } from './opcodes.js';
import { amlTerm, type AmlTerm, type AmlValue } from './aml-term.js';
import { encodeNameString } from './name-string.js';
import { operand } from './data-objects.js';
import { writeWithPkgLength } from './pkg-length.js';

/** DefName: binds `path` to a data object. */
export function name(path: string, value: AmlValue): AmlTerm {
  const n = encodeNameString(path);
  const v = operand(value);
  return amlTerm((out) => {
    out.u8(AML.NameOp).bytes(n);
    v.encodeInto(out);
  });
}

/** DefScope: opens an existing namespace node for the terms inside. */
export function scope(path: string, terms: readonly AmlTerm[]): AmlTerm {
  const n = encodeNameString(path);
  const body = [...terms];
  return amlTerm((out) => {
    out.u8(AML.ScopeOp);
    writeWithPkgLength(out, (inner) => {
      inner.bytes(n);
      for (const t of body) t.encodeInto(inner);
    });
  });
}

/** DefDevice. */
export function device(path: string, terms: readonly AmlTerm[]): AmlTerm {
  const n = encodeNameString(path);
  const body = [...terms];
  return amlTerm((out) => {
    out.u8(AML.ExtOpPrefix).u8(AML_EXT.DeviceOp);
    writeWithPkgLength(out, (inner) => {
      inner.bytes(n);
      for (const t of body) t.encodeInto(inner);
    });
  });
}

export interface MethodOptions {
  /** SerializeFlag: the interpreter runs one invocation at a time (needed if the method creates names). */
  readonly serialized?: boolean;
  /** SyncLevel 0-15 for serialized methods. */
  readonly syncLevel?: number;
}

/** DefMethod with `argCount` (0-7) arguments. */
export function method(path: string, argCount: number, terms: readonly AmlTerm[], options: MethodOptions = {}): AmlTerm {
  const n = encodeNameString(path);
  if (!Number.isInteger(argCount) || argCount < 0 || argCount > 7) {
    throw new AcpiError('bad-value', `Method ${path}: argument count ${argCount} is outside 0..7`);
  }
  const syncLevel = options.syncLevel ?? 0;
  if (!Number.isInteger(syncLevel) || syncLevel < 0 || syncLevel > 15) {
    throw new AcpiError('bad-value', `Method ${path}: SyncLevel ${syncLevel} is outside 0..15`);
  }
  const flags = argCount | (options.serialized === true ? 1 << 3 : 0) | (syncLevel << 4);
  const body = [...terms];
  return amlTerm((out) => {
    out.u8(AML.MethodOp);
    writeWithPkgLength(out, (inner) => {
      inner.bytes(n).u8(flags);
      for (const t of body) t.encodeInto(inner);
    });
  });
}
