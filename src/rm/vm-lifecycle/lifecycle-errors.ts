// RM error codes (gunyah.md §3.4, RM bf31a9a include/rm_types.h `rm_error_t`), as the lifecycle code answers them.
// Kept local so src/rm/rm-error.ts can absorb it later: same names, same numbers.

export const RM_ERROR = {
  OK: 0x0,
  UNIMPLEMENTED: 0xffff_ffff,
  NOMEM: 0x1,
  NORESOURCE: 0x2,
  DENIED: 0x3,
  MSG_INVALID: 0x4,
  BUSY: 0x5,
  ARGUMENT_INVALID: 0x6,
  HANDLE_INVALID: 0x7,
  VALIDATE_FAILED: 0x8,
  MAP_FAILED: 0x9,
  MEM_INVALID: 0xa,
  MEM_INUSE: 0xb,
  MEM_RELEASED: 0xc,
  VMID_INVALID: 0xd,
  LOOKUP_FAILED: 0xe,
  IRQ_INVALID: 0xf,
  IRQ_INUSE: 0x10,
  IRQ_RELEASED: 0x11,
  IN_USE: 0x12,
  IRQ_NOT_MAPPED: 0x13,
  VM_STATE: 0x14,
} as const;

export type RmErrorName = keyof typeof RM_ERROR;
export type RmErrorCode = (typeof RM_ERROR)[RmErrorName];

const NAMES = new Map<number, RmErrorName>(Object.entries(RM_ERROR).map(([name, code]) => [code, name as RmErrorName]));

/** `RM_ERROR_<name>` for a code RM defines, undefined for any other number. */
export function rmErrorName(code: number): RmErrorName | undefined {
  return NAMES.get(code);
}

export function isRmErrorCode(code: number): code is RmErrorCode {
  return NAMES.has(code);
}
