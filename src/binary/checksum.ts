// Checksums used by firmware tables and snapshot files.

/** The byte that makes the 8-bit sum of `bytes` zero (ACPI 6.5 §5.2.5.3, §5.2.6). */
export function checksum8(bytes: Uint8Array): number {
  let sum = 0;
  for (const b of bytes) sum = (sum + b) & 0xff;
  return (0x100 - sum) & 0xff;
}

/** 8-bit sum of `bytes` (0 for a table whose checksum is right). */
export function sum8(bytes: Uint8Array): number {
  let sum = 0;
  for (const b of bytes) sum = (sum + b) & 0xff;
  return sum;
}
