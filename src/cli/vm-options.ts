// The VM options `run` and `dump-firmware` share, and turning them into a validated VmConfig.

import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { parseSize } from './parse-size.js';
import type { VmConfig } from '../vm/vm-config.js';
import { CliError } from './cli-error.js';
import { EXIT } from './exit-codes.js';
import { parseUuid, randomUuidV4 } from '../devices/vmgenid/uuid.js';

export interface VmOptions {
  kernel?: string;
  initrd?: string;
  cmdline?: string;
  mem: string;
  vcpus: string;
  boot: string;
  /** Absent means auto. */
  vmgenid?: string;
}

/** `auto` → a random version-4 UUID; otherwise the UUID the user gave, checked. */
export function generationIdFrom(text: string): Uint8Array {
  if (text === 'auto') return randomUuidV4();
  try {
    return parseUuid(text);
  } catch (e) {
    throw new CliError(EXIT.USAGE, `--vmgenid: ${(e as Error).message}`);
  }
}

/** The demo micro-guest `bothy run` boots when no --kernel is given (built by `npm install`). */
export const DEMO_GUEST = fileURLToPath(new URL('../../../guests/build/demo.elf', import.meta.url));

export function addVmOptions(cmd: Command): Command {
  return cmd
    .option('--kernel <path>', 'kernel to boot: an ELF (vmlinux or micro-guest) or a bzImage (default: the demo guest)')
    .option('--initrd <path>', 'initial ramdisk, loaded at the top of low RAM')
    .option('--cmdline <text>', 'kernel command line (default for Linux: console=ttyS0 reboot=k panic=1 …; empty for the demo guest)')
    .option('--mem <size>', 'guest memory, in MiB or with a unit (256M, 2G)', '256M')
    .option('--vcpus <n>', 'number of vCPUs', '1')
    .option('--boot <protocol>', 'ELF entry to use: auto (64-bit entry), linux64, or pvh (the PVH note)', 'auto')
    .option('--vmgenid <id>', 'VM Generation ID: auto (a random version-4 UUID) or a UUID', 'auto');
}

function readInput(path: string, what: string): Uint8Array {
  if (!existsSync(path)) throw new CliError(EXIT.NO_INPUT, `${what} '${path}' does not exist`);
  try {
    return readFileSync(path);
  } catch (e) {
    throw new CliError(EXIT.NO_INPUT, `Cannot read ${what} '${path}': ${(e as Error).message}`);
  }
}

/** Memory size and vCPU count, checked for form (KVM's limits are checked when the VM is built). */
export function vmShapeFrom(o: Pick<VmOptions, 'mem' | 'vcpus'>): { memSize: number; vcpus: number } {
  let memSize: number;
  try {
    memSize = parseSize(o.mem);
  } catch (e) {
    throw new CliError(EXIT.USAGE, `--mem: ${(e as Error).message}`);
  }
  if (!/^\d+$/.test(o.vcpus)) throw new CliError(EXIT.USAGE, `--vcpus: '${o.vcpus}' is not a whole number`);
  return { memSize, vcpus: Number(o.vcpus) };
}

export function vmConfigFrom(o: VmOptions, consoleFd: number, defaultLinuxCmdline: string): VmConfig {
  const { memSize, vcpus } = vmShapeFrom(o);
  if (!['auto', 'linux64', 'pvh'].includes(o.boot)) throw new CliError(EXIT.USAGE, `--boot: '${o.boot}' is not one of auto, linux64, pvh`);
  const kernelPath = o.kernel ?? DEMO_GUEST;
  if (o.kernel === undefined && !existsSync(DEMO_GUEST)) {
    throw new CliError(EXIT.NO_INPUT, `The demo guest is not built (${DEMO_GUEST}): run 'npm install' (it needs gcc), or pass --kernel`);
  }
  const kernel = readInput(kernelPath, 'kernel');
  return {
    memSize,
    vcpus,
    kernel,
    kernelName: kernelPath,
    ...(o.initrd !== undefined ? { initrd: readInput(o.initrd, 'initrd') } : {}),
    cmdline: o.cmdline ?? (o.kernel === undefined ? '' : defaultLinuxCmdline),
    boot: o.boot as VmConfig['boot'],
    vmgenid: generationIdFrom(o.vmgenid ?? 'auto'),
    consoleFd,
    consolePrefix: '',
  };
}
