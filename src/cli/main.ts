#!/usr/bin/env node
// bothy's entry point. For the commands that boot a VM, the first vCPU worker starts before the CLI's
// modules load, so its own start-up (isolate, koffi, modules: ~140 ms) overlaps the main thread's.

import { earlyWorkers } from '../vm/early-workers.js';

if (['run', 'restore'].includes(process.argv[2] ?? '')) earlyWorkers.prestart(1);
const { main } = await import('./cli.js');
process.exitCode = await main(process.argv);
// A worker still loading koffi must not be torn down mid-init (that aborts the process).
await earlyWorkers.close();
// vCPU workers and stdin may still hold the event loop; the outcome is decided.
setImmediate(() => process.exit());
