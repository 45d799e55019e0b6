// The KVM layer's one error class: which operation failed, with the errno and its name.

export const ERRNO_NAMES = {
  1: 'EPERM', 2: 'ENOENT', 4: 'EINTR', 5: 'EIO', 6: 'ENXIO', 7: 'E2BIG', 9: 'EBADF', 11: 'EAGAIN',
  12: 'ENOMEM', 13: 'EACCES', 14: 'EFAULT', 16: 'EBUSY', 17: 'EEXIST', 19: 'ENODEV', 22: 'EINVAL',
  24: 'EMFILE', 25: 'ENOTTY', 28: 'ENOSPC', 38: 'ENOSYS', 95: 'EOPNOTSUPP',
} as const;

export type ErrnoName = (typeof ERRNO_NAMES)[keyof typeof ERRNO_NAMES] | 'EUNKNOWN';

export function errnoName(errno: number): ErrnoName {
  return (ERRNO_NAMES as Record<number, ErrnoName>)[errno] ?? 'EUNKNOWN';
}

export class KvmError extends Error {
  override readonly name = 'KvmError';
  readonly op: string;
  readonly errno: number;
  readonly code: ErrnoName;

  constructor(op: string, errno: number, hint?: string) {
    const code = errnoName(errno);
    super(`${op} failed: ${code} (errno ${errno})${hint ? `: ${hint}` : ''}`);
    this.op = op;
    this.errno = errno;
    this.code = code;
  }
}
