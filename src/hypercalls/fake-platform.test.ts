import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakePlatform } from './fake-platform.js';

test('FakePlatform: power states drive CPU_ON results and are recorded', () => {
  const p = new FakePlatform({ vcpuId: 1, states: ['on', 'on', 'off'] });
  assert.equal(p.vcpuCount, 3);
  assert.equal(p.cpuOn(2, 0x1000n, 7n), 'ok');
  assert.equal(p.powerState(2), 'on-pending');
  assert.equal(p.cpuOn(2, 0n, 0n), 'on-pending');
  assert.equal(p.cpuOn(0, 0n, 0n), 'already-on');
  assert.equal(p.cpuOn(3, 0n, 0n), 'no-such-cpu');
  assert.equal(p.powerState(-1), undefined);
  p.cpuOff();
  assert.equal(p.powerState(1), 'off');
  assert.deepEqual(p.callsOf('cpu-on').map((c) => c.result), ['ok', 'on-pending', 'already-on', 'no-such-cpu']);
  assert.deepEqual(p.calls.at(-1), { kind: 'cpu-off', vcpu: 1 });
});

test('FakePlatform: defaults and options', () => {
  const d = new FakePlatform();
  assert.deepEqual(d.states, ['on', 'off', 'off', 'off']);
  assert.deepEqual([...d.randomBytes(3)], [0xff, 0xff, 0xff]);
  assert.equal(d.startStolenTime(), undefined);
  assert.equal(d.hasStolenTime?.(), false);
  assert.equal(d.ptp('virtual'), undefined);
  d.systemEvent('reset');
  assert.deepEqual(d.calls.map((c) => c.kind), ['random-bytes', 'start-stolen-time', 'ptp', 'system-event']);
  const o = new FakePlatform({ stolenTimeGpa: 64n, ptp: { realtimeNs: 1n, counter: 2n }, randomBytes: (n) => new Uint8Array(n) });
  assert.equal(o.hasStolenTime?.(), true);
  assert.equal(o.startStolenTime(), 64n);
  assert.deepEqual(o.ptp('physical'), { realtimeNs: 1n, counter: 2n });
  assert.deepEqual([...o.randomBytes(2)], [0, 0]);
  assert.equal(new FakePlatform({ omitHasStolenTime: true }).hasStolenTime, undefined);
});
