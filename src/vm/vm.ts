// A running VM as the main thread sees it: one worker per vCPU, the shared control block, and the
// way to pause, resume and stop them. The main thread never calls KVM_RUN.

import { Worker } from 'node:worker_threads';
import { VCPU_WORKER_URL, WORKER_READY, type WorkerPool } from './worker-pool.js';
import type { VmShellPool } from './vm-shell-pool.js';
import { VcpuFd, mapKvmRun } from '../kvm/vcpu-fd.js';
import { libc } from '../kvm/libc.js';
import { Control, RUN_STATE } from './control.js';
import { installKickHandler, kickVcpu } from './kick.js';
import { buildVm, restoreVm, type BuiltVm } from './builder.js';
import type { VmConfig } from './vm-config.js';
import { saveVcpuState } from '../snapshot/vcpu-state.js';
import { saveVmState } from '../snapshot/vm-state.js';
import type { MachineState } from '../snapshot/machine-state.js';
import { writeSnapshot, readSnapshot, type Progress } from '../snapshot/snapshot-files.js';
import type { VmExitReason } from './exit-reason.js';
import type { VmStatus } from './actions.js';
import type { VcpuWorkerInit, WorkerMessage } from './vcpu-worker-protocol.js';
import { buildBuses, deviceRecord, type DeviceInstance } from './device-table.js';
import { KvmIrqLine } from './kvm-irq-line.js';
import { Serial8250 } from '../devices/serial/serial-8250.js';
import { VmGenId, VmGenIdState, STATE_VERSION as VMGENID_VERSION } from '../devices/vmgenid/vmgenid.js';
import { randomUuidV4 } from '../devices/vmgenid/uuid.js';
import { SharedState } from '../devices/shared-state.js';
import { LAYOUT } from '../arch/x86_64/layout.js';
import { FirmwareRegisters } from '../hypercalls/firmware-registers.js';
import { saveHypercallState, type HypercallOptions } from './hypercall-state.js';

/** Where a VM's console goes. */
export interface ConsoleConfig {
  readonly consoleFd: number;
  readonly consolePrefix: string;
  /** Take vCPU workers from here instead of starting new threads. */
  readonly pool?: WorkerPool;
  /** Restore into a pre-built VM shell from here when one fits. */
  readonly shells?: VmShellPool;
  /** Restore only: the services this bothy offers (`supported`); a snapshot needing more is refused. */
  readonly hypercalls?: Pick<HypercallOptions, 'supported'>;
}

/** How often an unacknowledged stop or pause is re-kicked (a kick can land just before KVM_RUN). */
const REKICK_MS = 20;
const PAUSE_TIMEOUT_MS = 10_000;

interface VcpuHandle {
  readonly id: number;
  readonly worker: Worker;
  /** This thread's own mapping of the vCPU's kvm_run page, for immediate_exit. */
  readonly run: Uint8Array;
  readonly runAddr: bigint;
  tid: number;
  done: boolean;
}

export class Vm {
  readonly #built: BuiltVm;
  readonly #control = new Control();
  readonly #vcpus: VcpuHandle[] = [];
  readonly #devices: DeviceInstance[];
  readonly #vmgenid: VmGenId;
  readonly #fwRegs: FirmwareRegisters;
  #reason: VmExitReason | undefined;
  #pendingInput: Uint8Array[] = [];
  #inputTimer: NodeJS.Timeout | undefined;
  #rekick: NodeJS.Timeout | undefined;
  readonly exited: Promise<VmExitReason>;
  #resolveExit!: (r: VmExitReason) => void;
  #torn = false;

  /** `newGenerationId`: after a restore, the ID the VM gets (written and signalled before any vCPU runs). */
  private constructor(built: BuiltVm, cfg: ConsoleConfig, newGenerationId?: Uint8Array) {
    this.#built = built;
    this.exited = new Promise((res) => (this.#resolveExit = res));
    const genState = new SharedState(VmGenIdState, built.vmgenid);
    const genGpa = Number(genState.get('gpa'));
    this.#vmgenid = new VmGenId(genState, {
      irq: new KvmIrqLine(built.vm, genState.get('gsi')),
      write16: (b) => built.memory.write(genGpa, b),
    });
    this.#vmgenid.afterRestore();
    // KVM state is back and no vCPU has run: the guest sees the new ID and its interrupt first thing.
    if (newGenerationId) this.#vmgenid.setId(newGenerationId);
    this.#devices = buildBuses(built.devices, (spec) =>
      spec.gsi !== undefined ? { irq: new KvmIrqLine(built.vm, spec.gsi) } : {},
    ).instances;
    // A restored device's interrupt line starts low in the new VM; let it re-drive its level.
    if (!built.boot) for (const d of this.#devices) (d.device as { afterRestore?: () => void }).afterRestore?.();
    this.#fwRegs = new FirmwareRegisters(built.hypercalls.config, built.hypercalls.registers);
    // Every vCPU enters KVM_RUN from here on: the bitmaps freeze (KVM's "has run").
    this.#fwRegs.markRan();
    const hypercalls = {
      ...built.hypercalls,
      stolenTimeRecords: built.memory.hostAddress(LAYOUT.PVTIME_START, LAYOUT.PVTIME_END - LAYOUT.PVTIME_START),
    };
    installKickHandler();
    built.vcpuFds.forEach((fd, id) => {
      const init: VcpuWorkerInit = {
        vcpuId: id,
        vmFd: built.vm.fd,
        vcpuFd: fd,
        runSize: built.runSize,
        control: this.#control.buffer,
        devices: built.devices,
        consoleFd: cfg.consoleFd,
        consolePrefix: cfg.consolePrefix,
        hypercalls,
        ...(built.boot ? {
          setup: { cpuid: built.boot.cpuid[id]!, msrs: built.boot.msrs, ...(id === 0 ? { entry: built.boot.entry } : {}) },
        } : {}),
      };
      const worker = cfg.pool?.take() ?? new Worker(VCPU_WORKER_URL);
      worker.ref();
      worker.postMessage(init);
      const map = mapKvmRun(fd, built.runSize);
      const h: VcpuHandle = { id, worker, run: map.bytes, runAddr: map.addr, tid: 0, done: false };
      worker.on('message', (m: WorkerMessage | typeof WORKER_READY) => this.#onMessage(h, m));
      worker.on('error', (e) => this.#finish({ kind: 'crash', vcpu: id, message: `vCPU worker failed: ${e.message}` }));
      worker.on('exit', () => this.#onWorkerGone(h));
      this.#vcpus.push(h);
    });
  }

  /** Builds the VM and starts every vCPU (taking workers from `host.pool` when given). */
  static start(cfg: VmConfig, host: Pick<ConsoleConfig, 'pool'> = {}): Vm {
    return new Vm(buildVm(cfg), { ...cfg, ...host });
  }

  /**
   * A new VM from a snapshot directory. Memory is mapped copy-on-write from the snapshot's memory file;
   * KVM, vCPU and device state are applied before any vCPU runs.
   */
  static async restore(dir: string, console: ConsoleConfig, generationId: Uint8Array = randomUuidV4()): Promise<Vm> {
    const snap = await readSnapshot(dir);
    return new Vm(restoreVm(snap, console.shells?.take(snap.state.machine), console.hypercalls), console, generationId);
  }

  /**
   * Writes a snapshot of this VM to `dir` (which must not exist or be empty). A running VM is paused
   * for the duration and resumed after, whether or not the snapshot succeeded.
   */
  async snapshot(dir: string, progress?: Progress): Promise<void> {
    if (this.state === 'stopped') throw new Error('Cannot snapshot a VM that has stopped');
    const wasRunning = this.state === 'running';
    await this.pause();
    try {
      await writeSnapshot(dir, this.#captureState(), this.#built.memory, progress);
    } finally {
      if (wasRunning) this.resume();
    }
  }

  /** All state but RAM, read while every vCPU is parked outside KVM_RUN. */
  #captureState(): MachineState {
    const b = this.#built;
    const msrIndices = b.kvm.msrIndexList();
    return {
      machine: b.machine,
      vm: saveVmState(b.vm),
      vcpus: b.vcpuFds.map((fd, id) => saveVcpuState(new VcpuFd(fd, id), msrIndices)),
      devices: b.devices.map(deviceRecord),
      vmgenid: { version: VMGENID_VERSION, state: this.#vmgenid.state.savedBytes() },
      hypercalls: saveHypercallState(b.hypercalls),
    };
  }

  status(): VmStatus {
    const m = this.#built.machine;
    return { state: this.state, vcpus: m.vcpus, memSize: m.memSize, kernel: m.kernelName, cmdline: m.cmdline };
  }

  /** The VM Generation ID as a UUID string (every VM has the device; undefined is kept for the Action contract). */
  vmgenid(): string | undefined {
    return this.#vmgenid.uuidString();
  }

  /** process.hrtime.bigint() just before a vCPU first entered KVM_RUN: the guest's first instruction. */
  get firstEntryNs(): bigint | undefined {
    return this.#control.firstEntryNs;
  }

  /** process.hrtime.bigint() when a vCPU first came back from KVM_RUN with an exit (the guest ran). */
  get firstExitNs(): bigint | undefined {
    return this.#control.firstExitNs;
  }

  get memory(): BuiltVm['memory'] {
    return this.#built.memory;
  }

  get state(): 'running' | 'paused' | 'stopped' {
    const s = this.#control.state;
    return s === RUN_STATE.RUNNING ? 'running' : s === RUN_STATE.PAUSED ? 'paused' : 'stopped';
  }

  /** Stops every vCPU; the reason is kept unless the guest already ended the VM. */
  stop(by: 'user' | 'signal' | 'timeout' = 'user'): Promise<VmExitReason> {
    this.#finish({ kind: 'stopped', by });
    return this.exited;
  }

  /**
   * Parks every vCPU outside KVM_RUN; resolves once all have acknowledged. A vCPU that does not answer
   * its kicks within PAUSE_TIMEOUT_MS is an error (the VM is resumed, so it is left as it was).
   */
  async pause(): Promise<void> {
    const ctl = this.#control;
    if (ctl.state !== RUN_STATE.RUNNING) return;
    ctl.request(RUN_STATE.PAUSED);
    const paused = (): boolean => ctl.state === RUN_STATE.PAUSED;
    const deadline = Date.now() + PAUSE_TIMEOUT_MS;
    while (paused() && ctl.parked < this.#vcpus.filter((v) => !v.done).length) {
      if (Date.now() > deadline) {
        this.resume();
        throw new Error(`The VM did not pause: ${ctl.parked} of ${this.#vcpus.length} vCPUs parked within ${PAUSE_TIMEOUT_MS / 1000} s`);
      }
      this.#kickAll();
      await new Promise((r) => setTimeout(r, 1));
    }
  }

  resume(): void {
    if (this.#control.state === RUN_STATE.PAUSED) this.#control.request(RUN_STATE.RUNNING);
  }

  /** The firmware pseudo-registers (KVM/arm64 semantics): list, GET and SET as KVM_*_ONE_REG would. */
  get firmwareRegisters(): FirmwareRegisters {
    return this.#fwRegs;
  }

  /** Console input for COM1. Bytes the UART's FIFO can't take yet are retried as the guest drains it. */
  sendConsoleInput(bytes: Uint8Array): void {
    if (this.state === 'stopped') return;
    this.#pendingInput.push(bytes);
    this.#drainInput();
  }

  #drainInput(): void {
    const uart = this.#devices.find((d) => d.spec.kind === 'serial-8250')?.device;
    if (!(uart instanceof Serial8250)) return;
    while (this.#pendingInput.length) {
      const head = this.#pendingInput[0]!;
      const n = uart.enqueueInput(head);
      if (n < head.length) {
        this.#pendingInput[0] = head.subarray(n);
        this.#inputTimer ??= setTimeout(() => {
          this.#inputTimer = undefined;
          if (this.state !== 'stopped') this.#drainInput();
        }, 5);
        return;
      }
      this.#pendingInput.shift();
    }
  }

  #onMessage(h: VcpuHandle, m: WorkerMessage | typeof WORKER_READY): void {
    if (m === WORKER_READY) return;
    switch (m.kind) {
      case 'started':
        h.tid = m.tid;
        // A stop that raced the worker's start needs a kick now that we know its thread.
        if (this.#control.state !== RUN_STATE.RUNNING) kickVcpu(h.run, h.tid);
        break;
      case 'exit':
        this.#finish(m.reason);
        break;
      case 'stop-others':
        this.#finish(undefined);
        break;
      case 'kick': {
        // A target that has not reported its thread yet still sees immediate_exit at its next KVM_RUN.
        const target = this.#vcpus[m.vcpu];
        if (target && !target.done) kickVcpu(target.run, target.tid);
        break;
      }
      case 'done':
        h.done = true;
        this.#maybeTeardown();
        break;
    }
  }

  #onWorkerGone(h: VcpuHandle): void {
    if (!h.done) {
      h.done = true;
      this.#finish({ kind: 'crash', vcpu: h.id, message: 'vCPU worker exited unexpectedly' });
    }
    this.#maybeTeardown();
  }

  /** Records the first reason and drives every vCPU out of KVM_RUN until all are done. */
  #finish(reason: VmExitReason | undefined): void {
    if (reason !== undefined && this.#reason === undefined) this.#reason = reason;
    this.#control.request(RUN_STATE.STOPPED);
    this.#kickAll();
    this.#rekick ??= setInterval(() => this.#kickAll(), REKICK_MS);
    this.#maybeTeardown();
  }

  #kickAll(): void {
    for (const v of this.#vcpus) if (!v.done) kickVcpu(v.run, v.tid);
  }

  #maybeTeardown(): void {
    if (this.#torn || !this.#vcpus.every((v) => v.done) || this.#control.state !== RUN_STATE.STOPPED) return;
    this.#torn = true;
    if (this.#rekick) clearInterval(this.#rekick);
    if (this.#inputTimer) clearTimeout(this.#inputTimer);
    for (const v of this.#vcpus) libc.munmap(v.runAddr, this.#built.runSize);
    this.#built.teardown();
    this.#resolveExit(this.#reason ?? { kind: 'stopped', by: 'user' });
  }
}
