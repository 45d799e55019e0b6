// Devicetree node for the VM Generation ID device per Linux's binding (Documentation/devicetree/
// bindings/rng/microsoft,vmgenid.yaml): compatible, `reg` = the 16 bytes, one edge interrupt.

import type { FdtDevice } from '../../firmware/fdt/fdt-device.js';
import type { Gpa, Gsi } from '../../memory/address.js';
import { VMGENID_SIZE } from './vmgenid.js';

export const VMGENID_COMPATIBLE = 'microsoft,vmgenid';

export interface VmGenIdFdtConfig {
  readonly gpa: Gpa;
  readonly gsi: Gsi;
}

export function vmgenidFdt(cfg: VmGenIdFdtConfig): FdtDevice {
  return {
    fdtNode(w, ctx) {
      // The driver ioremaps `reg`; Linux refuses that for System RAM, so the address must be reserved memory.
      w.beginNode(`vmgenid@${cfg.gpa.toString(16)}`)
        .propertyString('compatible', VMGENID_COMPATIBLE)
        .propertyReg([{ address: cfg.gpa, size: VMGENID_SIZE }])
        .propertyU32('interrupt-parent', ctx.interruptParent.phandle)
        .propertyCells('interrupts', ctx.interruptParent.specifier(cfg.gsi, 'edge-rising'))
        .endNode();
    },
  };
}
