// The POST-code port 0x80 (PORTS.POST): firmware progress codes and Linux's I/O delay (outb to 0x80)
// land here. Writes go nowhere but are counted; reads float high like an empty ISA port.
// It is also the exit-cost bench's target, so a write is one counter bump and one byte store.

import { struct, u8, u32le } from '../../binary/struct.js';
import type { BusDevice, DeviceWiring } from '../device.js';
import type { SharedState } from '../shared-state.js';
import { bumpCounter } from '../counter.js';

export const STATE_VERSION = 1;

export const POST_WINDOW = 1;

/** A zeroed block is the power-on state. */
export const PostState = struct('post', {
  writes: u32le,
  /** Low byte of the last write: the last POST code, useful when a guest stops early. */
  lastCode: u8,
});
type Fields = typeof PostState.fields;

const O = PostState.offsets;

export class Post implements BusDevice {
  readonly state: SharedState<Fields>;
  readonly #v: DataView;

  constructor(state: SharedState<Fields>, _wiring: DeviceWiring) {
    this.state = state;
    this.#v = state.view;
  }

  read(_offset: number, data: Uint8Array): void {
    data.fill(0xff);
  }

  write(_offset: number, data: Uint8Array): void {
    bumpCounter(this.#v, O.writes);
    this.#v.setUint8(O.lastCode, data[0] ?? 0);
  }
}
