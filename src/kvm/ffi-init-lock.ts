// The process-wide lock under which every thread loads koffi libraries and declares functions: koffi's
// declarations are not safe in two threads at once (koffi issue #190: random aborts when the main thread
// and workers load the same library). The main thread creates it before any worker exists.

import { getEnvironmentData, setEnvironmentData, isMainThread } from 'node:worker_threads';

const KEY = 'bothy.koffi-init-lock';

/** The lock word, or undefined in a worker started before the main thread made one (it then declares alone). */
export function ffiInitLock(): Int32Array | undefined {
  let sab = getEnvironmentData(KEY) as SharedArrayBuffer | undefined;
  if (sab === undefined && isMainThread) {
    sab = new SharedArrayBuffer(4);
    setEnvironmentData(KEY, sab);
  }
  return sab && new Int32Array(sab);
}

export function underFfiInitLock<T>(declare: () => T): T {
  const lock = ffiInitLock();
  if (!lock) return declare();
  while (Atomics.compareExchange(lock, 0, 0, 1) !== 0) Atomics.wait(lock, 0, 1, 10);
  try {
    return declare();
  } finally {
    Atomics.store(lock, 0, 0);
    Atomics.notify(lock, 0);
  }
}
