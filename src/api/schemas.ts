// TypeBox schemas for the control API's requests and responses: fastify validates requests and
// serializes responses with them, and @fastify/swagger publishes them as the OpenAPI document.

import { Type, type Static, type TUnsafe } from '@sinclair/typebox';
import type { VmStatus } from '../vm/actions.js';
import { API_ERROR_CODES, httpStatusFor, type ApiErrorCode } from './http-status.js';

/**
 * A string from a fixed set, as a plain JSON Schema `enum`: TypeBox's union of literals becomes an
 * `anyOf` whose validation errors name every branch instead of the allowed values.
 */
function stringEnum<const T extends readonly string[]>(values: T, options: { description?: string } = {}): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}

/** The only `pattern` in the API; the error formatter recognises it to say "must be an absolute path". */
export const ABSOLUTE_PATH_PATTERN = '^/';

export const VmStatusSchema = Type.Object(
  {
    state: stringEnum(['running', 'paused', 'stopped'] as const),
    vcpus: Type.Integer({ minimum: 1, description: 'number of vCPUs' }),
    memSize: Type.Integer({ minimum: 0, description: 'guest memory in bytes' }),
    kernel: Type.String({ description: 'the kernel image the VM booted' }),
    cmdline: Type.String({ description: 'the kernel command line' }),
  },
  { additionalProperties: false, description: 'What the VM is and whether it runs' },
);

export const StateBodySchema = Type.Object(
  { state: stringEnum(['paused', 'running'] as const, { description: 'paused parks every vCPU; running resumes them' }) },
  { additionalProperties: false },
);

export const SnapshotBodySchema = Type.Object(
  {
    dir: Type.String({
      minLength: 1,
      pattern: ABSOLUTE_PATH_PATTERN,
      description: "absolute path of a directory that does not exist yet (or is empty), on the VMM's host; it receives `state` and `memory`",
    }),
  },
  { additionalProperties: false },
);

export const VmgenidSchema = Type.Object(
  { uuid: Type.String({ format: 'uuid', description: 'the VM Generation ID the guest sees' }) },
  { additionalProperties: false, description: "The VM's Generation ID" },
);

export const ErrorBodySchema = Type.Object(
  {
    error: Type.Object(
      {
        code: stringEnum(API_ERROR_CODES),
        message: Type.String({ description: 'what was wrong and what to do' }),
      },
      { additionalProperties: false },
    ),
  },
  { $id: 'ApiError', additionalProperties: false, description: 'The body of every error response' },
);

/** What each error code means, for the OpenAPI document's response descriptions. */
const ERROR_MEANING: Record<ApiErrorCode, string> = {
  'bad-request': 'the request is not what this route takes (the message names the field)',
  'not-found': 'the VM has no such device',
  'unknown-route': 'there is no such route',
  'bad-state': 'the VM is in a state that does not allow this (it has stopped)',
  'snapshot-exists': 'the snapshot directory exists and is not empty',
  'body-too-large': 'the request body is too large',
  'unsupported-media-type': 'the request body is not application/json',
  'snapshot-failed': 'the snapshot could not be written (the message says why)',
  internal: 'an unexpected failure (the message says what)',
  'no-space': 'the disk filled up while writing the snapshot',
};

/**
 * The error responses of a route that can fail with `codes`, grouped by their status in the one table,
 * each by reference to the shared ErrorBodySchema (added to the app with addSchema).
 */
export function errorResponses(codes: readonly ApiErrorCode[]): Record<number, TUnsafe<ErrorBody>> {
  const byStatus = new Map<number, ApiErrorCode[]>();
  for (const code of [...codes, 'internal' as const]) {
    const status = httpStatusFor(code);
    const list = byStatus.get(status) ?? [];
    if (!list.includes(code)) list.push(code);
    byStatus.set(status, list);
  }
  return Object.fromEntries([...byStatus].map(([status, list]) => [
    status,
    Type.Unsafe<ErrorBody>({ $ref: 'ApiError#', description: list.map((c) => `${c}: ${ERROR_MEANING[c]}`).join('; ') }),
  ]));
}

export const NoContentSchema = Type.Null({ description: 'Done' });

export type StateBody = Static<typeof StateBodySchema>;
export type SnapshotBody = Static<typeof SnapshotBodySchema>;
export type ErrorBody = Static<typeof ErrorBodySchema>;

// The wire schema and the VM's own type must not drift apart.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const vmStatusMatches: Same<Static<typeof VmStatusSchema>, VmStatus> = true;
void vmStatusMatches;
