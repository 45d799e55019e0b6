// What every bothy HTTP/JSON API shares (the one-VM control API and the daemon's): a fastify app with
// strict TypeBox validation, the OpenAPI document, one `{ error: { code, message } }` body for every
// failure, a logged line per request, and GET /openapi.json. Each API brings its routes and its codes.

import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import { Type, type TSchema } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { describeViolation, type SchemaViolation } from './validation-message.js';

export type JsonApiApp = FastifyInstance<Server, IncomingMessage, ServerResponse, FastifyBaseLogger, TypeBoxTypeProvider>;

/** The codes every API answers with besides its own. */
export type CommonErrorCode = 'bad-request' | 'body-too-large' | 'unsupported-media-type' | 'internal' | 'unknown-route';

/** An error as the wire shows it: its code, message and any extra body fields (e.g. `errno`). */
export interface WireError<C extends string> {
  readonly code: C | CommonErrorCode;
  readonly message: string;
  readonly extra?: Readonly<Record<string, unknown>>;
}

export interface JsonApiSpec<C extends string> {
  readonly title: string;
  readonly version: string;
  readonly description: string;
  readonly tags: readonly { readonly name: string; readonly description: string }[];
  /** The error body schema, registered under its $id. */
  readonly errorSchema: TSchema;
  /** The API's own errors (thrown by its routes); undefined for anything else. */
  readonly ownError: (e: unknown) => WireError<C> | undefined;
  /** A better message for one schema violation than the generic one; undefined to keep the generic. */
  readonly violationMessage?: (v: SchemaViolation, data: unknown) => string | undefined;
  readonly status: (e: WireError<C>) => number;
  /** One line per request and the stack of every unexpected error; nothing when absent. */
  readonly log?: (line: string) => void;
}

function isFastifyError(e: unknown): e is FastifyError {
  return e instanceof Error && 'code' in e;
}

function classify<C extends string>(spec: JsonApiSpec<C>, e: unknown, req: { body: unknown; params: unknown }): WireError<C> {
  const own = spec.ownError(e);
  if (own !== undefined) return own;
  if (isFastifyError(e) && e.validation !== undefined && e.validation.length > 0) {
    const first = e.validation[0] as SchemaViolation;
    const context = e.validationContext ?? 'body';
    const data = context === 'params' ? req.params : req.body;
    return { code: 'bad-request', message: spec.violationMessage?.(first, data) ?? describeViolation(context, first, data) };
  }
  const status = isFastifyError(e) ? e.statusCode : undefined;
  if (status === 413) return { code: 'body-too-large', message: 'The request body is too large' };
  if (status === 415) return { code: 'unsupported-media-type', message: `${(e as Error).message}; send the body as application/json` };
  if (status !== undefined && status >= 400 && status < 500) return { code: 'bad-request', message: (e as Error).message };
  return { code: 'internal', message: e instanceof Error ? e.message : String(e) };
}

const body = <C extends string>(w: WireError<C>): unknown => ({ error: { code: w.code, message: w.message, ...w.extra } });

/** The app with everything but its routes; register them with `app.register(plugin, { prefix })`, then call `addOpenApiRoute`. */
export function createJsonApiApp<C extends string>(spec: JsonApiSpec<C>): JsonApiApp {
  const log = spec.log;
  const app = Fastify({
    logger: false,
    exposeHeadRoutes: false,
    bodyLimit: 64 * 1024,
    // Refuse what the schemas don't allow rather than repairing it: no type coercion, no silent
    // removal of unknown fields.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.addSchema(spec.errorSchema);
  void app.register(swagger, {
    // Shared schemas keep their $id as their name under components.schemas.
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
    openapi: {
      openapi: '3.0.3',
      info: { title: spec.title, version: spec.version, description: spec.description },
      tags: [...spec.tags],
    },
  });

  app.setErrorHandler((e, req, reply) => {
    const w = classify(spec, e, req);
    if (w.code === 'internal') log?.(`api: ${req.method} ${req.url} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return reply.code(spec.status(w)).send(body(w));
  });

  app.setNotFoundHandler((req, reply) => {
    const w: WireError<C> = { code: 'unknown-route', message: `There is no route ${req.method} ${req.url.split('?')[0]}; GET /openapi.json lists the routes` };
    return reply.code(spec.status(w)).send(body(w));
  });

  if (log !== undefined) {
    app.addHook('onResponse', async (req, reply) => log(`api: ${req.method} ${req.url} ${reply.statusCode}`));
  }
  return app;
}

/** GET /openapi.json, inside a plugin so it is added after swagger's onRoute hook is in place, and so listed. */
export function addOpenApiRoute(app: JsonApiApp): void {
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
}
