// Resource Manager error codes (RM include/rm-rpc.h, rm_types.h; gunyah.md §3.4), the Linux errno each maps to
// (`gunyah_rm_error_remap`), and RmError: host-side misuse of the RM codecs, carrying the RM code a server answers.

import { CodedError } from '../binary/coded-error.js';

/** RM error codes as RM names them (RM renamed Linux's INVALID to MSG_INVALID in 2021). */
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

const NAME_BY_CODE: ReadonlyMap<number, RmErrorName> = new Map(
  (Object.entries(RM_ERROR) as [RmErrorName, number][]).map(([name, code]) => [code, name]),
);

/** The RM name of a wire error code, or undefined for a code RM never sends. */
export function rmErrorName(code: number): RmErrorName | undefined {
  return NAME_BY_CODE.get(code);
}

export function isRmErrorCode(code: number): code is RmErrorCode {
  return NAME_BY_CODE.has(code);
}

/** "MSG_INVALID (0x4)" for logs and messages; unknown codes are shown in hex. */
export function describeRmError(code: number): string {
  const name = rmErrorName(code);
  const hex = `0x${(code >>> 0).toString(16)}`;
  return name === undefined ? `unknown RM error ${hex}` : `${name} (${hex})`;
}

/** The errno values `gunyah_rm_error_remap` uses (asm-generic numbering, as on arm64). */
export const LINUX_ERRNO = {
  EPERM: 1,
  ENOMEM: 12,
  EBUSY: 16,
  ENODEV: 19,
  EINVAL: 22,
  EBADMSG: 74,
  EOPNOTSUPP: 95,
} as const;

export type LinuxErrnoName = keyof typeof LINUX_ERRNO;

/** How Linux names and remaps each RM code; RM-only codes fall into Linux's default case (-EBADMSG). */
export const RM_ERROR_LINUX: { readonly [N in RmErrorName]: { readonly linuxName: string | undefined; readonly errno: LinuxErrnoName | 'OK' } } = {
  OK: { linuxName: 'OK', errno: 'OK' },
  UNIMPLEMENTED: { linuxName: 'UNIMPLEMENTED', errno: 'EOPNOTSUPP' },
  NOMEM: { linuxName: 'NOMEM', errno: 'ENOMEM' },
  NORESOURCE: { linuxName: 'NORESOURCE', errno: 'ENODEV' },
  DENIED: { linuxName: 'DENIED', errno: 'EPERM' },
  MSG_INVALID: { linuxName: 'INVALID', errno: 'EINVAL' },
  BUSY: { linuxName: 'BUSY', errno: 'EBUSY' },
  ARGUMENT_INVALID: { linuxName: 'ARGUMENT_INVALID', errno: 'EINVAL' },
  HANDLE_INVALID: { linuxName: 'HANDLE_INVALID', errno: 'EINVAL' },
  VALIDATE_FAILED: { linuxName: 'VALIDATE_FAILED', errno: 'EINVAL' },
  MAP_FAILED: { linuxName: 'MAP_FAILED', errno: 'EINVAL' },
  MEM_INVALID: { linuxName: 'MEM_INVALID', errno: 'EINVAL' },
  MEM_INUSE: { linuxName: 'MEM_INUSE', errno: 'EINVAL' },
  MEM_RELEASED: { linuxName: 'MEM_RELEASED', errno: 'EINVAL' },
  VMID_INVALID: { linuxName: 'VMID_INVALID', errno: 'EINVAL' },
  LOOKUP_FAILED: { linuxName: 'LOOKUP_FAILED', errno: 'EINVAL' },
  IRQ_INVALID: { linuxName: 'IRQ_INVALID', errno: 'EINVAL' },
  IRQ_INUSE: { linuxName: 'IRQ_INUSE', errno: 'EINVAL' },
  IRQ_RELEASED: { linuxName: 'IRQ_RELEASED', errno: 'EINVAL' },
  IN_USE: { linuxName: undefined, errno: 'EBADMSG' },
  IRQ_NOT_MAPPED: { linuxName: undefined, errno: 'EBADMSG' },
  VM_STATE: { linuxName: undefined, errno: 'EBADMSG' },
};

/** What a v9+/ACK14/v17 kernel returns for an RM code: 0 or a negative errno (unknown codes: -EBADMSG). */
export function linuxErrnoForRmError(code: number): number {
  const name = rmErrorName(code);
  const errno = name === undefined ? 'EBADMSG' : RM_ERROR_LINUX[name].errno;
  return errno === 'OK' ? 0 : -LINUX_ERRNO[errno];
}

export type RmErrorKind =
  /** A message body larger than the transport carries (RM_RPC_MAX_MSG_SIZE, or the Linux send limit). */
  | 'MESSAGE_TOO_LARGE'
  /** A field value that does not fit its wire field, or a message type the transport cannot carry. */
  | 'INVALID_FIELD'
  /** An id with no entry in the message catalogue. */
  | 'UNKNOWN_MESSAGE_ID';

/** Host-side misuse of the RM wire codecs. Guest input never raises it: decoders return results instead. */
export class RmError extends CodedError<RmErrorKind> {
  override readonly name = 'RmError';
  /** The RM error a server would put on the wire for this failure. */
  readonly rmCode: RmErrorCode;

  constructor(code: RmErrorKind, rmCode: RmErrorCode, message: string, options?: ErrorOptions) {
    super(code, message, options);
    this.rmCode = rmCode;
  }
}
