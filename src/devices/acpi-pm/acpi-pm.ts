// HW-reduced ACPI power management registers in one 3-port window: sleep control and sleep status
// (ACPI 6.5 §4.8.3.7) and the reset register (§4.8.3.6). S5 powers the VM off; RESET_VALUE resets it.
// The FADT points at these through Generic Address Structures (§5.2.3.2).

import { struct, u8, u32le } from '../../binary/struct.js';
import { ACPI_RESET_VALUE, ACPI_S5_SLP_TYP } from '../../arch/x86_64/layout.js';
import type { BusDevice, DeviceWiring } from '../device.js';
import type { SharedState } from '../shared-state.js';
import { bumpCounter } from '../counter.js';

export const STATE_VERSION = 1;

/** Offsets from the window base (PORTS.ACPI_SLEEP_CONTROL). */
export const ACPI_PM_SLEEP_CONTROL_OFFSET = 0;
export const ACPI_PM_SLEEP_STATUS_OFFSET = 1;
export const ACPI_PM_RESET_OFFSET = 2;
export const ACPI_PM_WINDOW = 3;

/** Sleep control register fields (§4.8.3.7); bits 0–1 and 6–7 are reserved. */
export const SLP_TYP_SHIFT = 2;
export const SLP_TYP_MASK = 0x1c;
export const SLP_EN = 0x20;
/** Sleep status register (§4.8.3.7): WAK_STS is write-1-to-clear. */
export const WAK_STS = 0x80;

/** Generic Address Structure values for FADT SLEEP_CONTROL_REG, SLEEP_STATUS_REG and RESET_REG. */
export const ACPI_GAS_ADDRESS_SPACE_SYSTEM_IO = 1;
/** All three are byte registers (§4.8.3.6: the reset register's bit width must be 8). */
export const ACPI_PM_REGISTER_BIT_WIDTH = 8;
export const ACPI_PM_REGISTER_BIT_OFFSET = 0;
/** GAS access size 1 = byte access. */
export const ACPI_GAS_ACCESS_SIZE_BYTE = 1;
/** FADT flag telling the OS the RESET_REG is usable (FADT Flags bit 10, RESET_REG_SUP). */
export const FADT_RESET_REG_SUP = 1 << 10;

/** A zeroed block is the power-on state. */
export const AcpiPmState = struct('acpi-pm', {
  /** WAK_STS as the guest last saw it. */
  wakeStatus: u8,
  /** SLP_TYP of the last sleep request the VM cannot honour (not S5). */
  lastIgnoredSlpTyp: u8,
  /** Sleep requests other than S5: counted, not logged, so a guest cannot flood a log. */
  ignoredSleepRequests: u32le,
  /** Reset register writes of a value other than RESET_VALUE. */
  ignoredResetWrites: u32le,
});
type Fields = typeof AcpiPmState.fields;

const O = AcpiPmState.offsets;

export class AcpiPm implements BusDevice {
  readonly state: SharedState<Fields>;
  readonly #wiring: DeviceWiring;
  readonly #v: DataView;

  constructor(state: SharedState<Fields>, wiring: DeviceWiring) {
    this.state = state;
    this.#wiring = wiring;
    this.#v = state.view;
  }

  read(offset: number, data: Uint8Array): void {
    for (let i = 0; i < data.length; i++) data[i] = this.#readRegister(offset + i);
  }

  write(offset: number, data: Uint8Array): void {
    for (let i = 0; i < data.length; i++) this.#writeRegister(offset + i, data[i]!);
  }

  #readRegister(offset: number): number {
    switch (offset) {
      case ACPI_PM_SLEEP_STATUS_OFFSET:
        return this.#v.getUint8(O.wakeStatus) ? WAK_STS : 0;
      case ACPI_PM_SLEEP_CONTROL_OFFSET:
      case ACPI_PM_RESET_OFFSET:
        // Both are write-only; reserved and write-only bits read as zero.
        return 0;
      default:
        return 0xff;
    }
  }

  #writeRegister(offset: number, v: number): void {
    switch (offset) {
      case ACPI_PM_SLEEP_CONTROL_OFFSET:
        this.#writeSleepControl(v);
        return;
      case ACPI_PM_SLEEP_STATUS_OFFSET:
        if (v & WAK_STS) this.#v.setUint8(O.wakeStatus, 0);
        return;
      case ACPI_PM_RESET_OFFSET:
        if (v === ACPI_RESET_VALUE) this.#wiring.system?.({ kind: 'reset' });
        else bumpCounter(this.#v, O.ignoredResetWrites);
        return;
      default:
        return;
    }
  }

  #writeSleepControl(v: number): void {
    if (!(v & SLP_EN)) return;
    const slpTyp = (v & SLP_TYP_MASK) >> SLP_TYP_SHIFT;
    if (slpTyp === ACPI_S5_SLP_TYP) {
      this.#wiring.system?.({ kind: 'poweroff' });
      return;
    }
    this.#v.setUint8(O.lastIgnoredSlpTyp, slpTyp);
    bumpCounter(this.#v, O.ignoredSleepRequests);
    // The VM cannot sleep, so it "wakes" at once: Linux (acpi_hw_extended_sleep) spins on WAK_STS
    // after setting SLP_EN and would hang forever if it never appeared.
    this.#v.setUint8(O.wakeStatus, 1);
  }
}
