import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SharedState } from '../shared-state.js';
import { rd, wr, recordingWiring } from '../testing.js';
import { ACPI_RESET_VALUE, ACPI_S5_SLP_TYP, PORTS } from '../../arch/x86_64/layout.js';
import {
  AcpiPm, AcpiPmState, STATE_VERSION, ACPI_PM_SLEEP_CONTROL_OFFSET as CTL, ACPI_PM_SLEEP_STATUS_OFFSET as STS,
  ACPI_PM_RESET_OFFSET as RST, ACPI_PM_WINDOW, SLP_EN, SLP_TYP_SHIFT, WAK_STS,
} from './acpi-pm.js';

function make() {
  const wiring = recordingWiring();
  const state = new SharedState(AcpiPmState);
  return { pm: new AcpiPm(state, wiring), state, wiring };
}

/** What Linux's acpi_hw_extended_sleep writes: (SLP_TYP << 2) | SLP_EN. */
const sleep = (typ: number) => (typ << SLP_TYP_SHIFT) | SLP_EN;

test('layout and window match the ports layout.ts reserves', () => {
  assert.equal(AcpiPmState.size, 1 + 1 + 4 + 4);
  assert.equal(STATE_VERSION, 1);
  assert.equal(PORTS.ACPI_SLEEP_CONTROL + CTL, PORTS.ACPI_SLEEP_CONTROL);
  assert.equal(PORTS.ACPI_SLEEP_CONTROL + STS, PORTS.ACPI_SLEEP_STATUS);
  assert.equal(PORTS.ACPI_SLEEP_CONTROL + RST, PORTS.ACPI_RESET);
  assert.equal(ACPI_PM_WINDOW, 3);
});

test('SLP_EN with SLP_TYP = S5 powers off', () => {
  const { pm, wiring } = make();
  wr(pm, CTL, sleep(ACPI_S5_SLP_TYP));
  assert.deepEqual(wiring.events, [{ kind: 'poweroff' }]);
});

test('SLP_TYP = S5 without SLP_EN does nothing', () => {
  const { pm, wiring, state } = make();
  wr(pm, CTL, ACPI_S5_SLP_TYP << SLP_TYP_SHIFT);
  assert.deepEqual(wiring.events, []);
  assert.equal(state.get('ignoredSleepRequests'), 0);
});

test('other sleep types are counted, not honoured, and the guest sees WAK_STS so its wait loop ends', () => {
  const { pm, wiring, state } = make();
  assert.equal(rd(pm, STS), 0);
  wr(pm, STS, WAK_STS); // Linux clears WAK_STS first
  wr(pm, CTL, sleep(3));
  assert.deepEqual(wiring.events, []);
  assert.equal(state.get('ignoredSleepRequests'), 1);
  assert.equal(state.get('lastIgnoredSlpTyp'), 3);
  assert.equal(rd(pm, STS) & WAK_STS, WAK_STS);
  wr(pm, STS, 0x01); // not write-1-to-clear of WAK_STS
  assert.equal(rd(pm, STS), WAK_STS);
  wr(pm, STS, WAK_STS);
  assert.equal(rd(pm, STS), 0);
});

test('reset register: RESET_VALUE resets, other values are counted', () => {
  const { pm, wiring, state } = make();
  wr(pm, RST, ACPI_RESET_VALUE + 1);
  assert.deepEqual(wiring.events, []);
  assert.equal(state.get('ignoredResetWrites'), 1);
  wr(pm, RST, ACPI_RESET_VALUE);
  assert.deepEqual(wiring.events, [{ kind: 'reset' }]);
});

test('write-only registers read 0', () => {
  const { pm } = make();
  wr(pm, CTL, 0x1c);
  assert.equal(rd(pm, CTL), 0);
  assert.equal(rd(pm, RST), 0);
});

test('save → encode → decode → restore → save is identical', () => {
  const { pm, state } = make();
  wr(pm, CTL, sleep(1));
  wr(pm, RST, 0x42);
  const saved = state.snapshot();
  const state2 = new SharedState(AcpiPmState);
  state2.restore(AcpiPmState.decode(AcpiPmState.encode(saved)));
  assert.deepEqual(state2.snapshot(), saved);
  assert.equal(rd(new AcpiPm(state2, recordingWiring()), STS), WAK_STS);
});

test('two model objects over one SharedArrayBuffer see each other', () => {
  const a = make();
  const b = new AcpiPm(new SharedState(AcpiPmState, a.state.buffer), recordingWiring());
  wr(a.pm, CTL, sleep(2));
  assert.equal(rd(b, STS), WAK_STS);
  wr(b, STS, WAK_STS);
  assert.equal(rd(a.pm, STS), 0);
});

test('the ignored-access counters wrap at 2^32 instead of throwing', () => {
  const { pm, state } = make();
  state.set('ignoredResetWrites', 0xffff_ffff);
  state.set('ignoredSleepRequests', 0xffff_ffff);
  wr(pm, RST, ACPI_RESET_VALUE ^ 1);
  wr(pm, CTL, sleep(1));
  assert.equal(state.get('ignoredResetWrites'), 0);
  assert.equal(state.get('ignoredSleepRequests'), 0);
});
