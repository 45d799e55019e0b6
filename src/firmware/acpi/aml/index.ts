// The AML encoder's public surface: `import * as aml from '…/aml/index.js'` then
// `aml.device('\\_SB.COM1', [aml.name('_HID', aml.eisaId('PNP0501')), …]).encodeInto(sink)`.

export { amlBytes, amlTerm, type AmlTerm, type AmlValue } from './aml-term.js';
export { encodePkgLength, pkgLengthFor, PKG_LENGTH_MAX } from './pkg-length.js';
export { encodeNameString, nameSeg, path } from './name-string.js';
export { buffer, integer, one, ones, operand, pkg, string, zero } from './data-objects.js';
export { eisaId, eisaIdValue } from './eisa-id.js';
export { device, method, name, scope, type MethodOptions } from './named-objects.js';
export { arg, local } from './args-locals.js';
export { ifThen, notify, ret } from './statements.js';
export { add, and, call, lAnd, lEqual, lGreater, lLess, lNot, lOr, or, store, subtract, toInteger } from './expressions.js';
export {
  encodeDescriptor,
  encodeResourceTemplate,
  interrupt,
  io,
  irq,
  irqNoFlags,
  memory32Fixed,
  resourceTemplate,
  type InterruptFlags,
  type Polarity,
  type ResourceDescriptor,
  type TriggerMode,
} from './resource-template.js';
