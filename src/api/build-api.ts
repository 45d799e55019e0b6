// The control API as a fastify app (routes, validation, the error body, the OpenAPI document), not yet
// listening anywhere: api-server.ts puts it on a Unix socket, tests drive it with inject().

import { ActionError, type FwRegErrno } from '../vm/actions.js';
import { httpStatusFor, type ApiErrorCode } from './http-status.js';
import { addOpenApiRoute, createJsonApiApp, type JsonApiApp } from './json-api-app.js';
import { API_PREFIX, vmRoutes, type Perform } from './routes.js';
import { ErrorBodySchema } from './schemas.js';

export type ApiApp = JsonApiApp;

/** The API's own version (OpenAPI `info.version`); the path prefix carries its major. */
export const API_VERSION = '1.0.0';

export interface BuildApiOptions {
  /** One line per request and the stack of every unexpected error; nothing when absent. */
  readonly log?: (line: string) => void;
}

export function buildApi(perform: Perform, opts: BuildApiOptions = {}): ApiApp {
  const app = createJsonApiApp<ApiErrorCode>({
    title: 'bothy VM control API',
    version: API_VERSION,
    description: 'Control of one running bothy VM, served on a Unix socket (`bothy run --api-sock PATH`, driven by `bothy ctl`). ' +
      'Every error answers with `{ "error": { "code", "message" } }`; a firmware-register error (code `fw-reg`) ' +
      "also carries KVM's `errno` (ENOENT, EINVAL or EBUSY), which picks its status (404, 400, 409).",
    tags: [{ name: 'vm', description: 'the running VM' }, { name: 'api', description: 'this document' }],
    errorSchema: ErrorBodySchema,
    // A firmware-register error also carries KVM's errno, which picks its status.
    ownError: (e) => (e instanceof ActionError ? { code: e.code, message: e.message, ...(e.errno !== undefined ? { extra: { errno: e.errno } } : {}) } : undefined),
    status: (w) => httpStatusFor(w.code, w.extra?.['errno'] as FwRegErrno | undefined),
    ...(opts.log ? { log: opts.log } : {}),
  });

  void app.register(vmRoutes, { prefix: API_PREFIX, perform });

  addOpenApiRoute(app);
  return app;
}
