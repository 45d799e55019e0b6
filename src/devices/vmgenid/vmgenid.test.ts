import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gpa, gsi } from '../../memory/address.js';
import type { IrqLine } from '../irq.js';
import { SharedState } from '../shared-state.js';
import { parseUuid } from './uuid.js';
import { STATE_VERSION, VmGenId, VmGenIdState, vmgenidState, type VmGenIdWiring } from './vmgenid.js';
import { VmGenIdError } from './vmgenid-error.js';
import { hexBytes as h } from '../../binary/test-bytes.js';

const QEMU_GUID = '324e6eaf-d1d1-4bf6-bf41-b9bb6c91fb87';
const QEMU_GUEST_BYTES = h('af 6e 4e 32 d1 d1 f6 4b bf 41 b9 bb 6c 91 fb 87');
const OTHER_GUID = 'aaaaaaaa-0001-4000-8000-00000000000a';

type Event = { kind: 'write'; bytes: number[] } | { kind: 'irq'; high: boolean };

/** Wiring that logs writes and IRQ levels in one ordered list. */
function recorder(): VmGenIdWiring & { log: Event[] } {
  const log: Event[] = [];
  const irq: IrqLine = { setLevel: (high) => log.push({ kind: 'irq', high }) };
  return { log, irq, write16: (b) => log.push({ kind: 'write', bytes: [...b] }) };
}

const cfg = { gpa: gpa(0xdfff0), gsi: gsi(5), uuid: parseUuid(QEMU_GUID) };

test('state layout: 16-byte UUID, u64 address, u32 GSI (version 1)', () => {
  assert.equal(STATE_VERSION, 1);
  assert.equal(VmGenIdState.size, 28);
  assert.deepEqual(VmGenIdState.offsets, { uuid: 0, gpa: 16, gsi: 24 });
});

test('afterRestore publishes the ID in guest byte order without an interrupt', () => {
  const w = recorder();
  const dev = new VmGenId(vmgenidState(cfg), w);
  assert.deepEqual(w.log, [], 'the constructor writes nothing');
  dev.afterRestore();
  assert.deepEqual(w.log, [{ kind: 'write', bytes: QEMU_GUEST_BYTES }]);
  assert.equal(dev.gpa, 0xdfff0);
  assert.equal(dev.gsi, 5);
});

test('setId writes the new bytes, then pulses the interrupt once', () => {
  const w = recorder();
  const dev = new VmGenId(vmgenidState(cfg), w);
  dev.setId(parseUuid(OTHER_GUID));
  assert.deepEqual(w.log, [
    { kind: 'write', bytes: h('aa aa aa aa 01 00 00 40 80 00 00 00 00 00 00 0a') },
    { kind: 'irq', high: true },
    { kind: 'irq', high: false },
  ]);
  assert.equal(dev.uuidString(), OTHER_GUID);
  assert.deepEqual([...dev.guestBytes()], h('aa aa aa aa 01 00 00 40 80 00 00 00 00 00 00 0a'));
});

test('setId with the same ID still notifies (QEMU post_load does; Linux ignores it)', () => {
  const w = recorder();
  const dev = new VmGenId(vmgenidState(cfg), w);
  dev.setId(parseUuid(QEMU_GUID));
  assert.equal(w.log.filter((e) => e.kind === 'irq' && e.high).length, 1);
});

test('id() is a copy: changing it does not change the device', () => {
  const dev = new VmGenId(vmgenidState(cfg), recorder());
  const id = dev.id();
  id.fill(0);
  assert.equal(dev.uuidString(), QEMU_GUID);
  const given = parseUuid(OTHER_GUID);
  dev.setId(given);
  given.fill(0);
  assert.equal(dev.uuidString(), OTHER_GUID);
});

const code = (c: VmGenIdError['code']) => (e: unknown) => e instanceof VmGenIdError && e.code === c;

test('bad addresses, IDs and states are refused before anything reaches the guest', () => {
  assert.throws(() => vmgenidState({ ...cfg, gpa: gpa(0xdfff4) }), code('bad-address'));
  assert.throws(() => vmgenidState({ ...cfg, uuid: new Uint8Array(8) }), code('bad-uuid'));
  const w = recorder();
  const dev = new VmGenId(vmgenidState(cfg), w);
  assert.throws(() => dev.setId(new Uint8Array(17)), code('bad-uuid'));
  assert.deepEqual(w.log, []);
  const unaligned = new SharedState(VmGenIdState);
  unaligned.restore({ uuid: new Uint8Array(16), gpa: 0xdfff1n, gsi: 5 });
  assert.throws(() => new VmGenId(unaligned, recorder()), code('bad-address'));
  const huge = new SharedState(VmGenIdState);
  huge.restore({ uuid: new Uint8Array(16), gpa: 1n << 60n, gsi: 5 });
  assert.throws(() => new VmGenId(huge, recorder()), code('bad-state'));
  const badGsi = new SharedState(VmGenIdState);
  badGsi.restore({ uuid: new Uint8Array(16), gpa: 0xdfff0n, gsi: 5000 });
  assert.throws(() => new VmGenId(badGsi, recorder()), code('bad-state'));
});

test('save → encode → decode → restore → save is identical, and the restored device republishes the ID', () => {
  const a = new VmGenId(vmgenidState(cfg), recorder());
  a.setId(parseUuid(OTHER_GUID));
  const saved = a.state.snapshot();
  const decoded = VmGenIdState.decode(VmGenIdState.encode(saved));
  const state2 = new SharedState(VmGenIdState);
  state2.restore(decoded);
  assert.deepEqual(state2.snapshot(), saved);

  const w = recorder();
  const b = new VmGenId(state2, w);
  assert.equal(b.uuidString(), OTHER_GUID);
  assert.equal(b.gpa, 0xdfff0);
  assert.equal(b.gsi, 5);
  b.afterRestore();
  assert.deepEqual(w.log, [{ kind: 'write', bytes: h('aa aa aa aa 01 00 00 40 80 00 00 00 00 00 00 0a') }]);
  // The VM restore path then gives the clone a fresh ID: written first, interrupt after.
  b.setId(parseUuid(QEMU_GUID));
  assert.deepEqual(w.log.slice(1), [
    { kind: 'write', bytes: QEMU_GUEST_BYTES },
    { kind: 'irq', high: true },
    { kind: 'irq', high: false },
  ]);
});
