// The hook by which a device describes itself in the DSDT (ARCHITECTURE.md: "a device may describe
// itself"). The device writes complete AML terms, usually one Device with an absolute \_SB_ path.

import type { ByteSink } from '../../binary/byte-sink.js';

export interface AmlDevice {
  /** Appends this device's AML terms (ACPI 6.5 §20.2.5 TermObj) to the DSDT body. */
  appendAml(out: ByteSink): void;
}
