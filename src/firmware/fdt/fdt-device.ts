// The hook by which a device describes itself in a devicetree (ARCHITECTURE.md: "a device may
// describe itself"), the DT counterpart of AmlDevice. The device writes one complete node under the root.

import type { Gsi } from '../../memory/address.js';
import type { FdtWriter } from './fdt-writer.js';

/** Trigger and polarity of an interrupt, independent of the controller's cell encoding. */
export type FdtIrqTrigger = 'edge-rising' | 'edge-falling' | 'level-high' | 'level-low';

/** The interrupt controller a device's `interrupts` property refers to. */
export interface FdtInterruptParent {
  readonly phandle: number;
  /** The `interrupts` cells for `gsi` in this controller's #interrupt-cells format. */
  specifier(gsi: Gsi, trigger: FdtIrqTrigger): readonly number[];
}

/** What the tree builder tells each device: today only where its interrupts go. */
export interface FdtContext {
  readonly interruptParent: FdtInterruptParent;
}

export interface FdtDevice {
  /** Writes this device's node (beginNode … endNode) as a child of the root (DTSpec v0.4 §5.4). */
  fdtNode(w: FdtWriter, ctx: FdtContext): void;
}
