import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { SELLER_SCOPES } from '../../src/auth';
import { seedOrders } from '../support/order-factory';
import { expressRoutes, routeInventory } from '../support/route-inventory';
import { routeInputs } from '../support/route-inputs';
import { startTestApp, type AuthHeader, type TestApp } from '../support/test-app';

type Json = Record<string, any>;

/** Express paths not in the API document, as its description says: the HTML console and the document itself. */
const NOT_API = (p: string) => p === '/console' || p.startsWith('/console/') || p === '/docs' || p.startsWith('/docs');
const openApiPath = (p: string) => p.replace(/:(\w+)/g, '{$1}');

describe('the OpenAPI document', () => {
  let t: TestApp;
  let doc: Json;
  let tenantId: string;
  let seller: AuthHeader;

  beforeAll(async () => {
    t = await startTestApp();
    tenantId = await t.tenant('Documented Seller');
    await seedOrders(t.app, tenantId, 3);
    seller = (await t.seller(tenantId, [...SELLER_SCOPES])).auth;
    doc = (await t.http().get('/docs/openapi.json').expect(200)).body as Json;
  });
  afterAll(() => t.close());

  it('is valid OpenAPI 3.1 to an independent validator', async () => {
    expect(doc.openapi).toBe('3.1.0');
    const dir = mkdtempSync(path.join(tmpdir(), 'ov-openapi-'));
    try {
      const file = path.join(dir, 'openapi.json');
      writeFileSync(file, JSON.stringify(doc));
      // The validator is an ES module; it runs as its own CLI, in a plain Node process.
      const cli = require.resolve('@seriousme/openapi-schema-validator/bin/validate-api-cli.js');
      const run = await promisify(execFile)(process.execPath, [cli, file]).catch((err: { stdout: string }) => err);
      const result = JSON.parse(run.stdout) as { valid: boolean; errors?: unknown };
      expect(result.errors).toBeUndefined();
      expect(result.valid).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('declares the API key as an opaque bearer string, and public routes as needing none', () => {
    const scheme = doc.components.securitySchemes.bearer;
    expect(scheme).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(scheme.bearerFormat).toBeUndefined();
    expect(scheme.description).toMatch(/ov_live_/);
    expect(doc.security).toEqual([{ bearer: [] }]);
    expect(doc.paths['/health/live'].get.security).toEqual([]);
    expect(doc.paths['/v1/orders'].get.security).toBeUndefined();
    expect(doc.info.description).toMatch(/\/console/);
  });

  it('documents every route Express serves: summary, operation id, path and query parameters, answers', () => {
    const handlers = new Map(routeInventory(t.app).map((r) => [`${r.method} ${r.path}`, r.handler]));
    const inputs = routeInputs(t.app);
    const served = expressRoutes(t.app).filter((r) => !NOT_API(r.path));
    expect(served.length).toBeGreaterThan(40);
    const problems: string[] = [];
    const undocumented: string[] = [];
    const operationIds = new Set<string>();
    for (const route of served) {
      const handler = handlers.get(`${route.method} ${route.path}`) ?? 'unknown handler';
      const name = `${route.method} ${route.path} (${handler})`;
      const op = doc.paths[openApiPath(route.path)]?.[route.method.toLowerCase()] as Json | undefined;
      if (!op) {
        problems.push(`${name}: not in the OpenAPI document`);
        continue;
      }
      if (!op.summary) undocumented.push(`${name}: no summary (document it with @ApiRoute)`);
      if (!op.operationId) problems.push(`${name}: no operationId`);
      else if (operationIds.has(op.operationId)) problems.push(`${name}: operationId ${op.operationId} used twice`);
      operationIds.add(op.operationId);
      const params = (op.parameters ?? []) as Json[];
      for (const [, p] of route.path.matchAll(/:(\w+)/g)) {
        const declared = params.find((x) => x.in === 'path' && x.name === p);
        if (!declared) problems.push(`${name}: path parameter ${p} not declared`);
        else if (declared.required !== true || !declared.schema?.type) {
          problems.push(`${name}: path parameter ${p} must be required and typed`);
        }
      }
      const accepted = inputs.get(handler)?.query ?? [];
      const documentedQuery = params.filter((x) => x.in === 'query').map((x) => x.name as string);
      for (const q of accepted) {
        if (!documentedQuery.includes(q)) problems.push(`${name}: query parameter ${q} not declared`);
      }
      for (const q of documentedQuery) {
        if (!accepted.includes(q)) problems.push(`${name}: declares query parameter ${q} its parser refuses`);
      }
      const success = Object.entries((op.responses ?? {}) as Record<string, Json>).filter(([s]) => /^2\d\d$/.test(s));
      if (success.length !== 1) problems.push(`${name}: ${success.length} success answers documented, expected 1`);
      for (const [status, r] of success) {
        if (status !== '204' && !r.content && !/no body/i.test(String(r.description))) {
          undocumented.push(`${name}: answer ${status} has no schema (document it with @ApiRoute)`);
        }
      }
      if (!op.responses?.default) problems.push(`${name}: no error answer`);
    }
    expect(problems).toEqual([]);
    // Every route carries its @ApiRoute: a summary and the schema of what it answers.
    expect(undocumented).toEqual([]);
  });

  it('declares parameters as their validators check them', () => {
    const params = (p: string, m: string) =>
      Object.fromEntries((doc.paths[p][m].parameters as Json[]).map((x) => [`${x.in}:${x.name}`, x]));
    const list = params('/v1/orders', 'get');
    expect(list['query:limit']).toMatchObject({
      required: false,
      schema: { type: 'integer', minimum: 1, maximum: 200 },
    });
    expect(list['query:status'].schema.enum).toContain('shipped');
    expect(list['query:updatedSince'].schema).toMatchObject({ type: 'string', format: 'date-time' });
    expect(list['query:acknowledged'].schema.type).toBe('boolean');
    expect(params('/v1/orders/{orderId}', 'get')['path:orderId']).toMatchObject({
      required: true,
      schema: { type: 'string' },
    });
    expect(params('/v1/tenants', 'get')['query:limit'].schema).toMatchObject({ minimum: 1, maximum: 500 });
  });

  it('describes what GET routes really answer (validated with a JSON Schema 2020-12 validator)', async () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ $id: 'https://ordervault.test/openapi.json', components: doc.components });
    const check = async (p: string, auth: AuthHeader | null, status = 200) => {
      const req = t.http().get(p.replace('{tenantId}', tenantId).replace('{orderId}', orderId));
      const res = await (auth ? req.set(auth) : req).expect(status);
      const op = doc.paths[p].get as Json;
      const schema = op.responses[String(status)].content['application/json'].schema as Json;
      const validate = ajv.compile({
        $id: `https://ordervault.test/check${p.replace(/[{}]/g, '')}`,
        ...rebase(schema),
      });
      const ok = validate(res.body);
      return { path: p, errors: ok ? [] : (validate.errors ?? []) };
    };
    const orderId = (await t.http().get('/v1/orders?limit=1').set(seller).expect(200)).body.items[0].orderId as string;
    const results = [
      await check('/v1/orders', seller),
      await check('/v1/orders/{orderId}', seller),
      await check('/v1/connections', seller),
      await check('/v1/api-keys', seller),
      await check('/v1/tenants', t.admin),
      await check('/v1/tenants/{tenantId}', t.admin),
      await check('/health/live', null),
      await check('/health/ready', null),
    ];
    expect(results.filter((r) => r.errors.length)).toEqual([]);
    // The error answers too.
    const missing = await t.http().get('/v1/orders/00000000-0000-4000-8000-000000000000').set(seller).expect(404);
    const errorSchema = ajv.compile({ $ref: 'https://ordervault.test/openapi.json#/components/schemas/Error' });
    expect(errorSchema(missing.body)).toBe(true);
  });
});

/** A document schema, its `#/components/...` references pointing into the document registered with the validator. */
function rebase(schema: Json): Json {
  return JSON.parse(
    JSON.stringify(schema).replaceAll('"#/components/', '"https://ordervault.test/openapi.json#/components/'),
  ) as Json;
}
