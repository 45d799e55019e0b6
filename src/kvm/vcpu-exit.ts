// Decodes the kvm_run page after KVM_RUN returns into a VcpuExit union. Data views point into the
// page itself, so an IN/MMIO-read handler fills the bytes KVM hands back to the guest.

import {
  kvm_run_header, kvm_run_io, kvm_run_mmio, kvm_run_internal, kvm_run_fail_entry, kvm_run_system_event,
  KVM_RUN_EXIT_UNION, KVM_EXIT, KVM_EXIT_IO_OUT, exitReasonName,
} from './abi/kvm-run.js';

export type VcpuExit =
  | { readonly kind: 'io'; readonly out: boolean; readonly port: number; readonly size: number; readonly count: number; readonly data: Uint8Array }
  | { readonly kind: 'mmio'; readonly addr: number; readonly isWrite: boolean; readonly data: Uint8Array }
  | { readonly kind: 'hlt' }
  | { readonly kind: 'shutdown' }
  | { readonly kind: 'intr' }
  | { readonly kind: 'internal-error'; readonly suberror: number; readonly data: readonly bigint[] }
  | { readonly kind: 'fail-entry'; readonly reason: bigint; readonly cpu: number }
  | { readonly kind: 'system-event'; readonly type: number; readonly data: readonly bigint[] }
  | { readonly kind: 'other'; readonly reason: number; readonly name: string };

const U = KVM_RUN_EXIT_UNION;

export function decodeExit(run: Uint8Array, dv: DataView = new DataView(run.buffer, run.byteOffset, run.byteLength)): VcpuExit {
  const reason = dv.getUint32(kvm_run_header.offsets.exit_reason, true);
  switch (reason) {
    case KVM_EXIT.IO: {
      const o = kvm_run_io.offsets;
      const size = dv.getUint8(U + o.size);
      const count = dv.getUint32(U + o.count, true);
      const off = Number(dv.getBigUint64(U + o.data_offset, true));
      return {
        kind: 'io',
        out: dv.getUint8(U + o.direction) === KVM_EXIT_IO_OUT,
        port: dv.getUint16(U + o.port, true),
        size,
        count,
        data: run.subarray(off, off + size * count),
      };
    }
    case KVM_EXIT.MMIO: {
      const o = kvm_run_mmio.offsets;
      const len = dv.getUint32(U + o.len, true);
      return {
        kind: 'mmio',
        addr: Number(dv.getBigUint64(U + o.phys_addr, true)),
        isWrite: dv.getUint8(U + o.is_write) !== 0,
        data: run.subarray(U + o.data, U + o.data + Math.min(len, 8)),
      };
    }
    case KVM_EXIT.HLT: return { kind: 'hlt' };
    case KVM_EXIT.SHUTDOWN: return { kind: 'shutdown' };
    case KVM_EXIT.INTR: return { kind: 'intr' };
    case KVM_EXIT.INTERNAL_ERROR: {
      const o = kvm_run_internal.offsets;
      const n = Math.min(dv.getUint32(U + o.ndata, true), 16);
      return {
        kind: 'internal-error',
        suberror: dv.getUint32(U + o.suberror, true),
        data: Array.from({ length: n }, (_, i) => dv.getBigUint64(U + o.data + i * 8, true)),
      };
    }
    case KVM_EXIT.FAIL_ENTRY: {
      const o = kvm_run_fail_entry.offsets;
      return {
        kind: 'fail-entry',
        reason: dv.getBigUint64(U + o.hardware_entry_failure_reason, true),
        cpu: dv.getUint32(U + o.cpu, true),
      };
    }
    case KVM_EXIT.SYSTEM_EVENT: {
      const o = kvm_run_system_event.offsets;
      const n = Math.min(dv.getUint32(U + o.ndata, true), 16);
      return {
        kind: 'system-event',
        type: dv.getUint32(U + o.type, true),
        data: Array.from({ length: n }, (_, i) => dv.getBigUint64(U + o.data + i * 8, true)),
      };
    }
    default:
      return { kind: 'other', reason, name: exitReasonName(reason) };
  }
}

/** Sets or clears kvm_run.immediate_exit (KVM_CAP_IMMEDIATE_EXIT): KVM_RUN returns EINTR at once while set. */
export function setImmediateExit(run: Uint8Array, on: boolean): void {
  Atomics.store(run, kvm_run_header.offsets.immediate_exit, on ? 1 : 0);
}
