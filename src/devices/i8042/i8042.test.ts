import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SharedState } from '../shared-state.js';
import { rd, wr, recordingWiring } from '../testing.js';
import {
  I8042, I8042State, STATE_VERSION, I8042_DATA_OFFSET as DATA, I8042_COMMAND_OFFSET as CMD, I8042_WINDOW,
  I8042_BUFFER_SIZE, I8042_STR_OBF, I8042_STR_IBF, I8042_STR_KEYLOCK, I8042_STR_CMDDAT, I8042_STR_SYSFLAG,
  I8042_CTR_KBDINT, I8042_CTR_KBDDIS, I8042_CTR_AUXDIS, I8042_CTR_SYSFLAG,
  I8042_CMD_CTL_RCTR, I8042_CMD_CTL_WCTR, I8042_CMD_CTL_TEST, I8042_CMD_KBD_TEST, I8042_CMD_KBD_DISABLE,
  I8042_CMD_KBD_ENABLE, I8042_CMD_AUX_DISABLE, I8042_CMD_READ_OUTPUT, I8042_CMD_WRITE_OUTPUT, I8042_CMD_PULSE_RESET,
  I8042_RET_CTL_TEST, ATKBD_RET_ACK, ATKBD_RET_BAT,
} from './i8042.js';

function make() {
  const wiring = recordingWiring();
  const state = new SharedState(I8042State);
  return { kbc: new I8042(state, wiring), state, wiring };
}

/** Linux's i8042_command(): wait for IBF clear, write the command, then read replies once OBF is set. */
function command(kbc: I8042, cmd: number, param?: number): number | undefined {
  assert.equal(rd(kbc, CMD) & I8042_STR_IBF, 0);
  wr(kbc, CMD, cmd);
  if (param !== undefined) {
    assert.equal(rd(kbc, CMD) & I8042_STR_IBF, 0);
    wr(kbc, DATA, param);
  }
  return rd(kbc, CMD) & I8042_STR_OBF ? rd(kbc, DATA) : undefined;
}

test('layout: 7 register bytes then the 16-byte output queue; window of 5 ports', () => {
  assert.equal(I8042State.size, 7 + I8042_BUFFER_SIZE);
  assert.equal(I8042_WINDOW, 5);
  assert.equal(CMD, 4);
  assert.equal(STATE_VERSION, 1);
});

test('0xFE on the command port pulses reset; other pulse masks without bit 0 do too, odd ones do not', () => {
  const { kbc, wiring } = make();
  wr(kbc, CMD, 0xff);
  wr(kbc, DATA, I8042_CMD_PULSE_RESET);
  assert.deepEqual(wiring.events, []);
  wr(kbc, CMD, I8042_CMD_PULSE_RESET);
  assert.deepEqual(wiring.events, [{ kind: 'reset' }]);
  wr(kbc, CMD, 0xf0);
  assert.equal(wiring.events.length, 2);
});

test("reboot=k: kb_wait sees IBF clear before each 0xFE", () => {
  const { kbc, wiring } = make();
  for (let i = 0; i < 3; i++) {
    assert.equal(rd(kbc, CMD) & I8042_STR_IBF, 0);
    wr(kbc, CMD, I8042_CMD_PULSE_RESET);
  }
  assert.equal(wiring.events.filter((e) => e.kind === 'reset').length, 3);
});

test('status: keylock clear (not inhibited), nothing to read at power-on, CMDDAT tracks the last port written', () => {
  const { kbc } = make();
  assert.equal(rd(kbc, CMD), I8042_STR_KEYLOCK);
  wr(kbc, CMD, I8042_CMD_KBD_ENABLE);
  assert.equal(rd(kbc, CMD) & I8042_STR_CMDDAT, I8042_STR_CMDDAT);
  assert.equal(rd(kbc, DATA), 0);
});

test("Linux probe (noaux nomux dumbkbd): flush, stable CTR reads, CTR write, keyboard port enable", () => {
  const { kbc, wiring } = make();
  // i8042_flush: nothing pending.
  assert.equal(rd(kbc, CMD) & I8042_STR_OBF, 0);
  // Self-test (when i8042.reset asks for it) answers 0x55 and sets the system flag.
  assert.equal(command(kbc, I8042_CMD_CTL_TEST), I8042_RET_CTL_TEST);
  assert.equal(rd(kbc, CMD) & I8042_STR_SYSFLAG, I8042_STR_SYSFLAG);
  const ctr0 = command(kbc, I8042_CMD_CTL_RCTR);
  const ctr1 = command(kbc, I8042_CMD_CTL_RCTR);
  assert.equal(ctr0, ctr1);
  assert.equal(ctr0! & I8042_CTR_SYSFLAG, I8042_CTR_SYSFLAG);
  let ctr = (ctr0! | I8042_CTR_KBDDIS) & ~I8042_CTR_KBDINT;
  assert.equal(command(kbc, I8042_CMD_CTL_WCTR, ctr), undefined);
  assert.equal(command(kbc, I8042_CMD_CTL_RCTR), ctr);
  // i8042_enable_kbd_port
  ctr = (ctr & ~I8042_CTR_KBDDIS) | I8042_CTR_KBDINT;
  command(kbc, I8042_CMD_CTL_WCTR, ctr);
  assert.equal(command(kbc, I8042_CMD_KBD_TEST), 0x00);
  assert.deepEqual(wiring.events, []);
});

test('output port read/write and KBD/AUX disable bits in the CTR', () => {
  const { kbc } = make();
  command(kbc, I8042_CMD_WRITE_OUTPUT, 0xdf);
  assert.equal(command(kbc, I8042_CMD_READ_OUTPUT), 0xdf);
  command(kbc, I8042_CMD_KBD_DISABLE);
  command(kbc, I8042_CMD_AUX_DISABLE);
  assert.equal(command(kbc, I8042_CMD_CTL_RCTR), I8042_CTR_KBDDIS | I8042_CTR_AUXDIS);
  command(kbc, I8042_CMD_KBD_ENABLE);
  assert.equal(command(kbc, I8042_CMD_CTL_RCTR), I8042_CTR_AUXDIS);
});

test('bytes for the keyboard get an ACK; keyboard reset adds BAT', () => {
  const { kbc } = make();
  wr(kbc, DATA, 0xf4);
  assert.equal(rd(kbc, DATA), ATKBD_RET_ACK);
  wr(kbc, DATA, 0xff);
  assert.equal(rd(kbc, DATA), ATKBD_RET_ACK);
  assert.equal(rd(kbc, DATA), ATKBD_RET_BAT);
  assert.equal(rd(kbc, CMD) & I8042_STR_OBF, 0);
});

test('IRQ 1 follows queued output only while the CTR enables it, with an edge per byte', () => {
  const { kbc, wiring } = make();
  assert.equal(kbc.enqueueKeyboard(Uint8Array.of(0x1c)), 1);
  assert.equal(wiring.irq.level, false);
  assert.equal(rd(kbc, DATA), 0x1c);
  command(kbc, I8042_CMD_CTL_WCTR, I8042_CTR_KBDINT);
  kbc.enqueueKeyboard(Uint8Array.of(0xf0, 0x1c));
  assert.equal(wiring.irq.level, true);
  assert.equal(rd(kbc, DATA), 0xf0);
  assert.equal(rd(kbc, DATA), 0x1c);
  assert.equal(wiring.irq.level, false);
  assert.deepEqual(wiring.irq.history, [true, false, true, false]);
  assert.equal(wiring.irq.rises, 2);
});

test('keyboard input is refused while the keyboard is disabled, and the queue caps at 16 bytes', () => {
  const { kbc } = make();
  command(kbc, I8042_CMD_KBD_DISABLE);
  assert.equal(kbc.enqueueKeyboard(Uint8Array.of(1)), 0);
  command(kbc, I8042_CMD_KBD_ENABLE);
  assert.equal(kbc.enqueueKeyboard(new Uint8Array(20)), I8042_BUFFER_SIZE);
  assert.equal(kbc.enqueueKeyboard(Uint8Array.of(1)), 0);
});

test('wide accesses and offsets 1–3 are not the controller', () => {
  const { kbc, wiring } = make();
  assert.equal(rd(kbc, 1), 0xff);
  assert.equal(rd(kbc, CMD, 2), 0xffff);
  wr(kbc, CMD, I8042_CMD_PULSE_RESET | 0xff00, 2);
  wr(kbc, 1, I8042_CMD_PULSE_RESET);
  assert.deepEqual(wiring.events, []);
});

test('save → encode → decode → restore → save is identical, and the restored controller carries on', () => {
  const { kbc, state } = make();
  command(kbc, I8042_CMD_CTL_WCTR, I8042_CTR_KBDINT);
  kbc.enqueueKeyboard(Uint8Array.of(0xe0, 0x71));
  wr(kbc, CMD, I8042_CMD_WRITE_OUTPUT);
  const saved = state.snapshot();
  const decoded = I8042State.decode(I8042State.encode(saved));
  const state2 = new SharedState(I8042State);
  state2.restore(decoded);
  assert.deepEqual(state2.snapshot(), saved);
  const wiring2 = recordingWiring();
  const kbc2 = new I8042(state2, wiring2);
  kbc2.afterRestore();
  assert.equal(wiring2.irq.level, true);
  wr(kbc2, DATA, 0x03); // the pending WRITE_OUTPUT parameter survived
  assert.equal(rd(kbc2, DATA), 0xe0);
  assert.equal(rd(kbc2, DATA), 0x71);
  assert.equal(command(kbc2, I8042_CMD_READ_OUTPUT), 0x03);
});

test('two model objects over one SharedArrayBuffer see each other', () => {
  const a = make();
  const b = new I8042(new SharedState(I8042State, a.state.buffer), a.wiring);
  wr(a.kbc, CMD, I8042_CMD_CTL_WCTR);
  wr(b, DATA, 0x45);
  assert.equal(command(a.kbc, I8042_CMD_CTL_RCTR), 0x45);
  wr(b, CMD, I8042_CMD_PULSE_RESET);
  assert.deepEqual(a.wiring.events, [{ kind: 'reset' }]);
});

test('a damaged snapshot (queue count and head past the buffer) never reads or writes outside the queue', () => {
  const { kbc, state } = make();
  const out = new Uint8Array(I8042_BUFFER_SIZE).map((_, i) => i + 1);
  state.restore({ ...state.snapshot(), outHead: 255, outCount: 255, out });
  assert.equal(kbc.enqueueKeyboard(Uint8Array.of(9)), 0);
  // head 255 wraps to slot 15; the clamped count is 16, so one read leaves 15 queued.
  assert.equal(rd(kbc, DATA), 16);
  assert.equal(state.get('outHead'), 0);
  assert.equal(state.get('outCount'), 15);
  assert.equal(kbc.enqueueKeyboard(Uint8Array.of(9, 9)), 1);
  assert.equal(state.get('out')[15], 9);
});

test('a controller reply replaces queued keyboard bytes', () => {
  const { kbc, state } = make();
  kbc.enqueueKeyboard(Uint8Array.of(1, 2, 3));
  rd(kbc, DATA);
  assert.equal(command(kbc, I8042_CMD_KBD_TEST), 0x00);
  assert.equal(rd(kbc, CMD) & I8042_STR_OBF, 0);
  assert.equal(state.get('outHead'), 1);
  assert.equal(state.get('outCount'), 0);
});
