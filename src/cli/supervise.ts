// Watches one or more VMs in the foreground: Ctrl-C/SIGTERM stop them, an optional watchdog stops
// them, console input goes to the first, and how each ended is reported on stderr.

import type { Command } from 'commander';
import type { Vm } from '../vm/vm.js';
import { describeExit, type VmExitReason } from '../vm/exit-reason.js';
import { exitCodeFor } from './exit-codes.js';

export interface SuperviseOptions {
  readonly timeoutS?: number;
  readonly quiet?: boolean;
  /** Forward stdin to the first VM's console. */
  readonly input: boolean;
  /** Labels for the exit lines when there are several VMs. */
  readonly labels?: readonly string[];
}

/** --timeout and --quiet, which every command that runs VMs in the foreground takes. */
export function addSuperviseOptions(cmd: Command): Command {
  return cmd
    .option('--timeout <seconds>', 'stop the VM(s) after this long (a watchdog)')
    .option('--quiet', 'do not print how a VM ended when it ended cleanly');
}

export function parseTimeout(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const s = Number(text);
  if (!(s > 0)) throw new RangeError(`--timeout: '${text}' is not a positive number of seconds`);
  return s;
}

/** Resolves with the process exit code: the first non-zero VM code, else 0. */
export async function supervise(vms: readonly Vm[], o: SuperviseOptions): Promise<number> {
  const stopAll = (by: 'signal' | 'timeout'): void => {
    for (const vm of vms) void vm.stop(by);
  };
  const onSignal = (): void => stopAll('signal');
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const watchdog = o.timeoutS === undefined ? undefined : setTimeout(() => stopAll('timeout'), o.timeoutS * 1000);
  const first = vms[0];
  const onData = (b: Buffer): void => first?.sendConsoleInput(b);
  if (o.input && first) {
    process.stdin.on('data', onData);
    process.stdin.on('error', () => {});
  }

  const reasons: VmExitReason[] = await Promise.all(vms.map((vm) => vm.exited));

  if (watchdog) clearTimeout(watchdog);
  if (o.input) {
    process.stdin.off('data', onData);
    process.stdin.pause();
  }
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  let code = 0;
  reasons.forEach((r, i) => {
    const c = exitCodeFor(r);
    if (code === 0) code = c;
    if (!o.quiet || c !== 0) {
      const who = o.labels?.[i] ? `${o.labels[i]}: ` : '';
      process.stderr.write(`bothy: ${who}VM ended: ${describeExit(r)} (exit code ${c})\n`);
    }
  });
  return code;
}
