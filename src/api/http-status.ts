// The one table from an API error code to its HTTP status. Action errors keep their codes on the wire;
// the rest are the HTTP layer's own (a route that does not exist, a body that is not JSON).

import type { ActionErrorCode } from '../vm/actions.js';

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
} as const satisfies Record<ApiErrorCode, number>;

export const API_ERROR_CODES = Object.keys(HTTP_STATUS) as readonly ApiErrorCode[];

export function httpStatusFor(code: ApiErrorCode): number {
  return HTTP_STATUS[code];
}
