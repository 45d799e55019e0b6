// What a Node worker thread costs in memory: the RSS this process gains while `n` workers are alive and
// have each sent their first message (isolate, its heap, the thread's stack), divided by n.

import { Worker } from 'node:worker_threads';
import { procMemory, type ProcMemory } from './proc-memory.js';

/** Stays alive (listening on its port) after telling the parent it is up. */
const EMPTY_WORKER = "const { parentPort } = require('node:worker_threads'); parentPort.on('message', () => {}); parentPort.postMessage('up');";

export type RssFields = Pick<ProcMemory, 'VmRSS' | 'RssAnon' | 'RssFile' | 'RssShmem'>;

export function rssDelta(before: ProcMemory, after: ProcMemory, per = 1): RssFields {
  return {
    VmRSS: (after.VmRSS - before.VmRSS) / per,
    RssAnon: (after.RssAnon - before.RssAnon) / per,
    RssFile: (after.RssFile - before.RssFile) / per,
    RssShmem: (after.RssShmem - before.RssShmem) / per,
  };
}

/** Kilobytes of RSS per empty worker (no modules loaded beyond node's own bootstrap), n alive at once. */
export async function emptyWorkerRss(n: number): Promise<RssFields> {
  const before = procMemory(process.pid, 0);
  const workers = await Promise.all(Array.from({ length: n }, () => new Promise<Worker>((resolve, reject) => {
    const w = new Worker(EMPTY_WORKER, { eval: true });
    w.once('message', () => resolve(w));
    w.once('error', reject);
  })));
  const after = procMemory(process.pid, 0);
  await Promise.all(workers.map((w) => w.terminate()));
  return rssDelta(before, after, n);
}
