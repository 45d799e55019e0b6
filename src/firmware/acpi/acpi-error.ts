// The one error class of the ACPI layer (tables and the AML encoder), with a closed set of codes so
// callers can branch on what went wrong without parsing messages.

import { CodedError } from '../../binary/coded-error.js';

export type AcpiErrorCode =
  /** A NameSeg or NameString that AML cannot encode (ACPI 6.5 §20.2.2). */
  | 'bad-name'
  /** A value outside what its encoding can carry (integer width, ASCII text, field size). */
  | 'bad-value'
  /** An object too large for its length encoding (PkgLength, Package element count). */
  | 'too-large'
  /** The tables do not fit in the system-data region. */
  | 'no-space'
  /** A machine description the tables cannot express (vCPU count, duplicate names). */
  | 'bad-config';

export class AcpiError extends CodedError<AcpiErrorCode> {
  override readonly name = 'AcpiError';
}
