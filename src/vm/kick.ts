// Kicking a vCPU out of KVM_RUN: set kvm_run.immediate_exit, then signal the vCPU's thread so a
// KVM_RUN already in the kernel returns EINTR. The handler must exist process-wide before the first
// kick (ARCHITECTURE.md: not SIGUSR1, which Node keeps for its inspector).

import { libc } from '../kvm/libc.js';
import { setImmediateExit } from '../kvm/vcpu-exit.js';

export const KICK_SIGNAL = 'SIGUSR2';
const SIGUSR2 = 12;
let installed = false;

/** Call on the main thread before starting vCPU workers. */
export function installKickHandler(): void {
  if (installed) return;
  installed = true;
  // The handler only needs to exist so the signal interrupts the ioctl instead of killing us.
  process.on(KICK_SIGNAL, () => {});
}

export function kickVcpu(run: Uint8Array, tid: number): void {
  setImmediateExit(run, true);
  if (tid > 0) libc.tgkill(libc.getpid(), tid, SIGUSR2);
}
