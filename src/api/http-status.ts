// The one table from an API error code to its HTTP status. Action errors keep their codes on the wire;
// the rest are the HTTP layer's own (a route that does not exist, a body that is not JSON).

import type { ActionErrorCode, FwRegErrno } from '../vm/actions.js';

export type ApiErrorCode = ActionErrorCode | 'unknown-route' | 'unsupported-media-type' | 'body-too-large' | 'internal';

export const HTTP_STATUS = {
  'bad-request': 400,
  'not-found': 404,
  'unknown-route': 404,
  'bad-state': 409,
  'snapshot-exists': 409,
  'body-too-large': 413,
  'unsupported-media-type': 415,
  'snapshot-failed': 500,
  internal: 500,
  // RFC 4918 §11.5 Insufficient Storage: the snapshot did not fit on the host's disk.
  'no-space': 507,
  // KVM's errno decides (fw-pseudo-registers.rst): no such register, a value KVM refuses, a bitmap change
  // after the VM has run — the last is a conflict with the VM's state, as bad-state is.
  'fw-reg': { ENOENT: 404, EINVAL: 400, EBUSY: 409 },
} as const satisfies Record<ApiErrorCode, number | Readonly<Record<FwRegErrno, number>>>;

export const API_ERROR_CODES = Object.keys(HTTP_STATUS) as readonly ApiErrorCode[];

/** `errno` picks the status of a 'fw-reg' error; one without it is treated as KVM's EINVAL (a bad request). */
export function httpStatusFor(code: ApiErrorCode, errno?: FwRegErrno): number {
  const s = HTTP_STATUS[code];
  return typeof s === 'number' ? s : s[errno ?? 'EINVAL'];
}
