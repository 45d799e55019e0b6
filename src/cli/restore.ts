// `bothy restore DIR` (one VM from a snapshot, console on stdio) and `bothy clone DIR --count N`
// (N VMs from one snapshot in this process, sharing its memory file copy-on-write, consoles prefixed).

import { Vm } from '../vm/vm.js';
import { supervise, parseTimeout } from './supervise.js';
import { CliError } from './cli-error.js';
import { EXIT } from './exit-codes.js';
import { generationIdFrom } from './vm-options.js';
import { serveApi } from './serve-api.js';
import { randomUuidV4 } from '../devices/vmgenid/uuid.js';
import { WorkerPool } from '../vm/worker-pool.js';
import { earlyWorkers } from '../vm/early-workers.js';
import { supportedFrom } from './hypercall-options.js';
import type { ConsoleConfig } from '../vm/vm.js';

export interface RestoreOptions {
  timeout?: string;
  quiet?: boolean;
  vmgenid: string;
  apiSock?: string;
  /** `--mask-hypercalls`, each occurrence. */
  maskHypercalls?: string[];
}

/** A snapshot whose guest was shown a masked service is refused by Vm.restore (SnapshotError 'incompatible'). */
function servicesFrom(o: Pick<RestoreOptions, 'maskHypercalls'>): Pick<ConsoleConfig, 'hypercalls'> {
  const supported = supportedFrom(o.maskHypercalls);
  return supported !== undefined ? { hypercalls: { supported } } : {};
}

export async function restoreCommand(dir: string, o: RestoreOptions): Promise<number> {
  const timeoutS = parseTimeout(o.timeout);
  const services = servicesFrom(o);
  const pool = earlyWorkers.pool;
  const vm = await Vm.restore(dir, { consoleFd: 1, consolePrefix: '', ...(pool ? { pool } : {}), ...services }, generationIdFrom(o.vmgenid));
  await serveApi(vm, o.apiSock);
  return supervise([vm], { ...(timeoutS !== undefined ? { timeoutS } : {}), quiet: o.quiet === true, input: true });
}

export async function cloneCommand(dir: string, o: Omit<RestoreOptions, 'vmgenid' | 'apiSock'> & { count: string }): Promise<number> {
  if (!/^\d+$/.test(o.count) || Number(o.count) < 1) throw new CliError(EXIT.USAGE, `--count: '${o.count}' is not a positive whole number`);
  const n = Number(o.count);
  const timeoutS = parseTimeout(o.timeout);
  const services = servicesFrom(o);
  const vms: Vm[] = [];
  // All vCPU workers start together up front; then each restore only builds its VM.
  const pool = new WorkerPool(n);
  try {
    await pool.ready();
    // Every clone gets its own new generation ID, so no two copies of the guest look alike.
    for (let i = 0; i < n; i++) vms.push(await Vm.restore(dir, { consoleFd: 1, consolePrefix: `[clone ${i}] `, pool, ...services }, randomUuidV4()));
  } catch (e) {
    await Promise.all(vms.map((vm) => vm.stop('user')));
    throw e;
  } finally {
    await pool.close();
  }
  return supervise(vms, {
    ...(timeoutS !== undefined ? { timeoutS } : {}),
    quiet: o.quiet === true,
    input: false,
    labels: vms.map((_, i) => `clone ${i}`),
  });
}
