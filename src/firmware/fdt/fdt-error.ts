// The one error class of the FDT layer (writer, reader and the trees built with them), with a closed
// set of codes so callers can branch on what went wrong without parsing messages.

import { CodedError } from '../../binary/coded-error.js';

export type FdtErrorCode =
  /** A node or property name the devicetree spec does not allow (DTSpec v0.4 §2.2.1, §2.2.4). */
  | 'bad-name'
  /** A value its encoding cannot carry (cell width, string content, phandle 0). */
  | 'bad-value'
  /** Writer calls out of order: property after a child node, unbalanced nodes, duplicates. */
  | 'bad-structure'
  /** A DTB that does not parse: bad magic, version, offsets or tokens (DTSpec v0.4 ch. 5). */
  | 'bad-blob'
  /** A path, property or phandle a query looked for and did not find. */
  | 'not-found';

export class FdtError extends CodedError<FdtErrorCode> {
  override readonly name = 'FdtError';
}
