// Runs a micro-guest in this process (Vm.start) under a watchdog, for tests that need VmConfig options
// the CLI does not spell out, and returns why it stopped with its console text.

import { readFileSync, mkdtempSync, openSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Vm } from '../../src/vm/vm.js';
import type { VmConfig } from '../../src/vm/vm-config.js';
import type { VmExitReason } from '../../src/vm/exit-reason.js';
import { randomUuidV4 } from '../../src/devices/vmgenid/uuid.js';
import { guestElf } from './bothy-process.js';

export interface GuestRun {
  readonly reason: VmExitReason;
  readonly console: string;
}

export async function runGuest(
  name: string,
  opts: { cmdline?: string; vcpus?: number; timeoutMs?: number; hypercalls?: VmConfig['hypercalls'] } = {},
): Promise<GuestRun> {
  const file = join(mkdtempSync(join(tmpdir(), `bothy-${name}-`)), 'console.txt');
  const fd = openSync(file, 'w');
  try {
    const vm = Vm.start({
      memSize: 64 * 2 ** 20, vcpus: opts.vcpus ?? 1, kernel: readFileSync(guestElf(name)), kernelName: name,
      cmdline: opts.cmdline ?? '', boot: 'auto', consoleFd: fd, consolePrefix: '', vmgenid: randomUuidV4(),
      ...(opts.hypercalls ? { hypercalls: opts.hypercalls } : {}),
    });
    const watchdog = setTimeout(() => void vm.stop('timeout'), opts.timeoutMs ?? 60_000);
    const reason = await vm.exited;
    clearTimeout(watchdog);
    return { reason, console: readFileSync(file, 'latin1') };
  } finally {
    closeSync(fd);
  }
}
