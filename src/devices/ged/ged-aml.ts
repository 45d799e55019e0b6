// ACPI Generic Event Device (ACPI 6.5 §5.6.9, _HID "ACPI0013"): turns device interrupts into AML
// notifications on a HW-reduced platform. Each registered source gets its own Interrupt descriptor
// in _CRS and an `If (Arg0 == gsi) { Notify(device, value) }` arm in _EVT (Firecracker's form).

import type { AmlDevice } from '../../firmware/acpi/aml-device.js';
import { AcpiError } from '../../firmware/acpi/acpi-error.js';
import * as aml from '../../firmware/acpi/aml/index.js';
import type { ByteSink } from '../../binary/byte-sink.js';
import type { Gsi } from '../../memory/address.js';

export const GED_AML_PATH = '\\_SB.GED';
export const GED_HID = 'ACPI0013';

/** One interrupt the GED listens on and the notification it becomes. */
export interface GedEvent {
  readonly gsi: Gsi;
  /** Absolute namespace path of the device to notify, e.g. "\\_SB.VGEN". */
  readonly device: string;
  /** Notify value (ACPI 6.5 §5.6.6): 0x80 and up are device-specific. */
  readonly notifyValue: number;
}

/**
 * The GED as an AmlDevice with a registry: the VM builder adds one event per source (vmgenid now;
 * power button, vmclock later) and lists it with the other describers. With no events it writes no
 * AML, since a GED that listens to nothing has nothing to say.
 */
export class GedAml implements AmlDevice {
  readonly #events: GedEvent[] = [];

  addEvent(event: GedEvent): this {
    const clash = this.#events.find((e) => e.gsi === event.gsi);
    if (clash !== undefined) {
      throw new AcpiError('bad-config', `GED already routes GSI ${event.gsi} to ${clash.device}; give ${event.device} its own GSI`);
    }
    if (!Number.isInteger(event.notifyValue) || event.notifyValue < 0 || event.notifyValue > 0xff) {
      throw new AcpiError('bad-value', `GED notify value ${event.notifyValue} for ${event.device} is outside 0..0xFF`);
    }
    aml.path(event.device); // a bad path fails here, at registration, rather than when the DSDT is built
    this.#events.push({ ...event });
    return this;
  }

  get events(): readonly GedEvent[] {
    return this.#events;
  }

  appendAml(out: ByteSink): void {
    if (this.#events.length === 0) return;
    aml
      .device(GED_AML_PATH, [
        aml.name('_HID', GED_HID),
        aml.name('_UID', 0),
        // One descriptor per GSI: Linux's evged requests only the first interrupt of each descriptor.
        // Edge, active-high, exclusive (Firecracker's flags): every source pulses a line of its own.
        aml.name('_CRS', aml.resourceTemplate(this.#events.map((e) => aml.interrupt([e.gsi])))),
        // _EVT(Arg0 = the GSI that fired); serialized so two events cannot interleave their Notifies.
        aml.method(
          '_EVT',
          1,
          this.#events.map((e) => aml.ifThen(aml.lEqual(aml.arg(0), e.gsi), [aml.notify(aml.path(e.device), e.notifyValue)])),
          { serialized: true },
        ),
      ])
      .encodeInto(out);
  }
}
