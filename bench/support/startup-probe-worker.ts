// Worker of bench/support/startup-probe.ts: imports the modules it is given (the vCPU worker's imports)
// and reports when loading finished, in epoch milliseconds.

import { parentPort, workerData } from 'node:worker_threads';

await Promise.all((workerData as string[]).map((m) => import(m)));
parentPort!.postMessage(performance.timeOrigin + performance.now());
