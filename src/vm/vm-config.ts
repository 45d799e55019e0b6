// What a user asks for when they create a VM, validated once here so every front end (CLI, API)
// gets the same errors.

import { CodedError } from '../binary/coded-error.js';
import { MiB, GiB } from '../memory/address.js';
import type { BootProtocol } from '../arch/x86_64/regs.js';
import type { HypercallOptions } from './hypercall-state.js';

export interface VmConfig {
  readonly memSize: number;
  readonly vcpus: number;
  /** The kernel image bytes (ELF vmlinux, micro-guest or bzImage) and where they came from, for messages. */
  readonly kernel: Uint8Array;
  readonly kernelName: string;
  readonly initrd?: Uint8Array;
  readonly cmdline: string;
  /** ELF kernels: the 64-bit entry (default) or the PVH note's 32-bit entry. */
  readonly boot: 'auto' | BootProtocol;
  readonly consoleFd: number;
  readonly consolePrefix: string;
  /** The VM Generation ID (16 bytes, UUID text order); every VM has the device. */
  readonly vmgenid: Uint8Array;
  /** Which hypervisor services the guest sees (default: all, KVM's register defaults). */
  readonly hypercalls?: HypercallOptions;
}

export type VmConfigErrorCode = 'bad-memory' | 'bad-vcpus' | 'bad-kernel' | 'bad-boot';

export class VmConfigError extends CodedError<VmConfigErrorCode> {
  override readonly name = 'VmConfigError';
}

export const MIN_MEMORY = 16 * MiB;
/** The guest-physical address space bothy lays out (RAM above 4 GiB continues to here). */
export const MAX_MEMORY = 1024 * GiB;

export function checkLimits(cfg: Pick<VmConfig, 'memSize' | 'vcpus'>, kvmMaxVcpus: number): void {
  if (!Number.isSafeInteger(cfg.memSize) || cfg.memSize < MIN_MEMORY || cfg.memSize > MAX_MEMORY) {
    throw new VmConfigError('bad-memory', `Memory size ${cfg.memSize} bytes is out of range: give between ${MIN_MEMORY / MiB} MiB and ${MAX_MEMORY / GiB} GiB`);
  }
  if (cfg.memSize % (2 * MiB) !== 0) {
    throw new VmConfigError('bad-memory', `Memory size ${cfg.memSize} bytes is not a multiple of 2 MiB`);
  }
  if (!Number.isInteger(cfg.vcpus) || cfg.vcpus < 1 || cfg.vcpus > Math.min(kvmMaxVcpus, 255)) {
    throw new VmConfigError('bad-vcpus', `${cfg.vcpus} vCPUs is out of range: this host's KVM allows 1 to ${Math.min(kvmMaxVcpus, 255)}`);
  }
}
