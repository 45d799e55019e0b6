// ResourceTemplate (ACPI 6.5 §6.4): a Buffer of resource descriptors closed by an End Tag. Covers the
// descriptors bothy's devices need: I/O port (§6.4.2.5), IRQ (§6.4.2.1), Memory32Fixed (§6.4.3.4)
// and Extended Interrupt (§6.4.3.6).

import { ByteSink } from '../../../binary/byte-sink.js';
import { assertNever } from '../../../binary/assert-never.js';
import { checksum8 } from '../../../binary/checksum.js';
import { struct, u8, u16le, u32le } from '../../../binary/struct.js';
import { AcpiError } from '../acpi-error.js';
import type { AmlTerm } from './aml-term.js';
import { buffer } from './data-objects.js';

/** Tag bytes: small items are (name << 3) | length, large items 0x80 | name. */
export const RESOURCE_TAG = {
  IRQ_NO_FLAGS: 0x22,
  IRQ: 0x23,
  IO_PORT: 0x47,
  END_TAG: 0x79,
  MEMORY32_FIXED: 0x86,
  EXTENDED_INTERRUPT: 0x89,
} as const;

export const IO_PORT_DESCRIPTOR = struct('io_port_descriptor', {
  tag: u8,
  information: u8,
  rangeMinimum: u16le,
  rangeMaximum: u16le,
  alignment: u8,
  rangeLength: u8,
});

export const IRQ_DESCRIPTOR = struct('irq_descriptor', { tag: u8, mask: u16le, information: u8 });
export const IRQ_NO_FLAGS_DESCRIPTOR = struct('irq_no_flags_descriptor', { tag: u8, mask: u16le });

export const MEMORY32_FIXED_DESCRIPTOR = struct('memory32_fixed_descriptor', {
  tag: u8,
  length: u16le,
  information: u8,
  baseAddress: u32le,
  rangeLength: u32le,
});

/** Fixed part of the Extended Interrupt descriptor; `count` u32le interrupt numbers follow. */
export const EXTENDED_INTERRUPT_DESCRIPTOR = struct('extended_interrupt_descriptor', {
  tag: u8,
  length: u16le,
  flags: u8,
  count: u8,
});

export const END_TAG_DESCRIPTOR = struct('end_tag_descriptor', { tag: u8, checksum: u8 });

const IO_DECODE16 = 0x01;
const MEM_READ_WRITE = 0x01;
const IRQ_FLAG = { EDGE: 1 << 0, ACTIVE_LOW: 1 << 3, SHARED: 1 << 4, WAKE: 1 << 5 } as const;
const EXT_IRQ_FLAG = { CONSUMER: 1 << 0, EDGE: 1 << 1, ACTIVE_LOW: 1 << 2, SHARED: 1 << 3, WAKE: 1 << 4 } as const;

export type TriggerMode = 'edge' | 'level';
export type Polarity = 'active-high' | 'active-low';

export interface InterruptFlags {
  readonly mode: TriggerMode;
  readonly polarity: Polarity;
  readonly shared: boolean;
  readonly wake: boolean;
}

export type ResourceDescriptor =
  | { readonly kind: 'io'; readonly min: number; readonly max: number; readonly alignment: number; readonly length: number }
  | { readonly kind: 'irq-no-flags'; readonly irqs: readonly number[] }
  | ({ readonly kind: 'irq'; readonly irqs: readonly number[] } & InterruptFlags)
  | ({ readonly kind: 'interrupt'; readonly consumer: boolean; readonly interrupts: readonly number[] } & InterruptFlags)
  | { readonly kind: 'memory32-fixed'; readonly base: number; readonly length: number; readonly writeable: boolean };

function checkRange(what: string, v: number, max: number): void {
  if (!Number.isInteger(v) || v < 0 || v > max) {
    throw new AcpiError('bad-value', `${what} ${v} is outside 0..0x${max.toString(16)}`);
  }
}

/** IO(Decode16, base, base, 1, length): a fixed 16-bit-decoded port range. */
export function io(base: number, length: number): ResourceDescriptor {
  checkRange('IO base port', base, 0xffff);
  checkRange('IO length', length, 0xff);
  return { kind: 'io', min: base, max: base, alignment: 1, length };
}

/** IRQNoFlags(): edge-triggered, active-high, exclusive ISA IRQs. */
export function irqNoFlags(...irqs: readonly number[]): ResourceDescriptor {
  return { kind: 'irq-no-flags', irqs: checkIsaIrqs(irqs) };
}

/** IRQ(mode, polarity, sharing): ISA IRQs with explicit flags. */
export function irq(irqs: readonly number[], flags: Partial<InterruptFlags> = {}): ResourceDescriptor {
  return { kind: 'irq', irqs: checkIsaIrqs(irqs), ...withDefaults(flags) };
}

/** Interrupt(ResourceConsumer, …) {gsi…}: GSIs, edge/active-high/exclusive unless told otherwise. */
export function interrupt(interrupts: readonly number[], flags: Partial<InterruptFlags> & { readonly consumer?: boolean } = {}): ResourceDescriptor {
  if (interrupts.length < 1 || interrupts.length > 255) {
    throw new AcpiError('bad-value', `Interrupt descriptor needs 1..255 interrupts, got ${interrupts.length}`);
  }
  for (const i of interrupts) checkRange('Interrupt number', i, 0xffff_ffff);
  return { kind: 'interrupt', consumer: flags.consumer ?? true, interrupts: [...interrupts], ...withDefaults(flags) };
}

/** Memory32Fixed(ReadWrite|ReadOnly, base, length). */
export function memory32Fixed(base: number, length: number, writeable = true): ResourceDescriptor {
  checkRange('Memory32Fixed base', base, 0xffff_ffff);
  checkRange('Memory32Fixed length', length, 0xffff_ffff);
  return { kind: 'memory32-fixed', base, length, writeable };
}

function withDefaults(f: Partial<InterruptFlags>): InterruptFlags {
  return { mode: f.mode ?? 'edge', polarity: f.polarity ?? 'active-high', shared: f.shared ?? false, wake: f.wake ?? false };
}

function checkIsaIrqs(irqs: readonly number[]): readonly number[] {
  for (const i of irqs) checkRange('ISA IRQ', i, 15);
  return [...irqs];
}

function irqMask(irqs: readonly number[]): number {
  let mask = 0;
  for (const i of irqs) mask |= 1 << i;
  return mask;
}

/** The descriptor's bytes. */
export function encodeDescriptor(d: ResourceDescriptor): Uint8Array {
  switch (d.kind) {
    case 'io':
      return IO_PORT_DESCRIPTOR.encode({
        tag: RESOURCE_TAG.IO_PORT,
        information: IO_DECODE16,
        rangeMinimum: d.min,
        rangeMaximum: d.max,
        alignment: d.alignment,
        rangeLength: d.length,
      });
    case 'irq-no-flags':
      return IRQ_NO_FLAGS_DESCRIPTOR.encode({ tag: RESOURCE_TAG.IRQ_NO_FLAGS, mask: irqMask(d.irqs) });
    case 'irq':
      return IRQ_DESCRIPTOR.encode({
        tag: RESOURCE_TAG.IRQ,
        mask: irqMask(d.irqs),
        information:
          (d.mode === 'edge' ? IRQ_FLAG.EDGE : 0) |
          (d.polarity === 'active-low' ? IRQ_FLAG.ACTIVE_LOW : 0) |
          (d.shared ? IRQ_FLAG.SHARED : 0) |
          (d.wake ? IRQ_FLAG.WAKE : 0),
      });
    case 'interrupt': {
      const out = new ByteSink();
      const fixed = EXTENDED_INTERRUPT_DESCRIPTOR;
      out.bytes(
        fixed.encode({
          tag: RESOURCE_TAG.EXTENDED_INTERRUPT,
          // Large-item length counts the bytes after the length field itself.
          length: fixed.size - fixed.offsets.flags + 4 * d.interrupts.length,
          flags:
            (d.consumer ? EXT_IRQ_FLAG.CONSUMER : 0) |
            (d.mode === 'edge' ? EXT_IRQ_FLAG.EDGE : 0) |
            (d.polarity === 'active-low' ? EXT_IRQ_FLAG.ACTIVE_LOW : 0) |
            (d.shared ? EXT_IRQ_FLAG.SHARED : 0) |
            (d.wake ? EXT_IRQ_FLAG.WAKE : 0),
          count: d.interrupts.length,
        }),
      );
      for (const i of d.interrupts) out.u32le(i);
      return out.toBytes();
    }
    case 'memory32-fixed': {
      const m = MEMORY32_FIXED_DESCRIPTOR;
      return m.encode({
        tag: RESOURCE_TAG.MEMORY32_FIXED,
        length: m.size - m.offsets.information,
        information: d.writeable ? MEM_READ_WRITE : 0,
        baseAddress: d.base,
        rangeLength: d.length,
      });
    }
    default:
      return assertNever(d, 'resource descriptor');
  }
}

/** The raw descriptor list with its End Tag, whose checksum makes the whole list sum to zero. */
export function encodeResourceTemplate(descriptors: readonly ResourceDescriptor[]): Uint8Array {
  const out = new ByteSink();
  for (const d of descriptors) out.bytes(encodeDescriptor(d));
  const endAt = out.length;
  out.bytes(END_TAG_DESCRIPTOR.encode({ tag: RESOURCE_TAG.END_TAG, checksum: 0 }));
  const all = out.toBytes();
  END_TAG_DESCRIPTOR.set(all, 'checksum', checksum8(all), endAt);
  return all;
}

/** ResourceTemplate() { … } as an AML Buffer. */
export function resourceTemplate(descriptors: readonly ResourceDescriptor[]): AmlTerm {
  return buffer(encodeResourceTemplate(descriptors));
}
