import type { INestApplication } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { z } from 'zod';
import { API_ROUTE_KEY, isZodSchema, type ApiRouteSpec } from './api-route';
import { ErrorBodySchema } from './error-schema';
import { toOpenApi31 } from './openapi-31';
import { documentValidatedProperties } from './validator-properties';

type Json = Record<string, unknown>;

export interface OpenApiOptions {
  readonly version: string;
  /** Whether a route answers without credentials (the document then says `security: []` for it). */
  readonly isPublic: (handler: Function, controller: Function) => boolean;
}

const DESCRIPTION = [
  'Marketplace orders with sealed buyer data, forwarded by signed webhook.',
  '',
  'Every route takes an API key (`Authorization: Bearer ov_live_…`; staff keys name the seller they act on with',
  '`X-Tenant-Id`) unless it says `security: []`. Errors share one body (`Error`). Instants are ISO-8601 in UTC.',
  '',
  'Not in this document: the browser console (`/console/…`, server-rendered HTML behind a session cookie) and',
  'this document and its viewer (`/docs`, `/docs/openapi.json`).',
].join('\n');

/** `OrdersController.list` → `ordersList`: unique per route, stable across releases. */
export const operationIdOf = (controller: string, method: string): string => {
  const base = controller.replace(/Controller$/, '');
  return `${base.charAt(0).toLowerCase()}${base.slice(1)}${method.charAt(0).toUpperCase()}${method.slice(1)}`;
};

interface RouteDoc {
  readonly spec: ApiRouteSpec | undefined;
  readonly isPublic: boolean;
}

function routeDocs(app: INestApplication, options: OpenApiOptions): Map<string, RouteDoc> {
  const docs = new Map<string, RouteDoc>();
  const scanner = app.get(MetadataScanner);
  for (const wrapper of app.get(DiscoveryService).getControllers()) {
    const instance = wrapper.instance as object | undefined;
    if (!instance || !wrapper.metatype) continue;
    const proto = Object.getPrototypeOf(instance) as Record<string, Function>;
    for (const name of scanner.getAllMethodNames(proto)) {
      const handler = proto[name];
      if (Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
      docs.set(operationIdOf(wrapper.metatype.name, name), {
        spec: Reflect.getMetadata(API_ROUTE_KEY, handler) as ApiRouteSpec | undefined,
        isPublic: options.isPublic(handler, wrapper.metatype),
      });
    }
  }
  return docs;
}

/**
 * A zod schema as a document schema: named sub-schemas (view schemas) go to `components.schemas` and are
 * referenced there; one name must always mean one schema.
 */
function schemaOf(schema: z.ZodType, components: Json): Json {
  const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'output', unrepresentable: 'any' }) as Json;
  const defs = (json.$defs ?? {}) as Json;
  delete json.$defs;
  delete json.$schema;
  const text = (v: unknown) => JSON.stringify(v).replaceAll('"#/$defs/', '"#/components/schemas/');
  for (const [id, def] of Object.entries(defs)) {
    const rewritten = JSON.parse(text(def)) as Json;
    if (id in components && JSON.stringify(components[id]) !== JSON.stringify(rewritten)) {
      throw new Error(`two different schemas are named ${id} in the OpenAPI document`);
    }
    components[id] = rewritten;
  }
  return JSON.parse(text(json)) as Json;
}

const ERROR_RESPONSES: Record<string, string> = {
  BadRequest: 'the request is malformed or fails validation (`details` names the fields)',
  Unauthenticated: 'no API key, or an unknown, expired or revoked one',
  Forbidden: 'the key lacks the permission, or the staff member the grant, the route needs',
  NotFound: 'no such resource for this seller (or not visible to the caller)',
  RateLimited: 'too many attempts; `Retry-After` says when to come back',
  Error: 'any other error: the same body (`code`, `message`, `requestId`)',
};

function completeOperation(op: Json, route: RouteDoc | undefined, components: Json): void {
  const responses = (op.responses ?? {}) as Record<string, Json>;
  const spec = route?.spec;
  if (spec) {
    op.summary = spec.summary;
    if (spec.description) op.description = spec.description;
    const status = String(spec.status ?? 200);
    // Nest's default success answers (200, 201) give way to the declared one.
    for (const s of ['200', '201']) if (s !== status && !responses[s]?.content) delete responses[s];
    const description = (responses[status]?.description as string | undefined) || spec.summary;
    const r = spec.response;
    responses[status] =
      r === null
        ? { description }
        : isZodSchema(r)
          ? { description, content: { 'application/json': { schema: schemaOf(r, components) } } }
          : { description: r.description, content: { [r.contentType]: { schema: { type: 'string' } } } };
    for (const [code, also] of Object.entries(spec.also ?? {})) {
      responses[code] = {
        description: also.description,
        ...(also.response ? { content: { 'application/json': { schema: schemaOf(also.response, components) } } } : {}),
      };
    }
  }
  const ref = (name: string) => ({ $ref: `#/components/responses/${name}` });
  responses['400'] ??= ref('BadRequest');
  if (!route?.isPublic) {
    responses['401'] ??= ref('Unauthenticated');
    responses['403'] ??= ref('Forbidden');
  }
  if (/\{/.test(String(op['x-path'] ?? ''))) responses['404'] ??= ref('NotFound');
  responses['429'] ??= ref('RateLimited');
  responses.default ??= ref('Error');
  delete op['x-path'];
  op.responses = responses;
  if (route?.isPublic) op.security = [];
  else delete op.security; // the document's default (the bearer key) applies
}

/**
 * The OpenAPI 3.1 document of the JSON API: Nest's explorer for paths and the routes' DTOs (their validators
 * documented first), then per route its `@ApiRoute` (summary, response schema), the shared error answers, the
 * security of public routes, and the 3.0 → 3.1 rewrite of every schema.
 */
export function buildOpenApiDocument(app: INestApplication, options: OpenApiOptions): OpenAPIObject {
  documentValidatedProperties();
  const config = new DocumentBuilder()
    .setTitle('ordervault')
    .setDescription(DESCRIPTION)
    .setVersion(options.version)
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        description:
          'An ordervault API key, `ov_live_` followed by its secret, as created by `ordervault key create`, ' +
          '`POST /v1/api-keys` or `POST /v1/staff` (an opaque string, not a JWT).',
      },
      'bearer',
    )
    .build();
  const doc = SwaggerModule.createDocument(app, config, { operationIdFactory: operationIdOf }) as unknown as Json;
  const components = (doc.components ??= {}) as Json as { schemas?: Json; responses?: Json; securitySchemes?: Json };
  const schemas = (components.schemas ??= {});
  const bearer = (components.securitySchemes as Record<string, Json> | undefined)?.bearer;
  if (bearer) delete bearer.bearerFormat;
  const errorRef = schemaOf(ErrorBodySchema, schemas);
  components.responses = Object.fromEntries(
    Object.entries(ERROR_RESPONSES).map(([name, description]) => [
      name,
      { description, content: { 'application/json': { schema: errorRef } } },
    ]),
  );
  doc.security = [{ bearer: [] }];
  const routes = routeDocs(app, options);
  for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, Json>>)) {
    for (const op of Object.values(item)) {
      op['x-path'] = path;
      completeOperation(op, routes.get(String(op.operationId)), schemas);
    }
  }
  return toOpenApi31(doc) as unknown as OpenAPIObject;
}
