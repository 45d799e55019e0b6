import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SharedState } from '../shared-state.js';
import { rd, wr, recordingWiring } from '../testing.js';
import { PORTS } from '../../arch/x86_64/layout.js';
import { TestExit, TestExitState, STATE_VERSION, TEST_EXIT_WINDOW } from './test-exit.js';

function make() {
  const wiring = recordingWiring();
  const state = new SharedState(TestExitState);
  return { dev: new TestExit(state, wiring), state, wiring };
}

test('layout is three u32 counters; the window is PORTS.TEST_EXIT_LEN', () => {
  assert.equal(TestExitState.size, 12);
  assert.equal(TEST_EXIT_WINDOW, PORTS.TEST_EXIT_LEN);
  assert.equal(STATE_VERSION, 1);
});

test('a 4-byte write of v ends the guest with code v (full 32-bit range)', () => {
  const { dev, wiring, state } = make();
  wr(dev, 0, 0, 4);
  wr(dev, 0, 0xdeadbeef, 4);
  assert.deepEqual(wiring.events, [
    { kind: 'guest-exit', code: 0 },
    { kind: 'guest-exit', code: 0xdeadbeef },
  ]);
  assert.equal(state.get('exits'), 2);
  assert.equal(state.get('lastCode'), 0xdeadbeef);
});

test('narrower or misaligned writes are ignored and counted; reads return 0', () => {
  const { dev, wiring, state } = make();
  wr(dev, 0, 1, 1);
  wr(dev, 0, 1, 2);
  wr(dev, 1, 1, 1);
  assert.deepEqual(wiring.events, []);
  assert.equal(state.get('ignoredWrites'), 3);
  assert.equal(rd(dev, 0, 4), 0);
  assert.equal(rd(dev, 2, 1), 0);
});

test('save → encode → decode → restore → save is identical', () => {
  const { dev, state } = make();
  wr(dev, 0, 7, 4);
  wr(dev, 0, 7, 1);
  const saved = state.snapshot();
  const state2 = new SharedState(TestExitState);
  state2.restore(TestExitState.decode(TestExitState.encode(saved)));
  assert.deepEqual(state2.snapshot(), saved);
  assert.deepEqual(saved, { exits: 1, lastCode: 7, ignoredWrites: 1 });
});

test('two model objects over one SharedArrayBuffer see each other', () => {
  const a = make();
  const b = new TestExit(new SharedState(TestExitState, a.state.buffer), a.wiring);
  wr(b, 0, 3, 4);
  assert.equal(a.state.get('lastCode'), 3);
  assert.deepEqual(a.wiring.events, [{ kind: 'guest-exit', code: 3 }]);
});

test('the counters wrap at 2^32 instead of throwing', () => {
  const { dev, state } = make();
  state.set('ignoredWrites', 0xffff_ffff);
  state.set('exits', 0xffff_ffff);
  wr(dev, 0, 1, 1);
  wr(dev, 0, 5, 4);
  assert.equal(state.get('ignoredWrites'), 0);
  assert.equal(state.get('exits'), 0);
  assert.equal(state.get('lastCode'), 5);
});
