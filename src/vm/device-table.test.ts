import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deviceRecord, deviceFromRecord, newDeviceState, instantiate } from './device-table.js';
import type { DeviceSpec } from './device-table.js';

const spec = (): DeviceSpec => ({ kind: 'post', name: 'post', bus: 'pio', base: 0x80, length: 1, state: newDeviceState('post') });

test('a device record round-trips placement and state into a fresh shared block', () => {
  const s = spec();
  instantiate(s, {}).device.write(0, Uint8Array.of(0x42));
  const back = deviceFromRecord(deviceRecord(s));
  assert.deepEqual({ ...back, state: undefined }, { ...s, state: undefined });
  assert.notEqual(back.state, s.state, 'a new block, not the running device\'s');
  assert.deepEqual(deviceRecord(back).state, deviceRecord(s).state);
});

test('a record of another state version or an unknown kind is refused by name', () => {
  const rec = deviceRecord(spec());
  assert.throws(() => deviceFromRecord({ ...rec, version: rec.version + 1 }), /device 'post' \(post\) state is version 2, 5 bytes; this bothy has version 1, 5 bytes/);
  assert.throws(() => deviceFromRecord({ ...rec, state: new Uint8Array(3) }), /state is version 1, 3 bytes/);
  assert.throws(() => deviceFromRecord({ ...rec, kind: 'floppy' }), /kind 'floppy', which this bothy does not have/);
});
