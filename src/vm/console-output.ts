// Writes guest console bytes to a file descriptor from any thread. The fd may be non-blocking (Node
// puts pipes in O_NONBLOCK), so EAGAIN waits briefly and retries instead of dropping output.

import { writeSync } from 'node:fs';

const nap = new Int32Array(new SharedArrayBuffer(4));

export function writeAllSync(fd: number, bytes: Uint8Array): void {
  let off = 0;
  while (off < bytes.length) {
    try {
      off += writeSync(fd, bytes, off, bytes.length - off);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      Atomics.wait(nap, 0, 0, 1);
    }
  }
}

/** An output sink that prefixes each line (clones label their consoles). */
export function consoleSink(fd: number, prefix = ''): (bytes: Uint8Array) => void {
  if (prefix === '') return (b) => writeAllSync(fd, b);
  const p = new TextEncoder().encode(prefix);
  let atLineStart = true;
  return (b) => {
    const parts: Uint8Array[] = [];
    let start = 0;
    for (let i = 0; i < b.length; i++) {
      if (atLineStart) {
        parts.push(b.subarray(start, i), p);
        start = i;
        atLineStart = false;
      }
      if (b[i] === 0x0a) atLineStart = true;
    }
    parts.push(b.subarray(start));
    for (const part of parts) if (part.length) writeAllSync(fd, part);
  };
}
