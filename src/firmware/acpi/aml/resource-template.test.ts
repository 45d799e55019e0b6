import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  encodeResourceTemplate,
  END_TAG_DESCRIPTOR,
  EXTENDED_INTERRUPT_DESCRIPTOR,
  interrupt,
  io,
  IO_PORT_DESCRIPTOR,
  irq,
  IRQ_DESCRIPTOR,
  IRQ_NO_FLAGS_DESCRIPTOR,
  irqNoFlags,
  memory32Fixed,
  MEMORY32_FIXED_DESCRIPTOR,
  resourceTemplate,
} from './resource-template.js';
import { amlBytes } from './aml-term.js';
import { sum8 } from '../../../binary/checksum.js';
import { AcpiError } from '../acpi-error.js';
import { hexBytes as h } from '../../../binary/test-bytes.js';


test('descriptor layouts have their spec sizes', () => {
  assert.equal(IO_PORT_DESCRIPTOR.size, 8);
  assert.equal(IRQ_NO_FLAGS_DESCRIPTOR.size, 3);
  assert.equal(IRQ_DESCRIPTOR.size, 4);
  assert.equal(MEMORY32_FIXED_DESCRIPTOR.size, 12);
  assert.equal(EXTENDED_INTERRUPT_DESCRIPTOR.size, 5);
  assert.equal(END_TAG_DESCRIPTOR.size, 2);
});

// Descriptor bytes as iasl 20200925 compiles:
//   IO (Decode16, 0x03F8, 0x03F8, 0x01, 0x08)
//   Interrupt (ResourceConsumer, Edge, ActiveHigh, Exclusive) {4}
//   IRQNoFlags () {4}
//   IRQ (Edge, ActiveLow, Shared) {1}
//   Memory32Fixed (ReadWrite, 0xD0000000, 0x00001000)
const IASL = h(`47 01 F8 03 F8 03 01 08
  89 06 00 03 01 04 00 00 00
  22 10 00
  23 02 00 19
  86 09 00 01 00 00 00 D0 00 10 00 00`);

test('descriptors match iasl; the End Tag checksum zeroes the sum', () => {
  const rt = encodeResourceTemplate([
    io(0x3f8, 8),
    interrupt([4]),
    irqNoFlags(4),
    irq([1], { polarity: 'active-low', shared: true }),
    memory32Fixed(0xd000_0000, 0x1000),
  ]);
  assert.deepEqual([...rt.subarray(0, IASL.length)], IASL);
  assert.equal(rt[IASL.length], 0x79);
  assert.equal(rt.length, IASL.length + 2);
  assert.equal(sum8(rt), 0);
});

test('ResourceTemplate is a Buffer sized to the descriptors plus End Tag', () => {
  const b = [...amlBytes(resourceTemplate([io(0x60, 1)]))];
  assert.deepEqual(b.slice(0, 4), h('11 0D 0A 0A'));
  assert.deepEqual(b.slice(4, 12), h('47 01 60 00 60 00 01 01'));
  assert.equal(b[12], 0x79);
  assert.equal(b.length, 14);
});

test('extended interrupt flags and multiple interrupts', () => {
  const rt = encodeResourceTemplate([
    interrupt([5, 0x1_0000], { mode: 'level', polarity: 'active-low', shared: true, wake: true, consumer: false }),
  ]);
  assert.deepEqual([...rt.subarray(0, 13)], h('89 0A 00 1C 02 05 00 00 00 00 00 01 00'));
});

test('out-of-range descriptor values are rejected', () => {
  assert.throws(() => io(0x1_0000, 1), AcpiError);
  assert.throws(() => io(0x60, 256), AcpiError);
  assert.throws(() => irqNoFlags(16), AcpiError);
  assert.throws(() => interrupt([]), AcpiError);
  assert.throws(() => memory32Fixed(2 ** 32, 1), AcpiError);
});
