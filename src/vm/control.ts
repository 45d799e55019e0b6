// The control block shared by the main thread and every vCPU worker: the requested run state and
// how many vCPUs are parked outside KVM_RUN right now. Plain Int32 words, driven with Atomics.

export const RUN_STATE = { RUNNING: 0, PAUSED: 1, STOPPED: 2 } as const;
export type RunState = (typeof RUN_STATE)[keyof typeof RUN_STATE];

const STATE = 0;
const EXIT_LATCH = 1;
/**
 * vCPUs inside parkWhilePaused, counted on the way in and out. A count of parked vCPUs, not of
 * acknowledgements per pause: a resume followed at once by a pause can find a vCPU that woke but has
 * not yet seen RUNNING; it is still parked, and a per-pause ack reset would wait for it forever.
 */
const PARKED = 2;
const WORDS = 4;
/**
 * After the Int32 words, monotonic times (ns, process.hrtime.bigint(), the same clock in every thread),
 * 0 until they happen: a vCPU's first entry into KVM_RUN (the guest's first instruction) and the VM's
 * first exit (the guest provably ran).
 */
const FIRST_ENTRY_INDEX = (WORDS * 4) / 8;
const FIRST_EXIT_INDEX = FIRST_ENTRY_INDEX + 1;
const BYTES = WORDS * 4 + 16;
const WAKE_CHECK_MS = 50;

export class Control {
  readonly buffer: SharedArrayBuffer;
  readonly #w: Int32Array;
  readonly #t: BigInt64Array;

  constructor(buffer = new SharedArrayBuffer(BYTES)) {
    this.buffer = buffer;
    this.#w = new Int32Array(buffer, 0, WORDS);
    this.#t = new BigInt64Array(buffer);
  }

  /** Called by a vCPU just before its first KVM_RUN; the first caller's time is kept. */
  markFirstEntry(): void {
    Atomics.compareExchange(this.#t, FIRST_ENTRY_INDEX, 0n, process.hrtime.bigint());
  }

  /** Records the first exit (the guest has provably run); later calls keep the first time. */
  markFirstExit(): void {
    Atomics.compareExchange(this.#t, FIRST_EXIT_INDEX, 0n, process.hrtime.bigint());
  }

  get firstEntryNs(): bigint | undefined {
    const t = Atomics.load(this.#t, FIRST_ENTRY_INDEX);
    return t === 0n ? undefined : t;
  }

  /** process.hrtime.bigint() at the VM's first exit, or undefined before it. */
  get firstExitNs(): bigint | undefined {
    const t = Atomics.load(this.#t, FIRST_EXIT_INDEX);
    return t === 0n ? undefined : t;
  }

  get state(): RunState {
    return Atomics.load(this.#w, STATE) as RunState;
  }

  /** Sets the requested state and wakes workers parked in a pause. STOPPED is final. */
  request(state: RunState): void {
    if (this.state === RUN_STATE.STOPPED) return;
    Atomics.store(this.#w, STATE, state);
    Atomics.notify(this.#w, STATE);
  }

  /** The first caller wins the right to report why the VM ended. */
  claimExit(): boolean {
    return Atomics.compareExchange(this.#w, EXIT_LATCH, 0, 1) === 0;
  }

  /**
   * Worker side: park while PAUSED; returns the state that ended the wait. The caller must read the
   * state again before it re-enters KVM_RUN (settle does): the count drops before that read, so a
   * pause that saw this vCPU parked is always seen by it.
   */
  parkWhilePaused(): RunState {
    Atomics.add(this.#w, PARKED, 1);
    try {
      // Bounded waits, re-checking the state: a lost wake-up can delay a resume, never wedge the vCPU.
      while (this.state === RUN_STATE.PAUSED) Atomics.wait(this.#w, STATE, RUN_STATE.PAUSED, WAKE_CHECK_MS);
      return this.state;
    } finally {
      Atomics.sub(this.#w, PARKED, 1);
    }
  }

  /** vCPUs parked outside KVM_RUN at this moment. */
  get parked(): number {
    return Atomics.load(this.#w, PARKED);
  }
}
