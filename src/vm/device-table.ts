// The device kinds a VM can hold, how to make each one's shared state, and how every thread builds
// its own model object over that state. The builder describes devices as DeviceSpecs (plain data that
// crosses to workers); each thread instantiates them here.

import type { BusDevice, DeviceWiring } from '../devices/device.js';
import { SharedState } from '../devices/shared-state.js';
import type { Fields, Struct } from '../binary/struct.js';
import { Serial8250, Serial8250State, STATE_VERSION as SERIAL_VERSION } from '../devices/serial/serial-8250.js';
import { I8042, I8042State, STATE_VERSION as I8042_VERSION } from '../devices/i8042/i8042.js';
import { AcpiPm, AcpiPmState, STATE_VERSION as ACPI_PM_VERSION } from '../devices/acpi-pm/acpi-pm.js';
import { TestExit, TestExitState, STATE_VERSION as TEST_EXIT_VERSION } from '../devices/test-exit/test-exit.js';
import { Post, PostState, STATE_VERSION as POST_VERSION } from '../devices/post/post.js';
import { Bus } from '../devices/bus.js';
import type { DeviceRecord } from '../snapshot/machine-state.js';

interface Kind<F extends Fields, D extends BusDevice> {
  readonly layout: Struct<F>;
  /** The state struct's version; a snapshot with another version is refused. */
  readonly version: number;
  readonly create: (state: SharedState<F>, wiring: DeviceWiring) => D;
}

function kind<F extends Fields, D extends BusDevice>(k: Kind<F, D>): Kind<F, D> {
  return k;
}

export const DEVICE_KINDS = {
  'serial-8250': kind({ layout: Serial8250State, version: SERIAL_VERSION, create: (s, w) => new Serial8250(s, w) }),
  i8042: kind({ layout: I8042State, version: I8042_VERSION, create: (s, w) => new I8042(s, w) }),
  'acpi-pm': kind({ layout: AcpiPmState, version: ACPI_PM_VERSION, create: (s, w) => new AcpiPm(s, w) }),
  'test-exit': kind({ layout: TestExitState, version: TEST_EXIT_VERSION, create: (s, w) => new TestExit(s, w) }),
  post: kind({ layout: PostState, version: POST_VERSION, create: (s, w) => new Post(s, w) }),
} as const;

export type DeviceKind = keyof typeof DEVICE_KINDS;

export interface DeviceSpec {
  readonly kind: DeviceKind;
  readonly name: string;
  readonly bus: 'pio' | 'mmio';
  readonly base: number;
  readonly length: number;
  readonly gsi?: number;
  readonly state: SharedArrayBuffer;
}

export function newDeviceState(k: DeviceKind): SharedArrayBuffer {
  return new SharedState(DEVICE_KINDS[k].layout as Struct<Fields>).buffer as SharedArrayBuffer;
}

/** A device as a snapshot records it: where it sits, and its state struct (taken under its lock). */
export function deviceRecord(spec: DeviceSpec): DeviceRecord {
  const { state, ...placement } = spec;
  const kind = DEVICE_KINDS[spec.kind];
  return { ...placement, version: kind.version, state: new SharedState(kind.layout as Struct<Fields>, state).savedBytes() };
}

/** The device a snapshot recorded, with a fresh shared state block; refuses an unknown kind or another state version. */
export function deviceFromRecord(d: DeviceRecord): DeviceSpec {
  if (!Object.hasOwn(DEVICE_KINDS, d.kind)) throw new RangeError(`device '${d.name}' is of kind '${d.kind}', which this bothy does not have`);
  const { version, state, ...placement } = d;
  const k = d.kind as DeviceKind;
  const kind = DEVICE_KINDS[k];
  const restored = SharedState.fromSaved(kind.layout as Struct<Fields>, kind.version, { version, state }, `device '${d.name}' (${k})`);
  return { ...placement, kind: k, state: restored.buffer as SharedArrayBuffer };
}

export interface DeviceInstance {
  readonly spec: DeviceSpec;
  readonly device: BusDevice;
  readonly state: SharedState<Fields>;
}

export function instantiate(spec: DeviceSpec, wiring: DeviceWiring): DeviceInstance {
  const k = DEVICE_KINDS[spec.kind] as unknown as Kind<Fields, BusDevice>;
  const state = new SharedState(k.layout, spec.state);
  return { spec, device: k.create(state, wiring), state };
}

/** Builds this thread's port-I/O and MMIO buses over the VM's devices. */
export function buildBuses(specs: readonly DeviceSpec[], wiringFor: (spec: DeviceSpec) => DeviceWiring): {
  pio: Bus;
  mmio: Bus;
  instances: DeviceInstance[];
} {
  const pio = new Bus('pio');
  const mmio = new Bus('mmio');
  const instances = specs.map((spec) => {
    const inst = instantiate(spec, wiringFor(spec));
    (spec.bus === 'pio' ? pio : mmio).insert({ name: spec.name, base: spec.base, length: spec.length, device: inst.device, lock: inst.state });
    return inst;
  });
  return { pio, mmio, instances };
}

/**
 * Runs every device kind's bus paths once on throwaway state, so a fresh worker thread has compiled them
 * before its vCPU arrives (V8 compiles lazily; a pooled worker would otherwise pay it after a restore).
 */
export function warmDevicePaths(): void {
  const specs: DeviceSpec[] = (Object.keys(DEVICE_KINDS) as DeviceKind[]).map((kind, i) => ({
    kind, name: kind, bus: 'pio', base: i * 16, length: 8, state: newDeviceState(kind),
  }));
  const { pio } = buildBuses(specs, () => ({ output: () => {}, system: () => {} }));
  const byte = new Uint8Array(1);
  for (const s of specs) {
    pio.read(s.base, byte);
    pio.write(s.base + 1, byte);
  }
}
