// `bothy run`: boot a VM with the console on stdio and exit with a code that says how the guest ended.

import { Vm } from '../vm/vm.js';
import { describeExit, type VmExitReason } from '../vm/exit-reason.js';
import { DEFAULT_CMDLINE } from '../arch/x86_64/cmdline.js';
import { vmConfigFrom, type VmOptions } from './vm-options.js';
import { exitCodeFor } from './exit-codes.js';

export interface RunOptions extends VmOptions {
  timeout?: string;
  quiet?: boolean;
}

export async function runCommand(o: RunOptions): Promise<number> {
  const cfg = vmConfigFrom(o, 1, DEFAULT_CMDLINE);
  const timeoutS = o.timeout === undefined ? undefined : Number(o.timeout);
  if (timeoutS !== undefined && !(timeoutS > 0)) throw new RangeError(`--timeout: '${o.timeout}' is not a positive number of seconds`);

  const vm = Vm.start(cfg);
  const onSignal = (): void => void vm.stop('signal');
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const watchdog = timeoutS === undefined ? undefined : setTimeout(() => void vm.stop('timeout'), timeoutS * 1000);

  const stdin = process.stdin;
  const onData = (b: Buffer): void => vm.sendConsoleInput(b);
  stdin.on('data', onData);
  stdin.on('error', () => {});

  const reason: VmExitReason = await vm.exited;
  if (watchdog) clearTimeout(watchdog);
  stdin.off('data', onData);
  stdin.pause();
  stdin.unref?.();
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  const code = exitCodeFor(reason);
  if (!o.quiet || code !== 0) process.stderr.write(`bothy: VM ended: ${describeExit(reason)} (exit code ${code})\n`);
  return code;
}
