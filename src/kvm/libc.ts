// The only native surface bothy uses: a handful of libc calls through koffi (open, ioctl, mmap,
// memfd, thread ids and signals). Every struct is laid out in TypeScript; this file passes bytes.

import koffi from 'koffi';
import { underFfiInitLock } from './ffi-init-lock.js';

const c = underFfiInitLock(() => {
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
      clockGettime: lib.func('clock_gettime', 'int', ['int', 'void *']),
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
export const CLOCK_REALTIME = 0;


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
  /** clock_gettime into a 16-byte struct timespec (tv_sec, tv_nsec as little-endian i64). */
  clockGettime: (clock: number, ts: Uint8Array): number => c.clockGettime(clock, ts) as number,
};

const timespec = new Uint8Array(16);
const timespecView = new DataView(timespec.buffer);
/** CLOCK_REALTIME in nanoseconds (Date.now() has only milliseconds; PTP pairs the wall clock with a counter). */
export function realtimeNs(): bigint {
  if (libc.clockGettime(CLOCK_REALTIME, timespec) !== 0) return BigInt(Date.now()) * 1_000_000n;
  return timespecView.getBigInt64(0, true) * 1_000_000_000n + timespecView.getBigInt64(8, true);
}

/**
 * A byte view of mapped memory. The mapping must outlive the view: unmapping under a live view
 * crashes the process (koffi views are never freed by the GC), so only unmap at teardown.
 */
export function viewOf(addr: bigint, len: number): Uint8Array {
  return new Uint8Array(koffi.view(addr, len) as ArrayBuffer);
}
