// The Linux _IOC ioctl request encoding (include/uapi/asm-generic/ioctl.h): dir:2 | size:14 | type:8 | nr:8.

export const _IOC_NONE = 0;
export const _IOC_WRITE = 1;
export const _IOC_READ = 2;

export function _IOC(dir: number, type: number, nr: number, size: number): number {
  if (size < 0 || size >= 1 << 14) throw new RangeError(`ioctl size ${size} does not fit in 14 bits`);
  return ((dir << 30) | (size << 16) | (type << 8) | nr) >>> 0;
}
export const _IO = (type: number, nr: number): number => _IOC(_IOC_NONE, type, nr, 0);
export const _IOR = (type: number, nr: number, size: number): number => _IOC(_IOC_READ, type, nr, size);
export const _IOW = (type: number, nr: number, size: number): number => _IOC(_IOC_WRITE, type, nr, size);
export const _IOWR = (type: number, nr: number, size: number): number => _IOC(_IOC_READ | _IOC_WRITE, type, nr, size);
