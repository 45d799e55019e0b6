// TypeBox schemas of the daemon's HTTP API (docs/daemon-openapi.json): fastify validates requests and
// serializes responses with them, and @fastify/swagger publishes them.

import { Type, type Static, type TUnsafe } from '@sinclair/typebox';
import type { RmVmView } from '../rm/server/resource-manager.js';
import type { DaemonApiErrorCode } from './daemon-api-error.js';
import { DAEMON_API_ERROR_CODES, DAEMON_ERROR_MEANING, DAEMON_HTTP_STATUS } from './daemon-http-status.js';

/** A vmid in a path: decimal or 0x-hex, as RM and Linux print them (128 or 0x80). */
export const VMID_TEXT_PATTERN = '^(0[xX][0-9a-fA-F]{1,4}|[0-9]{1,5})$';
export const VMID_MAX = 0xffff;

function stringEnum<const T extends readonly string[]>(values: T, options: { description?: string } = {}): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}

export const VmSchema = Type.Object(
  {
    vmid: Type.Integer({ minimum: 0, maximum: VMID_MAX, description: "the VM's RM vmid (0x80.. for dynamically allocated VMs)" }),
    owner: Type.Integer({ minimum: 0, maximum: VMID_MAX, description: 'the vmid of the VM that allocated it (3: HLOS)' }),
    status: Type.String({ description: "the VM's RM status (vm_state_t: NO_STATE, INIT, READY, RUNNING, …)" }),
    osStatus: Type.String({ description: "what the guest OS last reported (os_state: NONE, EARLY_BOOT, BOOT, …)" }),
    appStatus: Type.Integer({ minimum: 0, maximum: 0xffff, description: 'the 16-bit application status the guest last reported' }),
  },
  { additionalProperties: false, description: 'A VM in the Resource Manager\'s table' },
);

export const VmListSchema = Type.Object(
  { vms: Type.Array(VmSchema, { description: 'every VM the Resource Manager knows, by vmid' }) },
  { additionalProperties: false, description: "The Resource Manager's VMs" },
);

export const VmParamsSchema = Type.Object(
  { vmid: Type.String({ pattern: VMID_TEXT_PATTERN, description: 'the vmid, decimal or 0x-hex (128 or 0x80), at most 65535' }) },
  { additionalProperties: false },
);

export const DaemonStatusSchema = Type.Object(
  {
    pid: Type.Integer({ minimum: 1, description: "the daemon's process id" }),
    dir: Type.String({ description: 'the absolute path of the directory holding rm.sock and api.sock' }),
    uptimeSeconds: Type.Number({ minimum: 0, description: 'seconds since the daemon started serving' }),
    clients: Type.Integer({ minimum: 0, description: 'connections open on rm.sock now' }),
    vms: Type.Integer({ minimum: 0, description: 'VMs in the Resource Manager\'s table now' }),
  },
  { additionalProperties: false, description: 'The daemon serving this API' },
);

export const DaemonErrorBodySchema = Type.Object(
  {
    error: Type.Object(
      {
        code: stringEnum(DAEMON_API_ERROR_CODES),
        message: Type.String({ description: 'what was wrong and what to do' }),
      },
      { additionalProperties: false },
    ),
  },
  { $id: 'ApiError', additionalProperties: false, description: 'The body of every error response' },
);

/** The error responses of a route that can fail with `codes` (and always 'internal'), grouped by status. */
export function errorResponses(codes: readonly DaemonApiErrorCode[]): Record<number, TUnsafe<DaemonErrorBody>> {
  const byStatus = new Map<number, string[]>();
  for (const code of [...codes, 'internal' as const]) {
    const status = DAEMON_HTTP_STATUS[code];
    const list = byStatus.get(status) ?? [];
    const line = `${code}: ${DAEMON_ERROR_MEANING[code]}`;
    if (!list.includes(line)) list.push(line);
    byStatus.set(status, list);
  }
  return Object.fromEntries([...byStatus].map(([status, list]) => [
    status,
    Type.Unsafe<DaemonErrorBody>({ $ref: 'ApiError#', description: list.join('; ') }),
  ]));
}

export type VmView = Static<typeof VmSchema>;
export type DaemonStatus = Static<typeof DaemonStatusSchema>;
export type DaemonErrorBody = Static<typeof DaemonErrorBodySchema>;

// The wire schema and the RM's own view must not drift apart.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const vmMatches: Same<VmView, RmVmView> = true;
void vmMatches;
