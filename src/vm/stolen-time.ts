// PV-time stolen-time accounting (ARM DEN0057A, as KVM's kvm_update_stolen_time): once a vCPU has called
// PV_TIME_ST, its record in guest memory carries how long its thread sat runnable but not running —
// the scheduler's run_delay for that thread (/proc/thread-self/schedstat, second field).

import { readFileSync } from 'node:fs';
import { LAYOUT } from '../arch/x86_64/layout.js';
import { PVCLOCK_VCPU_STOLEN_TIME } from '../hypercalls/pv-time.js';

const RECORD = PVCLOCK_VCPU_STOLEN_TIME.size;
const STOLEN_WORD = PVCLOCK_VCPU_STOLEN_TIME.offsets.stolen_time / 8;
/** KVM refreshes the record at every vCPU load; bothy, whose exits cost microseconds, at most this often. */
const UPDATE_EVERY_MS = 1;

/** Which vCPUs have started accounting (PV_TIME_ST), shared by all vCPU threads and saved in snapshots. */
export class StolenTimeFlags {
  readonly buffer: SharedArrayBuffer;
  readonly #on: Int32Array;

  constructor(buffer: SharedArrayBuffer) {
    this.buffer = buffer;
    this.#on = new Int32Array(buffer);
  }

  static create(vcpus: number): StolenTimeFlags {
    return new StolenTimeFlags(new SharedArrayBuffer(vcpus * 4));
  }

  static fromSaved(bytes: Uint8Array, vcpus: number): StolenTimeFlags {
    if (bytes.length !== vcpus * 4) throw new RangeError(`Stolen-time flags are ${bytes.length} bytes, expected ${vcpus * 4} for ${vcpus} vCPUs`);
    const f = StolenTimeFlags.create(vcpus);
    new Uint8Array(f.buffer).set(bytes);
    return f;
  }

  isOn(vcpu: number): boolean {
    return Atomics.load(this.#on, vcpu) !== 0;
  }

  setOn(vcpu: number): void {
    Atomics.store(this.#on, vcpu, 1);
  }

  savedBytes(): Uint8Array {
    return new Uint8Array(this.buffer).slice();
  }
}

/** The guest-physical address of vCPU `id`'s record. */
export function stolenTimeRecordGpa(id: number): number {
  return LAYOUT.PVTIME_START + id * RECORD;
}

/** The run queue delay of the calling thread, in ns. */
export function threadRunDelayNs(): bigint {
  const fields = readFileSync('/proc/thread-self/schedstat', 'latin1').split(' ');
  return BigInt(fields[1] ?? '0');
}

/** One vCPU thread's side: keeps its own record current. `record` views the record's 64 bytes of guest memory. */
export class StolenTimeClock {
  readonly #id: number;
  readonly #flags: StolenTimeFlags;
  readonly #words: BigUint64Array;
  readonly #record: Uint8Array;
  readonly #runDelay: () => bigint;
  /** run_delay minus the stolen time the record already shows, so a restored VM's count continues. */
  #base = 0n;
  #nextMs = 0;

  constructor(id: number, flags: StolenTimeFlags, record: Uint8Array, runDelay: () => bigint = threadRunDelayNs) {
    if (record.length !== RECORD || record.byteOffset % 8 !== 0) throw new RangeError(`A stolen-time record view must be ${RECORD} bytes, 8-byte aligned`);
    this.#id = id;
    this.#flags = flags;
    this.#record = record;
    this.#words = new BigUint64Array(record.buffer, record.byteOffset, RECORD / 8);
    this.#runDelay = runDelay;
    if (flags.isOn(id)) this.#base = runDelay() - this.#words[STOLEN_WORD]!;
  }

  /** PV_TIME_ST: zero the record and count from now. */
  start(): void {
    this.#record.fill(0);
    this.#base = this.#runDelay();
    this.#flags.setOn(this.#id);
    this.#nextMs = 0;
  }

  /** Called on the vCPU thread between exits; cheap unless an update is due. */
  tick(nowMs: number): void {
    if (nowMs < this.#nextMs || !this.#flags.isOn(this.#id)) return;
    this.#nextMs = nowMs + UPDATE_EVERY_MS;
    // One aligned 64-bit store, so the guest never reads a torn value.
    this.#words[STOLEN_WORD] = this.#runDelay() - this.#base;
  }
}
