// Throws a KvmError when a libc call returned -1, naming the operation and what to do about it.

import { errno } from './libc.js';
import { KvmError } from './kvm-error.js';

export function check(op: string, ret: number, hint?: (errno: number) => string | undefined): number {
  if (ret < 0) {
    const e = errno();
    throw new KvmError(op, e, hint?.(e));
  }
  return ret;
}
