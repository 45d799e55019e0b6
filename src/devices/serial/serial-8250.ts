// A 16550A-compatible UART (National PC16550D register set, Linux include/uapi/linux/serial_reg.h names)
// as Linux's 8250 driver and bothy's polled micro-guests drive it. Transmit is instant: THR goes
// straight to the console sink, so THR and the shift register are always empty.

import { struct, u8, bytes } from '../../binary/struct.js';
import type { BusDevice, DeviceWiring } from '../device.js';
import type { SharedState } from '../shared-state.js';
import { ByteFifo } from '../byte-fifo.js';
import { ByteRegisters } from '../byte-registers.js';
import { LatchedIrq } from '../latched-irq.js';

export const STATE_VERSION = 1;

/** Register offsets in the 8-port window; DLAB (LCR bit 7) turns offsets 0 and 1 into DLL/DLM. */
export const UART_RX = 0;
export const UART_TX = 0;
export const UART_DLL = 0;
export const UART_IER = 1;
export const UART_DLM = 1;
export const UART_IIR = 2;
export const UART_FCR = 2;
export const UART_LCR = 3;
export const UART_MCR = 4;
export const UART_LSR = 5;
export const UART_MSR = 6;
export const UART_SCR = 7;
/** Number of ports the UART decodes. */
export const UART_WINDOW = 8;

export const UART_IER_RDI = 0x01;
export const UART_IER_THRI = 0x02;
export const UART_IER_RLSI = 0x04;
export const UART_IER_MSI = 0x08;
/** A 16550A implements only the low four IER bits; Linux's autoconfig checks that the rest read 0. */
export const UART_IER_ALL_INTR = 0x0f;

export const UART_IIR_NO_INT = 0x01;
export const UART_IIR_MSI = 0x00;
export const UART_IIR_THRI = 0x02;
export const UART_IIR_RDI = 0x04;
export const UART_IIR_RLSI = 0x06;
/** IIR bits 7:6 read 11 when FCR enabled the FIFOs: how Linux tells a 16550A from a 16450. */
export const UART_IIR_FIFO_ENABLED_16550A = 0xc0;

export const UART_FCR_ENABLE_FIFO = 0x01;
export const UART_FCR_CLEAR_RCVR = 0x02;
export const UART_FCR_CLEAR_XMIT = 0x04;
export const UART_FCR_DMA_SELECT = 0x08;
export const UART_FCR_R_TRIG_BITS = 0xc0;

export const UART_LCR_DLAB = 0x80;

export const UART_MCR_DTR = 0x01;
export const UART_MCR_RTS = 0x02;
export const UART_MCR_OUT1 = 0x04;
export const UART_MCR_OUT2 = 0x08;
export const UART_MCR_LOOP = 0x10;
/** MCR bits a 16550A implements (bits 7:5 read 0). */
const UART_MCR_IMPLEMENTED = 0x1f;

export const UART_LSR_DR = 0x01;
export const UART_LSR_OE = 0x02;
export const UART_LSR_THRE = 0x20;
export const UART_LSR_TEMT = 0x40;

export const UART_MSR_DCTS = 0x01;
export const UART_MSR_DDSR = 0x02;
export const UART_MSR_TERI = 0x04;
export const UART_MSR_DDCD = 0x08;
export const UART_MSR_CTS = 0x10;
export const UART_MSR_DSR = 0x20;
export const UART_MSR_RI = 0x40;
export const UART_MSR_DCD = 0x80;

/** Receive buffer for host input: larger than the chip's, so a pasted line is not refused byte by byte. */
export const UART_RX_FIFO_SIZE = 64;
/**
 * The 16550A's own FIFO depth, used for loopback. Linux's size_fifo() counts how many looped-back
 * bytes the FIFO keeps and calls a 64-byte result a "U6_16550A"; holding 16 keeps us a plain 16550A.
 */
export const UART_16550A_FIFO_SIZE = 16;

/** Every register the model keeps. A zeroed block is the power-on state (datasheet master reset). */
export const Serial8250State = struct('serial-8250', {
  ier: u8,
  /** ENABLE_FIFO, DMA_SELECT and trigger bits as last written; the clear bits self-clear. */
  fcr: u8,
  lcr: u8,
  mcr: u8,
  scr: u8,
  dll: u8,
  dlm: u8,
  /** Sticky LSR error bits (OE), cleared by an LSR read. */
  lsrErrors: u8,
  /** MSR delta bits 3:0, cleared by an MSR read. */
  msrDelta: u8,
  /** The THRE interrupt latch: set when THRI is enabled and on each transmit, cleared by the IIR read that reports it. */
  threPending: u8,
  /** Level last driven on the IRQ line, so the line only sees changes (COM1 is an edge-triggered ISA pin). */
  irqLevel: u8,
  rxHead: u8,
  rxCount: u8,
  rxFifo: bytes(UART_RX_FIFO_SIZE),
});
type Fields = typeof Serial8250State.fields;
/** The registers; the FIFO and the IRQ latch own the other fields. */
type ByteField = Exclude<keyof Fields, 'rxFifo' | 'rxHead' | 'rxCount' | 'irqLevel'>;

const O = Serial8250State.offsets;

export class Serial8250 implements BusDevice {
  readonly state: SharedState<Fields>;
  readonly #wiring: DeviceWiring;
  readonly #r: ByteRegisters<ByteField>;
  readonly #rx: ByteFifo;
  readonly #irq: LatchedIrq;

  constructor(state: SharedState<Fields>, wiring: DeviceWiring) {
    this.state = state;
    this.#wiring = wiring;
    this.#r = new ByteRegisters<ByteField>(state.bytes, O);
    this.#rx = new ByteFifo(state.bytes, { head: O.rxHead, count: O.rxCount, data: O.rxFifo }, UART_RX_FIFO_SIZE);
    this.#irq = new LatchedIrq(state.bytes, O.irqLevel, wiring.irq);
  }

  read(offset: number, data: Uint8Array): void {
    // Wider port accesses reach an 8-bit ISA device as consecutive byte accesses.
    for (let i = 0; i < data.length; i++) data[i] = this.#readRegister(offset + i);
    this.#updateIrq();
  }

  write(offset: number, data: Uint8Array): void {
    for (let i = 0; i < data.length; i++) this.#writeRegister(offset + i, data[i]!);
    this.#updateIrq();
  }

  /** Console input: queues what fits in the RX FIFO and returns how many bytes it took. Takes the lock. */
  enqueueInput(input: Uint8Array): number {
    return this.state.locked(() => {
      // In loopback the receiver is disconnected from the line (datasheet MCR bit 4).
      if (this.#r.get('mcr') & UART_MCR_LOOP) return 0;
      const n = this.#rx.pushFrom(input);
      this.#updateIrq();
      return n;
    });
  }

  /** Re-drives the IRQ line from restored state (the new line has no memory of the old one). Takes the lock. */
  afterRestore(): void {
    this.state.locked(() => this.#irq.redrive(this.#irqWanted()));
  }

  #dlab(): boolean {
    return (this.#r.get('lcr') & UART_LCR_DLAB) !== 0;
  }

  #readRegister(offset: number): number {
    switch (offset) {
      case UART_RX:
        return this.#dlab() ? this.#r.get('dll') : this.#rx.pop();
      case UART_IER:
        return this.#dlab() ? this.#r.get('dlm') : this.#r.get('ier');
      case UART_IIR: {
        const id = this.#interruptId();
        // Reading IIR acknowledges THRE only when THRE is what it reports (datasheet table 4).
        if (id === UART_IIR_THRI) this.#r.set('threPending', 0);
        return id | (this.#r.get('fcr') & UART_FCR_ENABLE_FIFO ? UART_IIR_FIFO_ENABLED_16550A : 0);
      }
      case UART_LCR:
        return this.#r.get('lcr');
      case UART_MCR:
        return this.#r.get('mcr');
      case UART_LSR: {
        const lsr = (this.#rx.count > 0 ? UART_LSR_DR : 0) | this.#r.get('lsrErrors') | UART_LSR_THRE | UART_LSR_TEMT;
        this.#r.set('lsrErrors', 0);
        return lsr;
      }
      case UART_MSR: {
        const msr = modemLines(this.#r.get('mcr')) | this.#r.get('msrDelta');
        this.#r.set('msrDelta', 0);
        return msr;
      }
      case UART_SCR:
        return this.#r.get('scr');
      default:
        return 0xff;
    }
  }

  #writeRegister(offset: number, v: number): void {
    switch (offset) {
      case UART_TX:
        if (this.#dlab()) this.#r.set('dll', v);
        else this.#transmit(v);
        return;
      case UART_IER:
        if (this.#dlab()) this.#r.set('dlm', v);
        else this.#writeIer(v);
        return;
      case UART_FCR:
        this.#writeFcr(v);
        return;
      case UART_LCR:
        this.#r.set('lcr', v);
        return;
      case UART_MCR:
        this.#writeMcr(v);
        return;
      case UART_SCR:
        this.#r.set('scr', v);
        return;
      default:
        // LSR and MSR are read-only (LSR writes are a factory-test hook); beyond the window is nothing.
        return;
    }
  }

  #transmit(v: number): void {
    if (this.#r.get('mcr') & UART_MCR_LOOP) {
      const depth = this.#r.get('fcr') & UART_FCR_ENABLE_FIFO ? UART_16550A_FIFO_SIZE : 1;
      if (this.#rx.count < depth) this.#rx.push(v);
      else this.#r.set('lsrErrors', this.#r.get('lsrErrors') | UART_LSR_OE);
    } else {
      this.#wiring.output?.(Uint8Array.of(v));
    }
    // The write acknowledges THRE, and the byte leaves THR at once, so THRE re-arms.
    this.#r.set('threPending', this.#r.get('ier') & UART_IER_THRI ? 1 : 0);
  }

  #writeIer(v: number): void {
    const ier = v & UART_IER_ALL_INTR;
    // THRE fires when THRI goes 0→1 with THR empty (Linux's startup TX test and console_write's
    // IER restore rely on it); disabling THRI drops the latch so a stale one never fires later.
    if ((ier ^ this.#r.get('ier')) & UART_IER_THRI) this.#r.set('threPending', ier & UART_IER_THRI ? 1 : 0);
    this.#r.set('ier', ier);
  }

  #writeFcr(v: number): void {
    const enable = v & UART_FCR_ENABLE_FIFO;
    // Changing FIFO enable clears the FIFOs; without ENABLE_FIFO the other bits are not programmed.
    if ((this.#r.get('fcr') & UART_FCR_ENABLE_FIFO) !== enable || (enable && v & UART_FCR_CLEAR_RCVR)) this.#rx.clear();
    this.#r.set('fcr', enable ? v & (UART_FCR_ENABLE_FIFO | UART_FCR_DMA_SELECT | UART_FCR_R_TRIG_BITS) : 0);
  }

  #writeMcr(v: number): void {
    const mcr = v & UART_MCR_IMPLEMENTED;
    const before = modemLines(this.#r.get('mcr'));
    const after = modemLines(mcr);
    const changed = before ^ after;
    let delta = this.#r.get('msrDelta');
    if (changed & UART_MSR_CTS) delta |= UART_MSR_DCTS;
    if (changed & UART_MSR_DSR) delta |= UART_MSR_DDSR;
    if (changed & UART_MSR_DCD) delta |= UART_MSR_DDCD;
    if (before & UART_MSR_RI && !(after & UART_MSR_RI)) delta |= UART_MSR_TERI;
    this.#r.set('msrDelta', delta);
    this.#r.set('mcr', mcr);
  }

  /** The highest-priority pending interrupt (datasheet table 4), or UART_IIR_NO_INT. */
  #interruptId(): number {
    const ier = this.#r.get('ier');
    if (ier & UART_IER_RLSI && this.#r.get('lsrErrors') !== 0) return UART_IIR_RLSI;
    if (ier & UART_IER_RDI && this.#rx.count > 0) return UART_IIR_RDI;
    if (ier & UART_IER_THRI && this.#r.get('threPending') !== 0) return UART_IIR_THRI;
    if (ier & UART_IER_MSI && this.#r.get('msrDelta') !== 0) return UART_IIR_MSI;
    return UART_IIR_NO_INT;
  }

  /**
   * On a PC the UART's INTR pin reaches the interrupt controller through a buffer enabled by the
   * OUT2 pin, and loopback forces the OUT2 pin inactive. Linux's 8250 startup raises OUT2 whenever
   * the port has an IRQ ("Most PC uarts need OUT2 raised to enable interrupts") and shutdown drops
   * it, so gating here is what the driver expects, and a closed port cannot raise stray interrupts.
   * (vm-superio and QEMU ignore OUT2; no guest that works on real PCs depends on that.)
   */
  #irqWanted(): boolean {
    const mcr = this.#r.get('mcr');
    return (mcr & (UART_MCR_OUT2 | UART_MCR_LOOP)) === UART_MCR_OUT2 && this.#interruptId() !== UART_IIR_NO_INT;
  }

  #updateIrq(): void {
    this.#irq.setLevel(this.#irqWanted());
  }
}

/** MSR status bits 7:4: a connected terminal normally, the MCR outputs in loopback (DTR→DSR, RTS→CTS, OUT1→RI, OUT2→DCD). */
function modemLines(mcr: number): number {
  if (!(mcr & UART_MCR_LOOP)) return UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS;
  return (
    (mcr & UART_MCR_DTR ? UART_MSR_DSR : 0) |
    (mcr & UART_MCR_RTS ? UART_MSR_CTS : 0) |
    (mcr & UART_MCR_OUT1 ? UART_MSR_RI : 0) |
    (mcr & UART_MCR_OUT2 ? UART_MSR_DCD : 0)
  );
}
