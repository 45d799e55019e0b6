// Why a VM stopped. One union for every path (guest request, guest fault, host request), so the CLI,
// the API and tests map it in one place.

import { assertNever } from '../binary/assert-never.js';

export type VmExitReason =
  | { readonly kind: 'poweroff' }
  | { readonly kind: 'reset' }
  | { readonly kind: 'guest-exit'; readonly code: number }
  | { readonly kind: 'triple-fault'; readonly vcpu: number; readonly rip?: string }
  | { readonly kind: 'crash'; readonly vcpu: number; readonly message: string }
  | { readonly kind: 'stopped'; readonly by: 'user' | 'signal' | 'timeout' };

export function describeExit(r: VmExitReason): string {
  switch (r.kind) {
    case 'poweroff': return 'the guest powered off';
    case 'reset': return 'the guest reset the machine';
    case 'guest-exit': return `the guest reported exit code ${r.code}`;
    case 'triple-fault': return `vCPU ${r.vcpu} triple-faulted (KVM_EXIT_SHUTDOWN)${r.rip ? ` at RIP ${r.rip}` : ''}`;
    case 'crash': return `vCPU ${r.vcpu}: ${r.message}`;
    case 'stopped': return r.by === 'timeout' ? 'stopped by the watchdog' : `stopped by the ${r.by}`;
    default: return assertNever(r, 'exit reason');
  }
}
