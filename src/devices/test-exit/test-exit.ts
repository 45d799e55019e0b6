// bothy's test-result port (PORTS.TEST_EXIT, 4 bytes): a micro-guest writes its exit code as one
// 32-bit OUT and the VM ends with that code. Narrower writes are ignored so stray byte writes
// (or a port scan) cannot end a VM with a made-up code.

import { struct, u32le } from '../../binary/struct.js';
import type { BusDevice, DeviceWiring } from '../device.js';
import type { SharedState } from '../shared-state.js';
import { bumpCounter } from '../counter.js';

export const STATE_VERSION = 1;

/** Bytes the device decodes; only a full-width write at offset 0 counts. */
export const TEST_EXIT_WINDOW = 4;

/** A zeroed block is the power-on state. */
export const TestExitState = struct('test-exit', {
  exits: u32le,
  lastCode: u32le,
  ignoredWrites: u32le,
});
type Fields = typeof TestExitState.fields;

const O = TestExitState.offsets;

export class TestExit implements BusDevice {
  readonly state: SharedState<Fields>;
  readonly #wiring: DeviceWiring;
  readonly #v: DataView;

  constructor(state: SharedState<Fields>, wiring: DeviceWiring) {
    this.state = state;
    this.#wiring = wiring;
    this.#v = state.view;
  }

  read(_offset: number, data: Uint8Array): void {
    data.fill(0);
  }

  write(offset: number, data: Uint8Array): void {
    if (offset !== 0 || data.length !== TEST_EXIT_WINDOW) {
      bumpCounter(this.#v, O.ignoredWrites);
      return;
    }
    const code = new DataView(data.buffer, data.byteOffset, data.byteLength).getUint32(0, true);
    bumpCounter(this.#v, O.exits);
    this.#v.setUint32(O.lastCode, code, true);
    this.#wiring.system?.({ kind: 'guest-exit', code });
  }
}
