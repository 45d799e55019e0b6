// The only native surface bothy uses: a handful of libc calls through koffi (open, ioctl, mmap,
// memfd, thread ids and signals). Every struct is laid out in TypeScript; this file passes bytes.

import koffi from 'koffi';
import { getEnvironmentData, setEnvironmentData, isMainThread } from 'node:worker_threads';

/**
 * koffi's library loading and function declarations are not safe to run in two threads at once
 * (koffi issue #190: random aborts when the main thread and workers load the same library; seen here as
 * SIGABRT in a pool worker's declarations during a burst of restores). Every thread declares under one
 * process-wide lock; the main thread creates it before any worker exists.
 */
const INIT_LOCK_KEY = 'bothy.koffi-init-lock';
function initLock(): Int32Array | undefined {
  let sab = getEnvironmentData(INIT_LOCK_KEY) as SharedArrayBuffer | undefined;
  if (sab === undefined && isMainThread) {
    sab = new SharedArrayBuffer(4);
    setEnvironmentData(INIT_LOCK_KEY, sab);
  }
  // A worker started before the main thread loaded this module has no lock to share: it declares alone.
  return sab && new Int32Array(sab);
}
function declareUnderLock<T>(declare: () => T): T {
  const lock = initLock();
  if (!lock) return declare();
  while (Atomics.compareExchange(lock, 0, 0, 1) !== 0) Atomics.wait(lock, 0, 1, 10);
  try {
    return declare();
  } finally {
    Atomics.store(lock, 0, 0);
    Atomics.notify(lock, 0);
  }
}

const c = declareUnderLock(() => {
  const lib = koffi.load('libc.so.6');
  return {
      open: lib.func('int open(const char *path, int flags)'),
      close: lib.func('int close(int fd)'),
      ioctlPtr: lib.func('ioctl', 'int', ['int', 'unsigned long', 'void *']),
      ioctlInt: lib.func('ioctl', 'int', ['int', 'unsigned long', 'unsigned long']),
      mmap: lib.func('mmap', 'uint64_t', ['void *', 'size_t', 'int', 'int', 'int', 'int64_t']),
      mmapAt: lib.func('mmap', 'uint64_t', ['uint64_t', 'size_t', 'int', 'int', 'int', 'int64_t']),
      munmap: lib.func('munmap', 'int', ['uint64_t', 'size_t']),
      memfdCreate: lib.func('int memfd_create(const char *name, unsigned int flags)'),
      ftruncate: lib.func('int ftruncate(int fd, int64_t length)'),
      gettid: lib.func('int gettid(void)'),
      getpid: lib.func('int getpid(void)'),
      tgkill: lib.func('int tgkill(int tgid, int tid, int sig)'),
      strerror: lib.func('const char *strerror(int errnum)'),
  };
});

export const O_RDONLY = 0;
export const O_RDWR = 0o2;
export const O_CLOEXEC = 0o2000000;
export const PROT_READ = 1;
export const PROT_WRITE = 2;
export const MAP_SHARED = 0x01;
export const MAP_PRIVATE = 0x02;
export const MAP_ANONYMOUS = 0x20;
export const MAP_FIXED = 0x10;
export const MAP_NORESERVE = 0x4000;
export const MFD_CLOEXEC = 1;
export const MAP_FAILED = 0xffff_ffff_ffff_ffffn;


export function errno(): number {
  return koffi.errno();
}

export function strerror(e: number): string {
  return c.strerror(e) as string;
}

/** Each returns the raw result; -1 means look at errno(). Callers wrap failures in their layer's error. */
export const libc = {
  open: (path: string, flags: number): number => c.open(path, flags) as number,
  close: (fd: number): number => c.close(fd) as number,
  ioctl: (fd: number, req: number, arg: Uint8Array | number): number =>
    (typeof arg === 'number' ? c.ioctlInt(fd, req, arg) : c.ioctlPtr(fd, req, arg)) as number,
  mmap: (len: number, prot: number, flags: number, fd: number, offset = 0): bigint =>
    BigInt(c.mmap(null, len, prot, flags, fd, offset) as bigint | number),
  /** mmap with MAP_FIXED at `addr`, replacing whatever was mapped there. */
  mmapFixed: (addr: bigint, len: number, prot: number, flags: number, fd: number, offset = 0): bigint =>
    BigInt(c.mmapAt(addr, len, prot, flags | MAP_FIXED, fd, offset) as bigint | number),
  munmap: (addr: bigint, len: number): number => c.munmap(addr, len) as number,
  memfdCreate: (name: string, flags: number): number => c.memfdCreate(name, flags) as number,
  ftruncate: (fd: number, len: number): number => c.ftruncate(fd, len) as number,
  gettid: (): number => c.gettid() as number,
  getpid: (): number => c.getpid() as number,
  tgkill: (tgid: number, tid: number, sig: number): number => c.tgkill(tgid, tid, sig) as number,
};

/**
 * A byte view of mapped memory. The mapping must outlive the view: unmapping under a live view
 * crashes the process (koffi views are never freed by the GC), so only unmap at teardown.
 */
export function viewOf(addr: bigint, len: number): Uint8Array {
  return new Uint8Array(koffi.view(addr, len) as ArrayBuffer);
}
