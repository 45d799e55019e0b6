// What hypercall services need from the machine around them. The VM layer implements it once per
// vCPU thread (the x86 one in src/vm/hypercall-platform.ts); services never see KVM or x86.

/** PSCI AFFINITY_INFO's view of a vCPU. */
export type PsciPowerState = 'on' | 'off' | 'on-pending';

export type CpuOnResult = 'ok' | 'already-on' | 'on-pending' | 'no-such-cpu';

/** Which counter PTP pairs with the wall clock (KVM_PTP_VIRT_COUNTER 0 / KVM_PTP_PHYS_COUNTER 1). */
export type PtpCounter = 'virtual' | 'physical';

export interface HypercallPlatform {
  readonly vcpuCount: number;
  /** The PSCI power state of vCPU `vcpu` (its index, which is also its APIC ID / MPIDR Aff0), or undefined if there is none. */
  powerState(vcpu: number): PsciPowerState | undefined;
  /**
   * PSCI CPU_ON: asks a powered-off vCPU to start at `entry` with `contextId` in its first argument register.
   * Returns at once; the target starts asynchronously (AFFINITY_INFO reports on-pending until it does).
   */
  cpuOn(target: number, entry: bigint, contextId: bigint): CpuOnResult;
  /** PSCI CPU_OFF: the calling vCPU powers off when the call returns; its result registers are never written. */
  cpuOff(): void;
  /** Ends the VM once the call returns: SYSTEM_OFF/OFF2 → 'poweroff', SYSTEM_RESET/RESET2 → 'reset'. */
  systemEvent(event: 'poweroff' | 'reset'): void;
  /** `n` bytes from the host's CSPRNG. */
  randomBytes(n: number): Uint8Array;
  /**
   * PV_TIME_FEATURES: whether the calling vCPU has a stolen-time record, asked without starting it (KVM's
   * `steal.base != INVALID_GPA`). Absent: every vCPU has one, so only startStolenTime can say no.
   */
  hasStolenTime?(): boolean;
  /**
   * PV time ST: zero-fills the calling vCPU's 64-byte stolen-time record, starts keeping it updated and
   * returns its guest-physical address; undefined when this VM has no record area.
   */
  startStolenTime(): bigint | undefined;
  /** PTP: host CLOCK_REALTIME (ns) and the guest's counter, read back to back; undefined if unavailable. */
  ptp(counter: PtpCounter): { readonly realtimeNs: bigint; readonly counter: bigint } | undefined;
}
