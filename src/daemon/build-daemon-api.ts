// The daemon's HTTP API as a fastify app (routes, validation, the error body, the OpenAPI document), not
// yet listening: daemon.ts puts it on DIR/api.sock, tests drive it with inject(). Read-only views of the
// Resource Manager and of the daemon itself; the RM's own clients speak RM RPC on rm.sock.

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { addOpenApiRoute, createJsonApiApp, type JsonApiApp } from '../api/json-api-app.js';
import { DaemonApiError, type DaemonApiErrorCode } from './daemon-api-error.js';
import { DAEMON_HTTP_STATUS } from './daemon-http-status.js';
import {
  DaemonErrorBodySchema, DaemonStatusSchema, errorResponses, VMID_MAX, VMID_TEXT_PATTERN, VmListSchema, VmParamsSchema, VmSchema,
  type DaemonStatus, type VmView,
} from './daemon-api-schemas.js';

export type DaemonApiApp = JsonApiApp;

/** The API's own version (OpenAPI `info.version`); the path prefix carries its major. */
export const DAEMON_API_VERSION = '1.0.0';
export const DAEMON_API_PREFIX = '/v1';

/** What the API reads; the daemon answers from its Resource Manager and its own state. */
export interface DaemonApiSource {
  vms(): readonly VmView[];
  vm(vmid: number): VmView | undefined;
  status(): DaemonStatus;
}

export interface BuildDaemonApiOptions {
  /** One line per request and the stack of every unexpected error; nothing when absent. */
  readonly log?: (line: string) => void;
}

/** Decimal or 0x-hex text (already matched against VMID_TEXT_PATTERN) → a vmid, refusing one past 16 bits. */
export function parseVmid(text: string): number {
  const n = /^0[xX]/.test(text) ? Number.parseInt(text.slice(2), 16) : Number.parseInt(text, 10);
  if (!Number.isInteger(n) || n < 0 || n > VMID_MAX) {
    throw new DaemonApiError('bad-request', `The vmid ${text} is out of range: vmids are 16-bit (0..${VMID_MAX})`);
  }
  return n;
}

/** A copy with exactly the schema's fields, whatever else the RM's object carries. */
function vmView(v: VmView): VmView {
  return { vmid: v.vmid, owner: v.owner, status: v.status, osStatus: v.osStatus, appStatus: v.appStatus };
}

export function buildDaemonApi(source: DaemonApiSource, opts: BuildDaemonApiOptions = {}): DaemonApiApp {
  const app = createJsonApiApp<DaemonApiErrorCode>({
    title: 'bothy daemon API',
    version: DAEMON_API_VERSION,
    description: 'The HTTP/JSON API of `bothy daemon --dir DIR`, served on the Unix socket DIR/api.sock (mode 0600 in a 0700 DIR). ' +
      'It shows the Resource Manager\'s VMs and the daemon itself; VMs are allocated and driven over RM RPC on DIR/rm.sock. ' +
      'Every error answers with `{ "error": { "code", "message" } }`.',
    tags: [{ name: 'vms', description: "the Resource Manager's VMs" }, { name: 'daemon', description: 'the daemon process' }, { name: 'api', description: 'this document' }],
    errorSchema: DaemonErrorBodySchema,
    ownError: (e) => (e instanceof DaemonApiError ? { code: e.code, message: e.message } : undefined),
    violationMessage: (v, data) =>
      v.keyword === 'pattern' && v.params['pattern'] === VMID_TEXT_PATTERN
        ? `The vmid '${String((data as { vmid?: unknown } | undefined)?.vmid)}' is not a vmid: give it in decimal (128) or 0x-hex (0x80)`
        : undefined,
    status: (w) => DAEMON_HTTP_STATUS[w.code],
    ...(opts.log ? { log: opts.log } : {}),
  });

  void app.register(async (plugin) => {
    const v1 = plugin.withTypeProvider<TypeBoxTypeProvider>();
    v1.get('/vms', {
      schema: {
        operationId: 'listVms',
        summary: "Every VM in the Resource Manager's table",
        tags: ['vms'],
        response: { 200: VmListSchema, ...errorResponses([]) },
      },
    }, async () => ({ vms: source.vms().map(vmView) }));

    v1.get('/vms/:vmid', {
      schema: {
        operationId: 'getVm',
        summary: 'One VM of the Resource Manager, by vmid',
        description: 'Answers 404 (not-found) when the Resource Manager has no VM with that vmid.',
        tags: ['vms'],
        params: VmParamsSchema,
        response: { 200: VmSchema, ...errorResponses(['bad-request', 'not-found']) },
      },
    }, async (req) => {
      const vmid = parseVmid(req.params.vmid);
      const vm = source.vm(vmid);
      if (vm === undefined) {
        throw new DaemonApiError('not-found', `The Resource Manager has no VM ${vmid} (0x${vmid.toString(16)}); GET /v1/vms lists the VMs`);
      }
      return vmView(vm);
    });

    v1.get('/daemon', {
      schema: {
        operationId: 'getDaemon',
        summary: 'The daemon: process id, directory, uptime, RM clients',
        tags: ['daemon'],
        response: { 200: DaemonStatusSchema, ...errorResponses([]) },
      },
    }, async () => source.status());
  }, { prefix: DAEMON_API_PREFIX });

  addOpenApiRoute(app);
  return app;
}
