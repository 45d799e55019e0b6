// TypeBox schemas for the control API's requests and responses: fastify validates requests and
// serializes responses with them, and @fastify/swagger publishes them as the OpenAPI document.

import { Type, type Static, type TUnsafe } from '@sinclair/typebox';
import { FW_REG_ERRNOS, FW_REG_SHORT_NAMES, type FwRegView, type VmStatus } from '../vm/actions.js';
import { API_ERROR_CODES, HTTP_STATUS, type ApiErrorCode } from './http-status.js';

/**
 * A string from a fixed set, as a plain JSON Schema `enum`: TypeBox's union of literals becomes an
 * `anyOf` whose validation errors name every branch instead of the allowed values.
 */
function stringEnum<const T extends readonly string[]>(values: T, options: { description?: string } = {}): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}

/** The error formatter recognises the API's patterns by value to say what they mean in words. */
export const ABSOLUTE_PATH_PATTERN = '^/';
export const U64_TEXT_PATTERN = '^(0[xX][0-9a-fA-F]+|[0-9]+)$';

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

export const FwRegSchema = Type.Object(
  {
    id: Type.String({ description: 'the KVM ONE_REG id, 16 hex digits (0x6030000000140000)' }),
    name: Type.String({ description: "KVM's name for the register (KVM_REG_ARM_PSCI_VERSION)" }),
    value: Type.String({ description: 'what KVM_GET_ONE_REG reads now, 0x-hex' }),
  },
  { additionalProperties: false, description: 'A firmware pseudo-register (KVM/arm64 semantics)' },
);

export const FwRegListSchema = Type.Object(
  { regs: Type.Array(FwRegSchema, { description: 'every firmware pseudo-register, in KVM_GET_REG_LIST order' }) },
  { additionalProperties: false, description: "The VM's firmware pseudo-registers" },
);

export const FwRegParamsSchema = Type.Object(
  {
    reg: Type.String({
      minLength: 1,
      description: `the register: its 0x-hex id, KVM's name, or a short name (${FW_REG_SHORT_NAMES.join(', ')}), any case`,
    }),
  },
  { additionalProperties: false },
);

export const FwRegSetBodySchema = Type.Object(
  { value: Type.String({ pattern: U64_TEXT_PATTERN, description: 'the u64 to write, decimal or 0x-hex' }) },
  { additionalProperties: false },
);

export const ErrorBodySchema = Type.Object(
  {
    error: Type.Object(
      {
        code: stringEnum(API_ERROR_CODES),
        message: Type.String({ description: 'what was wrong and what to do' }),
        errno: Type.Optional(stringEnum(FW_REG_ERRNOS, { description: "code fw-reg only: KVM's errno for the register access" })),
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
  'fw-reg': 'the firmware-register access failed as KVM would fail it (errno below)',
};

/** What each errno of a fw-reg error means (fw-pseudo-registers.rst). */
const ERRNO_MEANING: Record<(typeof FW_REG_ERRNOS)[number], string> = {
  ENOENT: 'no such firmware register',
  EINVAL: 'a value KVM refuses for this register',
  EBUSY: 'a bitmap change after the VM has run',
};

/**
 * The error responses of a route that can fail with `codes`, grouped by their status in the one table,
 * each by reference to the shared ErrorBodySchema (added to the app with addSchema).
 */
export function errorResponses(codes: readonly ApiErrorCode[]): Record<number, TUnsafe<ErrorBody>> {
  const byStatus = new Map<number, string[]>();
  const add = (status: number, line: string): void => {
    const list = byStatus.get(status) ?? [];
    if (!list.includes(line)) list.push(line);
    byStatus.set(status, list);
  };
  for (const code of [...codes, 'internal' as const]) {
    const s = HTTP_STATUS[code];
    if (typeof s === 'number') add(s, `${code}: ${ERROR_MEANING[code]}`);
    else for (const errno of FW_REG_ERRNOS) add(s[errno], `${code} (errno ${errno}): ${ERRNO_MEANING[errno]}`);
  }
  return Object.fromEntries([...byStatus].map(([status, list]) => [
    status,
    Type.Unsafe<ErrorBody>({ $ref: 'ApiError#', description: list.join('; ') }),
  ]));
}

export const NoContentSchema = Type.Null({ description: 'Done' });

export type StateBody = Static<typeof StateBodySchema>;
export type SnapshotBody = Static<typeof SnapshotBodySchema>;
export type FwRegSetBody = Static<typeof FwRegSetBodySchema>;
export type ErrorBody = Static<typeof ErrorBodySchema>;

// The wire schema and the VM's own type must not drift apart.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const vmStatusMatches: Same<Static<typeof VmStatusSchema>, VmStatus> = true;
void vmStatusMatches;
const fwRegMatches: Same<Static<typeof FwRegSchema>, FwRegView> = true;
void fwRegMatches;
