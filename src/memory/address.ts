// Branded numbers for guest addresses and interrupt/port ids, so a port can't be passed where a
// guest-physical address is meant. All fit in a double: bothy's guest memory stays below 2^53.

declare const gpaBrand: unique symbol;
declare const gsiBrand: unique symbol;
declare const portBrand: unique symbol;
declare const vcpuBrand: unique symbol;

export type Gpa = number & { readonly [gpaBrand]: true };
export type Gsi = number & { readonly [gsiBrand]: true };
export type Port = number & { readonly [portBrand]: true };
export type VcpuId = number & { readonly [vcpuBrand]: true };

function check(v: number, max: number, what: string): void {
  if (!Number.isSafeInteger(v) || v < 0 || v > max) throw new RangeError(`${what} ${v} is out of range 0..${max}`);
}

export function gpa(v: number): Gpa {
  check(v, Number.MAX_SAFE_INTEGER, 'guest physical address');
  return v as Gpa;
}
export function gsi(v: number): Gsi {
  check(v, 1023, 'GSI');
  return v as Gsi;
}
export function port(v: number): Port {
  check(v, 0xffff, 'I/O port');
  return v as Port;
}
export function vcpuId(v: number): VcpuId {
  check(v, 4095, 'vCPU id');
  return v as VcpuId;
}

export function hex(v: number | bigint): string {
  return `0x${v.toString(16)}`;
}

export const KiB = 1024;
export const MiB = 1024 * KiB;
export const GiB = 1024 * MiB;
