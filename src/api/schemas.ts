// TypeBox schemas for the control API's requests and responses: fastify validates requests and
// serializes responses with them, and @fastify/swagger publishes them as the OpenAPI document.

import { Type, type Static, type TUnsafe } from '@sinclair/typebox';
import type { VmStatus } from '../vm/actions.js';
import { API_ERROR_CODES } from './http-status.js';

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

/** An error response for one status, by reference to the shared ErrorBodySchema (added with addSchema). */
export function errorResponse(description: string): TUnsafe<ErrorBody> {
  return Type.Unsafe<ErrorBody>({ $ref: 'ApiError#', description });
}

export const NoContentSchema = Type.Null({ description: 'Done' });

export type StateBody = Static<typeof StateBodySchema>;
export type SnapshotBody = Static<typeof SnapshotBodySchema>;
export type ErrorBody = Static<typeof ErrorBodySchema>;

// The wire schema and the VM's own type must not drift apart.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const vmStatusMatches: Same<Static<typeof VmStatusSchema>, VmStatus> = true;
void vmStatusMatches;
