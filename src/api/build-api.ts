// The control API as a fastify app (routes, validation, the error body, the OpenAPI document), not yet
// listening anywhere: api-server.ts puts it on a Unix socket, tests drive it with inject().

import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { ActionError, type FwRegErrno } from '../vm/actions.js';
import { httpStatusFor, type ApiErrorCode } from './http-status.js';
import { describeViolation, type SchemaViolation } from './validation-message.js';
import { API_PREFIX, vmRoutes, type Perform } from './routes.js';
import { ErrorBodySchema, type ErrorBody } from './schemas.js';

export type ApiApp = FastifyInstance<Server, IncomingMessage, ServerResponse, FastifyBaseLogger, TypeBoxTypeProvider>;

/** The API's own version (OpenAPI `info.version`); the path prefix carries its major. */
export const API_VERSION = '1.0.0';

export interface BuildApiOptions {
  /** One line per request and the stack of every unexpected error; nothing when absent. */
  readonly log?: (line: string) => void;
}

function errorBody(code: ApiErrorCode, message: string, errno?: FwRegErrno): ErrorBody {
  return { error: { code, message, ...(errno !== undefined ? { errno } : {}) } };
}

function isFastifyError(e: unknown): e is FastifyError {
  return e instanceof Error && 'code' in e;
}

/** What an error thrown while handling a request becomes on the wire. */
function classify(e: unknown, req: { body: unknown; params: unknown }): { code: ApiErrorCode; message: string; errno?: FwRegErrno } {
  if (e instanceof ActionError) return { code: e.code, message: e.message, ...(e.errno !== undefined ? { errno: e.errno } : {}) };
  if (isFastifyError(e) && e.validation !== undefined && e.validation.length > 0) {
    const first = e.validation[0] as SchemaViolation;
    const context = e.validationContext ?? 'body';
    return { code: 'bad-request', message: describeViolation(context, first, context === 'params' ? req.params : req.body) };
  }
  const status = isFastifyError(e) ? e.statusCode : undefined;
  if (status === 413) return { code: 'body-too-large', message: 'The request body is too large' };
  if (status === 415) return { code: 'unsupported-media-type', message: `${(e as Error).message}; send the body as application/json` };
  if (status !== undefined && status >= 400 && status < 500) return { code: 'bad-request', message: (e as Error).message };
  return { code: 'internal', message: e instanceof Error ? e.message : String(e) };
}

export function buildApi(perform: Perform, opts: BuildApiOptions = {}): ApiApp {
  const log = opts.log;
  const app = Fastify({
    logger: false,
    exposeHeadRoutes: false,
    bodyLimit: 64 * 1024,
    // Refuse what the schemas don't allow rather than repairing it: no type coercion, no silent
    // removal of unknown fields.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.addSchema(ErrorBodySchema);
  void app.register(swagger, {
    // Shared schemas keep their $id as their name under components.schemas.
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'bothy VM control API',
        version: API_VERSION,
        description: 'Control of one running bothy VM, served on a Unix socket (`bothy run --api-sock PATH`, driven by `bothy ctl`). ' +
          'Every error answers with `{ "error": { "code", "message" } }`; a firmware-register error (code `fw-reg`) ' +
          "also carries KVM's `errno` (ENOENT, EINVAL or EBUSY), which picks its status (404, 400, 409).",
      },
      tags: [{ name: 'vm', description: 'the running VM' }, { name: 'api', description: 'this document' }],
    },
  });

  app.setErrorHandler((e, req, reply) => {
    const { code, message, errno } = classify(e, req);
    if (code === 'internal') log?.(`api: ${req.method} ${req.url} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return reply.code(httpStatusFor(code, errno)).send(errorBody(code, message, errno));
  });

  app.setNotFoundHandler((req, reply) =>
    reply.code(httpStatusFor('unknown-route')).send(
      errorBody('unknown-route', `There is no route ${req.method} ${req.url.split('?')[0]}; GET /openapi.json lists the routes`),
    ),
  );

  if (log !== undefined) {
    app.addHook('onResponse', async (req, reply) => log(`api: ${req.method} ${req.url} ${reply.statusCode}`));
  }

  void app.register(vmRoutes, { prefix: API_PREFIX, perform });

  // Inside a plugin so the route is added after swagger's onRoute hook is in place, and so listed.
  void app.register(async (docs) => {
    docs.get('/openapi.json', {
      schema: {
        operationId: 'getOpenApi',
        summary: 'This OpenAPI document',
        tags: ['api'],
        response: { 200: Type.Object({}, { additionalProperties: true, description: 'The OpenAPI 3 document' }) },
      },
    }, async () => docs.swagger());
  });

  return app;
}
