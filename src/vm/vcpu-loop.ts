// The synchronous KVM_RUN loop of one vCPU. Exits are handled in place on the vCPU's thread (port
// I/O, MMIO, system events); anything the VM can't continue from ends the VM with a reason.

import type { VcpuFd } from '../kvm/vcpu-fd.js';
import { EINTR, EAGAIN } from '../kvm/vcpu-fd.js';
import { errnoName } from '../kvm/kvm-error.js';
import { decodeExit, setImmediateExit, type VcpuExit } from '../kvm/vcpu-exit.js';
import {
  KVM_INTERNAL_ERROR, KVM_SYSTEM_EVENT, KVM_EXIT, KVM_EXIT_IO_OUT, KVM_RUN_EXIT_UNION, kvm_run_header, kvm_run_io,
} from '../kvm/abi/kvm-run.js';
import type { Bus } from '../devices/bus.js';
import { hex } from '../memory/address.js';
import { type Control, RUN_STATE } from './control.js';
import type { VmExitReason } from './exit-reason.js';
import { assertNever } from '../binary/assert-never.js';
import type { HypercallDoorbell } from './hypercall-doorbell.js';
import type { VcpuPower } from './vcpu-power.js';
import type { StolenTimeClock } from './stolen-time.js';

export interface VcpuLoopContext {
  readonly vcpu: VcpuFd;
  readonly pio: Bus;
  readonly mmio: Bus;
  readonly control: Control;
  /** Ends the VM (the first reason reported wins). */
  readonly exit: (reason: VmExitReason) => void;
  /** SMCCC calls through PORTS.HYPERCALL; without it the port is an ordinary unclaimed one. */
  readonly doorbell?: HypercallDoorbell;
  readonly power?: VcpuPower;
  readonly stolenTime?: StolenTimeClock;
}

const EXIT_REASON = kvm_run_header.offsets.exit_reason;
const IO_DIRECTION = KVM_RUN_EXIT_UNION + kvm_run_io.offsets.direction;
const IO_SIZE = KVM_RUN_EXIT_UNION + kvm_run_io.offsets.size;
const IO_PORT = KVM_RUN_EXIT_UNION + kvm_run_io.offsets.port;
const IO_COUNT = KVM_RUN_EXIT_UNION + kvm_run_io.offsets.count;
const IO_DATA_OFFSET = KVM_RUN_EXIT_UNION + kvm_run_io.offsets.data_offset;

/**
 * Port I/O is the exit a guest makes most (consoles, doorbells, the exit-cost bench), so a single
 * IN/OUT is handled straight from the kvm_run page with views made once — no object per exit.
 */
class PortIo {
  readonly #run: Uint8Array;
  readonly #dv: DataView;
  readonly #pio: Bus;
  #offset = -1;
  readonly #views: Uint8Array[] = [];

  constructor(run: Uint8Array, dv: DataView, pio: Bus) {
    this.#run = run;
    this.#dv = dv;
    this.#pio = pio;
  }

  /** Handles the exit if it is one IN/OUT; false sends it down the general path. */
  handle(): boolean {
    const dv = this.#dv;
    if (dv.getUint32(IO_COUNT, true) !== 1) return false;
    const size = dv.getUint8(IO_SIZE);
    // data_offset is the same page offset on every exit; it is rechecked because the ABI doesn't promise it.
    const off = dv.getUint32(IO_DATA_OFFSET, true);
    if (off !== this.#offset) {
      this.#offset = off;
      this.#views.length = 0;
    }
    const d = (this.#views[size] ??= this.#run.subarray(off, off + size));
    portAccess(this.#pio, dv.getUint16(IO_PORT, true), dv.getUint8(IO_DIRECTION) === KVM_EXIT_IO_OUT, d);
    return true;
  }
}

/** One port access. Unclaimed ports read as all-ones and swallow writes, as on a PC: Linux probes many of them. */
function portAccess(pio: Bus, port: number, out: boolean, data: Uint8Array): void {
  if (out) pio.write(port, data);
  else if (!pio.read(port, data)) data.fill(0xff);
}

/** Runs until the VM stops. Returns normally; every failure becomes an exit reason. */
export function runVcpuLoop(ctx: VcpuLoopContext): void {
  const { vcpu, control } = ctx;
  const run = vcpu.run;
  const dv = new DataView(run.buffer, run.byteOffset, run.byteLength);
  const portIo = new PortIo(run, dv, ctx.pio);
  const { power, stolenTime, doorbell } = ctx;
  let first = true;
  // A restored vCPU may have a CPU_ON pending from before the snapshot.
  power?.applyPending();
  control.markFirstEntry();
  for (;;) {
    const err = vcpu.runOnce();
    if (first && err === 0) {
      first = false;
      control.markFirstExit();
    }
    if (err !== 0) {
      // EINTR: kicked (pause/stop/CPU_ON). EAGAIN: an AP woken by INIT/SIPI returns it once — run again.
      if (err === EINTR || err === EAGAIN) {
        if (!settle(run, control, power)) return;
        continue;
      }
      ctx.exit({ kind: 'crash', vcpu: vcpu.id, message: `KVM_RUN failed: ${errnoName(err)} (errno ${err})` });
      return;
    }
    power?.noteRunning();
    stolenTime?.tick(performance.now());
    const io = dv.getUint32(EXIT_REASON, true) === KVM_EXIT.IO;
    if (io && doorbell?.isCall()) {
      const after = doorbell.call();
      if (after === 'poweroff' || after === 'reset') {
        ctx.exit({ kind: after });
        return;
      }
      if (after === 'cpu-off') power?.powerOff();
      if (control.state !== RUN_STATE.RUNNING) completeBeforeParking(run);
      continue;
    }
    if (io && portIo.handle()) {
      if (control.state !== RUN_STATE.RUNNING) completeBeforeParking(run);
      continue;
    }
    const stop = handleExit(ctx, decodeExit(run, dv));
    if (stop !== undefined) {
      ctx.exit(stop);
      return;
    }
    if (control.state !== RUN_STATE.RUNNING) completeBeforeParking(run);
  }
}

/**
 * A pause or stop is pending after an exit. KVM finishes the exit's instruction (an IN's data, an OUT's
 * RIP advance, a hypercall's result registers through kvm_dirty_regs) only at the next KVM_RUN; with
 * immediate_exit set that KVM_RUN does just that and returns EINTR (api.rst), whose path parks. Parking
 * straight away would leave the instruction half done in any snapshot taken meanwhile.
 */
function completeBeforeParking(run: Uint8Array): void {
  setImmediateExit(run, true);
}

/**
 * Clears immediate_exit and then looks at what the kick was for — in that order, so a kick that
 * lands in between is never lost: a CPU_ON for this vCPU, then the requested run state. Parks while
 * paused. Returns false when the vCPU must stop.
 */
function settle(run: Uint8Array, control: Control, power: VcpuPower | undefined): boolean {
  for (;;) {
    setImmediateExit(run, false);
    power?.applyPending();
    const s = control.state;
    if (s === RUN_STATE.RUNNING) return true;
    if (s === RUN_STATE.STOPPED) return false;
    control.parkWhilePaused();
  }
}

function handleExit(ctx: VcpuLoopContext, e: VcpuExit): VmExitReason | undefined {
  const id = ctx.vcpu.id;
  switch (e.kind) {
    case 'io': {
      for (let i = 0; i < e.count; i++) portAccess(ctx.pio, e.port, e.out, e.data.subarray(i * e.size, (i + 1) * e.size));
      return undefined;
    }
    case 'mmio': {
      const ok = e.isWrite ? ctx.mmio.write(e.addr, e.data) : ctx.mmio.read(e.addr, e.data);
      if (ok) return undefined;
      return crash(ctx, `unmapped MMIO ${e.isWrite ? 'write' : 'read'} of ${e.data.length} bytes at ${hex(e.addr)}`);
    }
    case 'intr':
      return undefined;
    case 'hlt':
      // Only without an in-kernel irqchip; bothy always has one, so a HLT exit means the guest stopped for good.
      return crash(ctx, 'the guest halted with interrupts disabled');
    case 'shutdown':
      return { kind: 'triple-fault', vcpu: id, ...ripOf(ctx) };
    case 'internal-error':
      return crash(ctx, describeInternalError(e.suberror, e.data));
    case 'fail-entry':
      return crash(ctx, `KVM_EXIT_FAIL_ENTRY: hardware entry failure reason ${hex(e.reason)} on CPU ${e.cpu}`);
    case 'system-event':
      switch (e.type) {
        case KVM_SYSTEM_EVENT.SHUTDOWN: return { kind: 'poweroff' };
        case KVM_SYSTEM_EVENT.RESET: return { kind: 'reset' };
        default: return crash(ctx, `KVM system event ${e.type}`);
      }
    case 'other':
      return crash(ctx, `unexpected exit ${e.name}`);
    default:
      return assertNever(e, 'vCPU exit');
  }
}

function ripOf(ctx: VcpuLoopContext): { rip?: string } {
  try {
    return { rip: hex(ctx.vcpu.getRegs().rip) };
  } catch {
    return {};
  }
}

function crash(ctx: VcpuLoopContext, message: string): VmExitReason {
  const { rip } = ripOf(ctx);
  return { kind: 'crash', vcpu: ctx.vcpu.id, message: rip ? `${message} (RIP ${rip})` : message };
}

/**
 * KVM_INTERNAL_ERROR_EMULATION carries struct kvm_emulation_failure: data[0] = flags (bit 0: the
 * instruction bytes are valid), then insn_size (u8) and up to 15 instruction bytes.
 */
export function describeInternalError(suberror: number, data: readonly bigint[]): string {
  const names: Record<number, string> = {
    [KVM_INTERNAL_ERROR.EMULATION]: 'instruction emulation failed',
    [KVM_INTERNAL_ERROR.SIMUL_EX]: 'exception during exception delivery',
    [KVM_INTERNAL_ERROR.DELIVERY_EV]: 'event delivery failed',
    [KVM_INTERNAL_ERROR.UNEXPECTED_EXIT_REASON]: 'unexpected exit reason',
  };
  let text = `KVM_EXIT_INTERNAL_ERROR: ${names[suberror] ?? `suberror ${suberror}`}`;
  if (suberror === KVM_INTERNAL_ERROR.EMULATION && data.length >= 3 && (data[0]! & 1n) === 1n) {
    const raw = new Uint8Array(16);
    const dv = new DataView(raw.buffer);
    dv.setBigUint64(0, data[1]!, true);
    dv.setBigUint64(8, data[2]!, true);
    const size = Math.min(raw[0]!, 15);
    const insn = [...raw.subarray(1, 1 + size)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    text += `; instruction bytes: ${insn}`;
  } else if (data.length > 0) {
    text += `; data: ${data.map((d) => hex(d)).join(' ')}`;
  }
  return text;
}
