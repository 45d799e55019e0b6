// Virtual Machine Generation ID device (Microsoft "Virtual Machine Generation ID", 2012): 16 bytes of
// guest memory holding a GUID and an edge interrupt that says it changed. Not on a bus: the guest only
// reads the bytes, so the model owns no registers, just the ID, where it lives and which GSI it pulses.

import { bytes, struct, u32le, u64le } from '../../binary/struct.js';
import { gpa as toGpa, gsi as toGsi, hex, type Gpa, type Gsi } from '../../memory/address.js';
import { pulse, type IrqLine } from '../irq.js';
import { SharedState } from '../shared-state.js';
import { formatUuid, toGuestByteOrder, UUID_SIZE } from './uuid.js';
import { VmGenIdError } from './vmgenid-error.js';

export const STATE_VERSION = 1;

/** The ID is 16 bytes in an 8-byte aligned buffer (spec requirement R1a). */
export const VMGENID_SIZE = UUID_SIZE;
export const VMGENID_ALIGN = 8;

export const VmGenIdState = struct('vmgenid', {
  /** The current ID in RFC 4122 text order, as the user gave it; the guest sees it byte-swapped. */
  uuid: bytes(UUID_SIZE),
  /** Guest-physical address of the 16 bytes (ACPI ADDR, DT reg). */
  gpa: u64le,
  /** The GSI the VM builder wired the interrupt to (GED _EVT, DT interrupts). */
  gsi: u32le,
});
export type VmGenIdFields = typeof VmGenIdState.fields;

export interface VmGenIdConfig {
  readonly gpa: Gpa;
  readonly gsi: Gsi;
  /** 16 bytes in text order (parseUuid / randomUuidV4). */
  readonly uuid: Uint8Array;
}

export interface VmGenIdWiring {
  /** Edge-triggered: each ID change pulses it once. */
  readonly irq: IrqLine;
  /** Stores the 16 guest-order bytes at the device's address; the VM builder binds it to guest memory. */
  readonly write16: (bytes: Uint8Array) => void;
}

/** A fresh state block for `cfg` (validated), for `new VmGenId(state, wiring)`. */
export function vmgenidState(cfg: VmGenIdConfig, buffer?: SharedArrayBuffer | ArrayBuffer): SharedState<VmGenIdFields> {
  checkAddress(cfg.gpa);
  checkUuid(cfg.uuid);
  const state = new SharedState(VmGenIdState, buffer);
  state.restore({ uuid: cfg.uuid, gpa: BigInt(cfg.gpa), gsi: cfg.gsi });
  return state;
}

export class VmGenId {
  readonly state: SharedState<VmGenIdFields>;
  readonly #wiring: VmGenIdWiring;
  readonly #gpa: Gpa;
  readonly #gsi: Gsi;

  /** Wraps a state block (fresh or restored); writes nothing until afterRestore() or setId(). */
  constructor(state: SharedState<VmGenIdFields>, wiring: VmGenIdWiring) {
    this.state = state;
    this.#wiring = wiring;
    const saved = state.snapshot();
    if (saved.gpa > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new VmGenIdError('bad-state', `vmgenid state has address ${hex(saved.gpa)}, beyond bothy's guest memory`);
    }
    this.#gpa = checkAddress(toGpa(Number(saved.gpa)));
    try {
      this.#gsi = toGsi(saved.gsi);
    } catch (e) {
      throw new VmGenIdError('bad-state', `vmgenid state has GSI ${saved.gsi}: ${(e as Error).message}`, { cause: e });
    }
  }

  /** Guest-physical address of the 16 ID bytes. */
  get gpa(): Gpa {
    return this.#gpa;
  }

  get gsi(): Gsi {
    return this.#gsi;
  }

  /**
   * Changes the ID: stores it, writes the guest's bytes, then pulses the interrupt. The order is the
   * spec's ("write the new value, then notify"): Linux rereads the bytes when the notify arrives.
   * An unchanged ID still notifies, as QEMU does; Linux ignores an ID it already has.
   */
  setId(uuid: Uint8Array): void {
    checkUuid(uuid);
    this.state.locked(() => {
      this.state.set('uuid', uuid.slice());
      this.#wiring.write16(toGuestByteOrder(uuid));
      pulse(this.#wiring.irq);
    });
  }

  /** The current ID in text order (a copy). */
  id(): Uint8Array {
    return this.state.locked(() => this.state.get('uuid'));
  }

  uuidString(): string {
    return formatUuid(this.id());
  }

  /** The 16 bytes the guest reads at `gpa`. */
  guestBytes(): Uint8Array {
    return toGuestByteOrder(this.id());
  }

  /**
   * Rewrites guest memory from state without an interrupt. Boot uses it to publish the first ID;
   * restore uses it before vCPUs run, after which the VM gives the clone a new ID with setId().
   */
  afterRestore(): void {
    this.state.locked(() => this.#wiring.write16(toGuestByteOrder(this.state.get('uuid'))));
  }
}

function checkAddress(at: Gpa): Gpa {
  if (at % VMGENID_ALIGN !== 0) {
    throw new VmGenIdError(
      'bad-address',
      `VM Generation ID buffer at ${hex(at)} is not ${VMGENID_ALIGN}-byte aligned (spec R1a); allocate it with align ${VMGENID_ALIGN}`,
    );
  }
  return at;
}

function checkUuid(uuid: Uint8Array): void {
  if (uuid.length !== UUID_SIZE) throw new VmGenIdError('bad-uuid', `A VM Generation ID is ${UUID_SIZE} bytes, got ${uuid.length}`);
}
