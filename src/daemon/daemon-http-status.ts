// The one table from a daemon API error code to its HTTP status, and what each code means (for the
// OpenAPI document's response descriptions).

import type { DaemonApiErrorCode } from './daemon-api-error.js';

export const DAEMON_HTTP_STATUS = {
  'bad-request': 400,
  'not-found': 404,
  'unknown-route': 404,
  'body-too-large': 413,
  'unsupported-media-type': 415,
  internal: 500,
} as const satisfies Record<DaemonApiErrorCode, number>;

export const DAEMON_API_ERROR_CODES = Object.keys(DAEMON_HTTP_STATUS) as readonly DaemonApiErrorCode[];

export const DAEMON_ERROR_MEANING: Readonly<Record<DaemonApiErrorCode, string>> = {
  'bad-request': 'the request is not what this route takes (the message names what)',
  'not-found': 'the Resource Manager has no VM with that vmid',
  'unknown-route': 'there is no such route',
  'body-too-large': 'the request body is too large',
  'unsupported-media-type': 'the request body is not application/json',
  internal: 'an unexpected failure (the message says what)',
};
