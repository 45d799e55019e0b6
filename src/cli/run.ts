// `bothy run`: boot a VM with the console on stdio and exit with a code that says how the guest ended.

import { Vm } from '../vm/vm.js';
import { DEFAULT_CMDLINE } from '../arch/x86_64/cmdline.js';
import { vmConfigFrom, type VmOptions } from './vm-options.js';
import { supervise, parseTimeout } from './supervise.js';
import { serveApi } from './serve-api.js';
import { earlyWorkers } from '../vm/early-workers.js';
import { hypercallOptionsFrom, type HypercallCliOptions } from './hypercall-options.js';

export interface RunOptions extends VmOptions, HypercallCliOptions {
  timeout?: string;
  quiet?: boolean;
  apiSock?: string;
}

export async function runCommand(o: RunOptions): Promise<number> {
  const hypercalls = hypercallOptionsFrom(o);
  const base = vmConfigFrom(o, 1, DEFAULT_CMDLINE);
  const cfg = hypercalls !== undefined ? { ...base, hypercalls } : base;
  const timeoutS = parseTimeout(o.timeout);
  const pool = earlyWorkers.pool;
  const vm = Vm.start(cfg, pool ? { pool } : {});
  await serveApi(vm, o.apiSock);
  return supervise([vm], { ...(timeoutS !== undefined ? { timeoutS } : {}), quiet: o.quiet === true, input: true });
}
