import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SharedState } from '../shared-state.js';
import { rd, wr, recordingWiring } from '../testing.js';
import {
  Serial8250, Serial8250State, STATE_VERSION,
  UART_RX, UART_TX, UART_DLL, UART_DLM, UART_IER, UART_IIR, UART_FCR, UART_LCR, UART_MCR, UART_LSR, UART_MSR, UART_SCR,
  UART_IER_RDI, UART_IER_THRI, UART_IER_RLSI, UART_IER_MSI, UART_IER_ALL_INTR,
  UART_IIR_NO_INT, UART_IIR_THRI, UART_IIR_RDI, UART_IIR_RLSI, UART_IIR_MSI, UART_IIR_FIFO_ENABLED_16550A,
  UART_FCR_ENABLE_FIFO, UART_FCR_CLEAR_RCVR, UART_LCR_DLAB,
  UART_MCR_OUT2, UART_MCR_LOOP, UART_MCR_RTS, UART_MCR_DTR, UART_MCR_OUT1,
  UART_LSR_DR, UART_LSR_OE, UART_LSR_THRE, UART_LSR_TEMT,
  UART_MSR_CTS, UART_MSR_DCD, UART_MSR_DSR, UART_MSR_RI, UART_MSR_DCTS, UART_MSR_DDSR, UART_MSR_DDCD, UART_MSR_TERI,
  UART_RX_FIFO_SIZE, UART_16550A_FIFO_SIZE,
} from './serial-8250.js';

function make() {
  const wiring = recordingWiring();
  const state = new SharedState(Serial8250State);
  return { uart: new Serial8250(state, wiring), state, wiring };
}

const enc = (s: string) => new TextEncoder().encode(s);

test('layout: 13 register bytes then the 64-byte RX FIFO; version 1', () => {
  assert.equal(Serial8250State.size, 13 + UART_RX_FIFO_SIZE);
  assert.equal(Serial8250State.offsets.rxFifo, 13);
  assert.equal(STATE_VERSION, 1);
});

test('zeroed state is the datasheet master-reset state', () => {
  const { uart, wiring } = make();
  assert.equal(rd(uart, UART_IER), 0);
  assert.equal(rd(uart, UART_IIR), UART_IIR_NO_INT);
  assert.equal(rd(uart, UART_LCR), 0);
  assert.equal(rd(uart, UART_MCR), 0);
  assert.equal(rd(uart, UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);
  assert.equal(rd(uart, UART_MSR), UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS);
  assert.deepEqual(wiring.irq.history, []);
});

test('THR writes go straight to the output sink; LSR always shows THRE|TEMT', () => {
  const { uart, wiring } = make();
  for (const b of enc('hi\n')) {
    assert.equal(rd(uart, UART_LSR) & (UART_LSR_THRE | UART_LSR_TEMT), UART_LSR_THRE | UART_LSR_TEMT);
    wr(uart, UART_TX, b);
  }
  assert.deepEqual(wiring.out, [...enc('hi\n')]);
});

test('DLAB switches offsets 0 and 1 to the divisor latch without transmitting', () => {
  const { uart, wiring } = make();
  wr(uart, UART_IER, UART_IER_RDI);
  wr(uart, UART_LCR, UART_LCR_DLAB | 0x03);
  wr(uart, UART_DLL, 0x01);
  wr(uart, UART_DLM, 0x02);
  assert.equal(rd(uart, UART_DLL), 0x01);
  assert.equal(rd(uart, UART_DLM), 0x02);
  assert.deepEqual(wiring.out, []);
  wr(uart, UART_LCR, 0x03);
  assert.equal(rd(uart, UART_IER), UART_IER_RDI);
  assert.equal(rd(uart, UART_LCR), 0x03);
});

test('IER keeps only the four 16550A bits; SCR is plain storage', () => {
  const { uart } = make();
  wr(uart, UART_IER, 0xff);
  assert.equal(rd(uart, UART_IER), UART_IER_ALL_INTR);
  wr(uart, UART_SCR, 0x5a);
  assert.equal(rd(uart, UART_SCR), 0x5a);
});

test('FCR enable sets IIR bits 7:6 (Linux autoconfig sees a 16550A); disabling clears them', () => {
  const { uart } = make();
  wr(uart, UART_FCR, UART_FCR_ENABLE_FIFO);
  assert.equal(rd(uart, UART_IIR), UART_IIR_FIFO_ENABLED_16550A | UART_IIR_NO_INT);
  wr(uart, UART_FCR, 0);
  assert.equal(rd(uart, UART_IIR), UART_IIR_NO_INT);
});

test('RDA: enable → enqueue raises the line (with OUT2) → drain RBR → line drops', () => {
  const { uart, wiring } = make();
  wr(uart, UART_MCR, UART_MCR_OUT2);
  wr(uart, UART_IER, UART_IER_RDI);
  assert.equal(wiring.irq.level, false);
  assert.equal(uart.enqueueInput(enc('ok')), 2);
  assert.equal(wiring.irq.level, true);
  assert.equal(rd(uart, UART_LSR) & UART_LSR_DR, UART_LSR_DR);
  assert.equal(rd(uart, UART_IIR), UART_IIR_RDI);
  assert.equal(rd(uart, UART_RX), 'o'.charCodeAt(0));
  assert.equal(wiring.irq.level, true);
  assert.equal(rd(uart, UART_RX), 'k'.charCodeAt(0));
  assert.equal(wiring.irq.level, false);
  assert.equal(rd(uart, UART_LSR) & UART_LSR_DR, 0);
  assert.equal(rd(uart, UART_IIR), UART_IIR_NO_INT);
  assert.deepEqual(wiring.irq.history, [true, false]);
});

test('OUT2 gates the IRQ line but not IIR; loopback forces the line low', () => {
  const { uart, wiring } = make();
  wr(uart, UART_IER, UART_IER_RDI);
  uart.enqueueInput(enc('x'));
  assert.equal(wiring.irq.level, false);
  assert.equal(rd(uart, UART_IIR), UART_IIR_RDI);
  wr(uart, UART_MCR, UART_MCR_OUT2);
  assert.equal(wiring.irq.level, true);
  wr(uart, UART_MCR, UART_MCR_OUT2 | UART_MCR_LOOP);
  assert.equal(wiring.irq.level, false);
  wr(uart, UART_MCR, 0);
  assert.equal(wiring.irq.level, false);
  assert.deepEqual(wiring.irq.history, [true, false]);
});

test('THRE: pending when THRI is enabled, cleared by the IIR read reporting it, re-armed by a THR write', () => {
  const { uart, wiring } = make();
  wr(uart, UART_MCR, UART_MCR_OUT2);
  wr(uart, UART_IER, UART_IER_THRI);
  assert.equal(wiring.irq.level, true);
  assert.equal(rd(uart, UART_IIR), UART_IIR_THRI);
  assert.equal(wiring.irq.level, false);
  assert.equal(rd(uart, UART_IIR), UART_IIR_NO_INT);
  wr(uart, UART_TX, 0x41);
  assert.equal(wiring.irq.level, true);
  assert.equal(rd(uart, UART_IIR), UART_IIR_THRI);
  // Linux's UART_BUG_THRE probe: disabling and re-enabling THRI must re-assert THRE.
  wr(uart, UART_IER, 0);
  wr(uart, UART_IER, UART_IER_THRI);
  assert.equal(rd(uart, UART_IIR), UART_IIR_THRI);
  // Disabling THRI drops a pending THRE.
  wr(uart, UART_IER, UART_IER_THRI);
  wr(uart, UART_TX, 0x42);
  wr(uart, UART_IER, 0);
  assert.equal(wiring.irq.level, false);
  wr(uart, UART_IER, UART_IER_RDI);
  assert.equal(rd(uart, UART_IIR), UART_IIR_NO_INT);
  assert.deepEqual(wiring.out, [0x41, 0x42]);
});

test('IIR priority: RDA outranks THRE, and reading IIR while it reports RDA leaves THRE pending', () => {
  const { uart } = make();
  wr(uart, UART_IER, UART_IER_RDI | UART_IER_THRI);
  uart.enqueueInput(enc('a'));
  assert.equal(rd(uart, UART_IIR), UART_IIR_RDI);
  assert.equal(rd(uart, UART_IIR), UART_IIR_RDI);
  rd(uart, UART_RX);
  assert.equal(rd(uart, UART_IIR), UART_IIR_THRI);
  assert.equal(rd(uart, UART_IIR), UART_IIR_NO_INT);
});

test('RX FIFO overflow: enqueueInput returns how many bytes fit', () => {
  const { uart } = make();
  const input = new Uint8Array(UART_RX_FIFO_SIZE + 10).map((_, i) => i);
  assert.equal(uart.enqueueInput(input.subarray(0, 50)), 50);
  assert.equal(uart.enqueueInput(input.subarray(50)), UART_RX_FIFO_SIZE - 50);
  assert.equal(uart.enqueueInput(Uint8Array.of(1)), 0);
  for (let i = 0; i < UART_RX_FIFO_SIZE; i++) assert.equal(rd(uart, UART_RX), i);
  assert.equal(rd(uart, UART_LSR) & UART_LSR_DR, 0);
  // The ring wraps: after draining, a full refill still reads back in order.
  assert.equal(uart.enqueueInput(input.subarray(10)), UART_RX_FIFO_SIZE);
  assert.equal(rd(uart, UART_RX), 10);
});

test('FCR CLEAR_RCVR and toggling FIFO enable flush received bytes', () => {
  const { uart } = make();
  wr(uart, UART_FCR, UART_FCR_ENABLE_FIFO);
  uart.enqueueInput(enc('abc'));
  wr(uart, UART_FCR, UART_FCR_ENABLE_FIFO | UART_FCR_CLEAR_RCVR);
  assert.equal(rd(uart, UART_LSR) & UART_LSR_DR, 0);
  uart.enqueueInput(enc('abc'));
  wr(uart, UART_FCR, UART_FCR_ENABLE_FIFO);
  assert.equal(rd(uart, UART_LSR) & UART_LSR_DR, UART_LSR_DR);
  wr(uart, UART_FCR, 0);
  assert.equal(rd(uart, UART_LSR) & UART_LSR_DR, 0);
});

test('loopback echoes THR into RX (not the sink), keeps 16 bytes and flags overrun', () => {
  const { uart, wiring } = make();
  wr(uart, UART_FCR, UART_FCR_ENABLE_FIFO);
  wr(uart, UART_MCR, UART_MCR_LOOP);
  for (let i = 0; i < 20; i++) wr(uart, UART_TX, i);
  assert.deepEqual(wiring.out, []);
  assert.equal(uart.enqueueInput(enc('host')), 0);
  const lsr = rd(uart, UART_LSR);
  assert.equal(lsr & (UART_LSR_DR | UART_LSR_OE), UART_LSR_DR | UART_LSR_OE);
  assert.equal(rd(uart, UART_LSR) & UART_LSR_OE, 0);
  let n = 0;
  while (rd(uart, UART_LSR) & UART_LSR_DR) assert.equal(rd(uart, UART_RX), n++);
  assert.equal(n, UART_16550A_FIFO_SIZE);
});

test('overrun raises the receiver-line-status interrupt, the highest priority, cleared by LSR read', () => {
  const { uart } = make();
  wr(uart, UART_MCR, UART_MCR_LOOP);
  wr(uart, UART_IER, UART_IER_RLSI | UART_IER_RDI);
  wr(uart, UART_TX, 1);
  wr(uart, UART_TX, 2);
  assert.equal(rd(uart, UART_IIR), UART_IIR_RLSI);
  rd(uart, UART_LSR);
  assert.equal(rd(uart, UART_IIR), UART_IIR_RDI);
});

test('loopback reflects MCR into MSR (Linux probe: LOOP|OUT2|RTS reads DCD|CTS) and records deltas', () => {
  const { uart } = make();
  wr(uart, UART_MCR, UART_MCR_LOOP | UART_MCR_OUT2 | UART_MCR_RTS);
  assert.equal(rd(uart, UART_MSR) & 0xf0, UART_MSR_DCD | UART_MSR_CTS);
  assert.equal(rd(uart, UART_MSR), UART_MSR_DCD | UART_MSR_CTS);
  wr(uart, UART_MCR, UART_MCR_LOOP | UART_MCR_DTR | UART_MCR_OUT1);
  assert.equal(rd(uart, UART_MSR), UART_MSR_DSR | UART_MSR_RI | UART_MSR_DCTS | UART_MSR_DDSR | UART_MSR_DDCD);
  wr(uart, UART_MCR, UART_MCR_LOOP | UART_MCR_DTR);
  assert.equal(rd(uart, UART_MSR), UART_MSR_DSR | UART_MSR_TERI);
});

test('modem-status interrupt is the lowest priority and an MSR read clears it', () => {
  const { uart } = make();
  wr(uart, UART_IER, UART_IER_MSI);
  wr(uart, UART_MCR, UART_MCR_LOOP);
  assert.equal(rd(uart, UART_IIR), UART_IIR_MSI);
  rd(uart, UART_MSR);
  assert.equal(rd(uart, UART_IIR), UART_IIR_NO_INT);
});

test("Linux's 8250 autoconfig sequence identifies a plain 16550A", () => {
  const { uart } = make();
  // Existence test: IER reads back 0, then all four interrupt bits.
  wr(uart, UART_IER, 0);
  assert.equal(rd(uart, UART_IER), 0);
  wr(uart, UART_IER, 0x0f);
  assert.equal(rd(uart, UART_IER), 0x0f);
  wr(uart, UART_IER, 0);
  // FIFO probe: IIR bits 7:6 == 3 after enabling FIFOs.
  wr(uart, UART_LCR, 0xbf);
  wr(uart, UART_FCR, 0); // "EFR" write lands on FCR on a 16550A
  wr(uart, UART_LCR, 0);
  wr(uart, UART_FCR, UART_FCR_ENABLE_FIFO);
  assert.equal(rd(uart, UART_IIR) >> 6, 3);
  // No EFR: offset 2 under LCR 0x80 / 0xBF reads IIR, never 0.
  wr(uart, UART_LCR, 0x80);
  assert.notEqual(rd(uart, UART_IIR), 0);
  wr(uart, UART_LCR, 0xbf);
  assert.notEqual(rd(uart, UART_IIR), 0);
  // Not a 16750: IIR bit 5 stays clear with FCR bit 5 set.
  wr(uart, UART_LCR, 0);
  wr(uart, UART_FCR, UART_FCR_ENABLE_FIFO | 0x20);
  assert.equal(rd(uart, UART_IIR) & 0xe0, UART_IIR_FIFO_ENABLED_16550A);
  // size_fifo(): 256 looped-back bytes leave 16 in the FIFO, so not a "U6_16550A" (64).
  wr(uart, UART_FCR, UART_FCR_ENABLE_FIFO | UART_FCR_CLEAR_RCVR | 0x04);
  wr(uart, UART_MCR, UART_MCR_LOOP);
  for (let i = 0; i < 256; i++) wr(uart, UART_TX, i);
  let count = 0;
  while (rd(uart, UART_LSR) & UART_LSR_DR && count < 256) {
    rd(uart, UART_RX);
    count++;
  }
  assert.equal(count, 16);
});

test('a 2-byte access reaches two consecutive registers', () => {
  const { uart } = make();
  wr(uart, UART_LCR, 0x1b03, 2);
  assert.equal(rd(uart, UART_LCR), 0x03);
  assert.equal(rd(uart, UART_MCR), 0x1b);
  assert.equal(rd(uart, UART_LCR, 2), 0x1b03);
});

test('save → encode → decode → restore → save is identical, and the restored UART carries on', () => {
  const { uart, state } = make();
  wr(uart, UART_MCR, UART_MCR_OUT2);
  wr(uart, UART_FCR, UART_FCR_ENABLE_FIFO);
  wr(uart, UART_IER, UART_IER_RDI | UART_IER_THRI);
  wr(uart, UART_SCR, 0x77);
  uart.enqueueInput(enc('abcdef'));
  rd(uart, UART_RX);
  const saved = state.snapshot();
  const decoded = Serial8250State.decode(Serial8250State.encode(saved));
  const wiring2 = recordingWiring();
  const state2 = new SharedState(Serial8250State);
  state2.restore(decoded);
  assert.deepEqual(state2.snapshot(), saved);
  const uart2 = new Serial8250(state2, wiring2);
  uart2.afterRestore();
  assert.deepEqual(wiring2.irq.history, [true]);
  assert.equal(rd(uart2, UART_SCR), 0x77);
  assert.equal(rd(uart2, UART_RX), 'b'.charCodeAt(0));
});

test('two model objects over one SharedArrayBuffer see each other (one per vCPU thread)', () => {
  const a = make();
  const state2 = new SharedState(Serial8250State, a.state.buffer);
  const b = new Serial8250(state2, a.wiring);
  wr(a.uart, UART_MCR, UART_MCR_OUT2);
  wr(a.uart, UART_IER, UART_IER_RDI);
  b.enqueueInput(enc('z'));
  assert.equal(a.wiring.irq.level, true);
  assert.equal(rd(a.uart, UART_RX), 'z'.charCodeAt(0));
  // b knows the line is already low and does not drive it again.
  wr(b, UART_IER, 0);
  assert.deepEqual(a.wiring.irq.history, [true, false]);
  wr(b, UART_SCR, 9);
  assert.equal(rd(a.uart, UART_SCR), 9);
});

test('a damaged snapshot (FIFO count and head past the buffer) never reads or writes outside the RX FIFO', () => {
  const { uart, state } = make();
  const fifo = new Uint8Array(UART_RX_FIFO_SIZE).map((_, i) => i + 1);
  state.restore({ ...state.snapshot(), rxHead: 250, rxCount: 200, rxFifo: fifo });
  assert.equal(uart.enqueueInput(enc('x')), 0);
  assert.equal(rd(uart, UART_LSR) & UART_LSR_DR, UART_LSR_DR);
  // head 250 wraps to slot 58; the clamped count is 64, so one read leaves 63 queued.
  assert.equal(rd(uart, UART_RX), 59);
  assert.equal(state.get('rxHead'), 59);
  assert.equal(state.get('rxCount'), 63);
  assert.equal(uart.enqueueInput(enc('xy')), 1);
  assert.equal(state.get('rxFifo')[58], 'x'.charCodeAt(0));
});

test('afterRestore drives a low level too, and afterwards the line only sees changes', () => {
  const { uart, state, wiring } = make();
  state.set('irqLevel', 1);
  uart.afterRestore();
  assert.deepEqual(wiring.irq.history, [false]);
  assert.equal(state.get('irqLevel'), 0);
  wr(uart, UART_SCR, 1);
  assert.deepEqual(wiring.irq.history, [false]);
});
