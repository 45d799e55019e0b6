// A minimal i8042 keyboard controller: enough for Linux's probe with `i8042.noaux i8042.nomux
// i8042.dumbkbd` and for `reboot=k`, whose command 0xFE pulses the CPU reset line. Names follow
// Linux's drivers/input/serio/i8042.h; behaviour follows the 8042 command set (no AUX port).

import { struct, u8, bytes } from '../../binary/struct.js';
import type { BusDevice, DeviceWiring } from '../device.js';
import type { SharedState } from '../shared-state.js';
import { ByteFifo } from '../byte-fifo.js';
import { ByteRegisters } from '../byte-registers.js';
import { LatchedIrq } from '../latched-irq.js';

export const STATE_VERSION = 1;

/**
 * The controller decodes one window of I8042_WINDOW ports mapped at PORTS.I8042_DATA (0x60), as
 * Firecracker does: 0x60 → I8042_DATA_OFFSET, 0x64 → I8042_COMMAND_OFFSET (status on read).
 * Offsets 1–3 (0x61–0x63) belong to nobody here: KVM's in-kernel PIT answers 0x61 itself.
 */
export const I8042_DATA_OFFSET = 0;
export const I8042_COMMAND_OFFSET = 4;
export const I8042_WINDOW = 5;

export const I8042_STR_OBF = 0x01;
export const I8042_STR_IBF = 0x02;
/** System flag: mirrors CTR bit 2, set once the controller passed its self-test. */
export const I8042_STR_SYSFLAG = 0x04;
/** The last byte written went to the command port. */
export const I8042_STR_CMDDAT = 0x08;
/** Set = keyboard not inhibited by a keylock; Linux warns "Keylock active" when it is clear. */
export const I8042_STR_KEYLOCK = 0x10;

export const I8042_CTR_KBDINT = 0x01;
export const I8042_CTR_AUXINT = 0x02;
export const I8042_CTR_SYSFLAG = 0x04;
export const I8042_CTR_KBDDIS = 0x10;
export const I8042_CTR_AUXDIS = 0x20;
export const I8042_CTR_XLATE = 0x40;

export const I8042_CMD_CTL_RCTR = 0x20;
export const I8042_CMD_CTL_WCTR = 0x60;
export const I8042_CMD_AUX_DISABLE = 0xa7;
export const I8042_CMD_AUX_ENABLE = 0xa8;
export const I8042_CMD_CTL_TEST = 0xaa;
export const I8042_CMD_KBD_TEST = 0xab;
export const I8042_CMD_KBD_DISABLE = 0xad;
export const I8042_CMD_KBD_ENABLE = 0xae;
export const I8042_CMD_READ_OUTPUT = 0xd0;
export const I8042_CMD_WRITE_OUTPUT = 0xd1;
/** 0xF0–0xFF pulse output lines whose mask bit is 0; bit 0 is the CPU reset line, so 0xFE resets. */
export const I8042_CMD_PULSE_FIRST = 0xf0;
export const I8042_CMD_PULSE_RESET = 0xfe;
const I8042_OUTPUT_RESET_LINE = 0x01;

export const I8042_RET_CTL_TEST = 0x55;
export const I8042_RET_KBD_TEST_OK = 0x00;

/** Keyboard replies (drivers/input/keyboard/atkbd.c) to commands written to the data port. */
export const ATKBD_RET_ACK = 0xfa;
export const ATKBD_RET_BAT = 0xaa;
export const ATKBD_CMD_RESET_BAT = 0xff;

/** Output queue depth, as Firecracker's (room for a Ctrl-Alt-Del sequence in scan code set 2). */
export const I8042_BUFFER_SIZE = 16;

/**
 * Every register the model keeps. A zeroed block is the power-on state: keyboard interrupt off
 * until the driver writes the CTR, which Linux does during its probe anyway.
 */
export const I8042State = struct('i8042', {
  /** Controller configuration byte ("command byte"). */
  ctr: u8,
  outputPort: u8,
  /** Command (WCTR or WRITE_OUTPUT) waiting for its parameter on the data port; 0 when none. */
  pendingCommand: u8,
  /** Status CMDDAT: whether the last write went to the command port. */
  lastWriteCommand: u8,
  /** Level last driven on IRQ 1 (an edge-triggered ISA pin). */
  irqLevel: u8,
  outHead: u8,
  outCount: u8,
  out: bytes(I8042_BUFFER_SIZE),
});
type Fields = typeof I8042State.fields;
/** The registers; the output queue and the IRQ latch own the other fields. */
type ByteField = Exclude<keyof Fields, 'out' | 'outHead' | 'outCount' | 'irqLevel'>;

const O = I8042State.offsets;

export class I8042 implements BusDevice {
  readonly state: SharedState<Fields>;
  readonly #wiring: DeviceWiring;
  readonly #r: ByteRegisters<ByteField>;
  readonly #out: ByteFifo;
  readonly #irq: LatchedIrq;

  constructor(state: SharedState<Fields>, wiring: DeviceWiring) {
    this.state = state;
    this.#wiring = wiring;
    this.#r = new ByteRegisters<ByteField>(state.bytes, O);
    this.#out = new ByteFifo(state.bytes, { head: O.outHead, count: O.outCount, data: O.out }, I8042_BUFFER_SIZE);
    this.#irq = new LatchedIrq(state.bytes, O.irqLevel, wiring.irq);
  }

  read(offset: number, data: Uint8Array): void {
    // Every i8042 register is a byte; nothing answers wider accesses.
    if (data.length !== 1) {
      data.fill(0xff);
      return;
    }
    switch (offset) {
      case I8042_DATA_OFFSET:
        data[0] = this.#readData();
        return;
      case I8042_COMMAND_OFFSET:
        data[0] = this.#status();
        return;
      default:
        data[0] = 0xff;
    }
  }

  write(offset: number, data: Uint8Array): void {
    if (data.length !== 1) return;
    const v = data[0]!;
    switch (offset) {
      case I8042_DATA_OFFSET:
        this.#writeData(v);
        break;
      case I8042_COMMAND_OFFSET:
        this.#writeCommand(v);
        break;
      default:
        return;
    }
    this.#updateIrq();
  }

  /**
   * Bytes from the keyboard (scan codes as the guest's CTR asks for: set 2 when XLATE is clear).
   * Returns how many fit; none while the guest has the keyboard disabled. Takes the lock.
   */
  enqueueKeyboard(input: Uint8Array): number {
    return this.state.locked(() => {
      if (this.#r.get('ctr') & I8042_CTR_KBDDIS) return 0;
      const n = this.#out.pushFrom(input);
      this.#updateIrq();
      return n;
    });
  }

  /** Re-drives IRQ 1 from restored state. Takes the lock. */
  afterRestore(): void {
    this.state.locked(() => this.#irq.redrive(this.#irqWanted()));
  }

  /** A controller reply replaces whatever was queued, so the driver's next data read is the reply. */
  #reply(...v: number[]): void {
    this.#out.clear();
    for (const b of v) this.#out.push(b);
  }

  #status(): number {
    return (
      (this.#out.count > 0 ? I8042_STR_OBF : 0) |
      (this.#r.get('ctr') & I8042_CTR_SYSFLAG ? I8042_STR_SYSFLAG : 0) |
      (this.#r.get('lastWriteCommand') ? I8042_STR_CMDDAT : 0) |
      I8042_STR_KEYLOCK
    );
  }

  #readData(): number {
    if (this.#out.count === 0) return 0;
    const v = this.#out.pop();
    const wasHigh = this.#irq.high;
    this.#updateIrq();
    // A real 8042 empties its one-byte output buffer before loading the next byte, so IRQ 1 sees a
    // fresh rising edge per byte; keep that, or an edge-triggered pin would drop the rest of the queue.
    if (wasHigh && this.#irq.high && this.#wiring.irq) {
      this.#wiring.irq.setLevel(false);
      this.#wiring.irq.setLevel(true);
    }
    return v;
  }

  #writeData(v: number): void {
    this.#r.set('lastWriteCommand', 0);
    const pending = this.#r.get('pendingCommand');
    this.#r.set('pendingCommand', 0);
    if (pending === I8042_CMD_CTL_WCTR) this.#r.set('ctr', v);
    else if (pending === I8042_CMD_WRITE_OUTPUT) this.#r.set('outputPort', v);
    // Anything else is for the keyboard; a dumb keyboard acknowledges it all.
    else if (v === ATKBD_CMD_RESET_BAT) this.#reply(ATKBD_RET_ACK, ATKBD_RET_BAT);
    else this.#reply(ATKBD_RET_ACK);
  }

  #writeCommand(cmd: number): void {
    this.#r.set('lastWriteCommand', 1);
    this.#r.set('pendingCommand', 0);
    const ctr = this.#r.get('ctr');
    switch (cmd) {
      case I8042_CMD_CTL_RCTR:
        this.#reply(ctr);
        return;
      case I8042_CMD_CTL_WCTR:
      case I8042_CMD_WRITE_OUTPUT:
        this.#r.set('pendingCommand', cmd);
        return;
      case I8042_CMD_AUX_DISABLE:
        this.#r.set('ctr', ctr | I8042_CTR_AUXDIS);
        return;
      case I8042_CMD_AUX_ENABLE:
        this.#r.set('ctr', ctr & ~I8042_CTR_AUXDIS);
        return;
      case I8042_CMD_CTL_TEST:
        this.#r.set('ctr', ctr | I8042_CTR_SYSFLAG);
        this.#reply(I8042_RET_CTL_TEST);
        return;
      case I8042_CMD_KBD_TEST:
        this.#reply(I8042_RET_KBD_TEST_OK);
        return;
      case I8042_CMD_KBD_DISABLE:
        this.#r.set('ctr', ctr | I8042_CTR_KBDDIS);
        return;
      case I8042_CMD_KBD_ENABLE:
        this.#r.set('ctr', ctr & ~I8042_CTR_KBDDIS);
        return;
      case I8042_CMD_READ_OUTPUT:
        this.#reply(this.#r.get('outputPort'));
        return;
      default:
        // Only the pulse commands reset; a written output port's reset bit is not honoured, since
        // no guest bothy runs resets that way and a zeroed power-on output port would trip it.
        if (cmd >= I8042_CMD_PULSE_FIRST && (cmd & I8042_OUTPUT_RESET_LINE) === 0) {
          this.#wiring.system?.({ kind: 'reset' });
        }
    }
  }

  /** IRQ 1 follows a full output buffer while the CTR enables the keyboard interrupt. */
  #irqWanted(): boolean {
    return (this.#r.get('ctr') & I8042_CTR_KBDINT) !== 0 && this.#out.count > 0;
  }

  #updateIrq(): void {
    this.#irq.setLevel(this.#irqWanted());
  }
}
