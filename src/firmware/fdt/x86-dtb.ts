// The devicetree bothy hands an x86-64 guest through setup_data (SETUP_DTB): a root node, the IOAPIC
// as interrupt controller (Linux binding intel,ce4100-ioapic), and one node per describing device.

import { hex, type Gsi } from '../../memory/address.js';
import { LAYOUT } from '../../arch/x86_64/layout.js';
import { assertNever } from '../../binary/assert-never.js';
import { FdtError } from './fdt-error.js';
import type { FdtDevice, FdtInterruptParent, FdtIrqTrigger } from './fdt-device.js';
import { FdtWriter } from './fdt-writer.js';

export const X86_DTB_COMPATIBLE = 'bothy,microvm-x86';
export const IOAPIC_COMPATIBLE = 'intel,ce4100-ioapic';
/** The IOAPIC's register window (IOREGSEL/IOWIN and EOI), as QEMU's microvm DT describes it. */
export const IOAPIC_MMIO_SIZE = 0x1000;
/** KVM's in-kernel IOAPIC has 24 pins, and bothy routes GSI n to pin n. */
export const IOAPIC_NUM_PINS = 24;

/**
 * The second interrupt cell of intel,ce4100-ioapic, as Linux decodes it (arch/x86/kernel/devicetree.c
 * of_ioapic_type[]: index → is_level, active_low). Not the generic IRQ_TYPE_* numbers a GIC uses.
 */
export const IOAPIC_DT_SENSE = {
  EDGE_FALLING: 0,
  LEVEL_HIGH: 1,
  LEVEL_LOW: 2,
  EDGE_RISING: 3,
} as const;

export interface X86DtbConfig {
  /** Devices that add nodes under the root, in order (vmgenidFdt, …). */
  readonly devices: readonly FdtDevice[];
}

export function buildX86Dtb(cfg: X86DtbConfig): Uint8Array {
  const w = new FdtWriter();
  w.beginNode('')
    .propertyString('compatible', X86_DTB_COMPATIBLE)
    .propertyU32('#address-cells', 2)
    .propertyU32('#size-cells', 2);

  const ioapic = w.allocPhandle();
  w.beginNode(`interrupt-controller@${LAYOUT.IOAPIC_START.toString(16)}`)
    .propertyString('compatible', IOAPIC_COMPATIBLE)
    .propertyReg([{ address: LAYOUT.IOAPIC_START, size: IOAPIC_MMIO_SIZE }])
    .propertyEmpty('interrupt-controller')
    .propertyU32('#interrupt-cells', 2)
    // A controller has no child address space; dtc warns on an interrupt provider without this.
    .propertyU32('#address-cells', 0)
    .propertyPhandle(ioapic)
    .endNode();

  const interruptParent: FdtInterruptParent = { phandle: ioapic, specifier: ioapicSpecifier };
  for (const d of cfg.devices) d.fdtNode(w, { interruptParent });
  return w.endNode().finish();
}

function ioapicSpecifier(line: Gsi, trigger: FdtIrqTrigger): readonly number[] {
  if (line >= IOAPIC_NUM_PINS) {
    throw new FdtError('bad-value', `GSI ${line} has no IOAPIC pin (pins 0-${IOAPIC_NUM_PINS - 1} at ${hex(LAYOUT.IOAPIC_START)})`);
  }
  return [line, ioapicSense(trigger)];
}

function ioapicSense(trigger: FdtIrqTrigger): number {
  switch (trigger) {
    case 'edge-rising':
      return IOAPIC_DT_SENSE.EDGE_RISING;
    case 'edge-falling':
      return IOAPIC_DT_SENSE.EDGE_FALLING;
    case 'level-high':
      return IOAPIC_DT_SENSE.LEVEL_HIGH;
    case 'level-low':
      return IOAPIC_DT_SENSE.LEVEL_LOW;
    default:
      return assertNever(trigger, 'interrupt trigger');
  }
}
