import { DataSource } from 'typeorm';
import { SELLER_SCOPES } from '../../src/auth';
import { seedOrders } from '../support/order-factory';
import { routeInputs } from '../support/route-inputs';
import { routeInventory, type RouteInfo } from '../support/route-inventory';
import { startTestApp, type AuthHeader, type TestApp } from '../support/test-app';

/** Log lines at error level or above: an outsider must never be able to set one off. */
const errorLines = (t: TestApp) =>
  t.logs.lines.filter((l) => ['error', 'fatal'].includes((JSON.parse(l) as { level: string }).level));
const deepArray = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
const cursorOf = (text: string) => Buffer.from(text).toString('base64url');

/**
 * Bad input is a 4xx with a clear message, never a 5xx and never an alert. The
 * reproductions of the attack report first, then a property over every route
 * the application serves: malformed path ids, queries and bodies, from a
 * seller and from an admin.
 */
describe('bad input is answered with a 4xx', () => {
  let t: TestApp;
  let tenantId: string;
  let seller: AuthHeader;
  let staffId: string;

  beforeAll(async () => {
    t = await startTestApp();
    tenantId = await t.tenant('Inputs');
    await seedOrders(t.app, tenantId, 2);
    seller = (await t.seller(tenantId, [...SELLER_SCOPES])).auth;
    staffId = (await t.staff('support', 'Input Staff')).staffId;
  });
  afterAll(() => t.close());

  const raw = (method: 'post' | 'get', url: string, auth: AuthHeader, body?: string) => {
    const r = t.http()[method](url).set(auth).set('X-Tenant-Id', tenantId);
    return body === undefined ? r : r.set('Content-Type', 'application/json').send(body);
  };

  it('replays the reported requests: NUL bytes, deep JSON, out-of-range instants and cursors', async () => {
    const badInstants = [
      '-271821-04-20T00:00:00Z',
      '10000-01-01',
      '2026-13-01',
      '2026-02-30T00:00:00Z',
      '2026-01-01T25:00:00Z',
    ];
    const requests: Array<[string, () => PromiseLike<{ status: number; body: { error?: { message?: string } } }>]> = [
      ['tenant name with NUL', () => raw('post', '/v1/tenants', t.admin, '{"name":"a\\u0000b"}')],
      ['staff name with NUL', () => raw('post', '/v1/staff', t.admin, '{"name":"a\\u0000b","role":"support"}')],
      [
        'key label with NUL',
        () => raw('post', '/v1/api-keys', seller, '{"label":"a\\u0000b","scopes":["orders:read"]}'),
      ],
      [
        'grant ticketRef with NUL',
        () =>
          raw(
            'post',
            '/v1/grants',
            seller,
            JSON.stringify({ granteeStaffId: staffId, ticketRef: 'T\u0000', expiresAt: '2026-11-03T10:00:00Z' }),
          ),
      ],
      ['5,000-deep array to tenants', () => raw('post', '/v1/tenants', t.admin, deepArray(5000))],
      ['5,000-deep array to keys', () => raw('post', '/v1/api-keys', seller, deepArray(5000))],
      ['5,000-deep array to grants', () => raw('post', '/v1/grants', seller, deepArray(5000))],
      ...badInstants.flatMap((at): Array<[string, () => ReturnType<typeof raw>]> => [
        [`updatedSince=${at}`, () => raw('get', `/v1/orders?updatedSince=${encodeURIComponent(at)}`, seller)],
        [`audit from=${at}`, () => raw('get', `/v1/audit/entries?from=${encodeURIComponent(at)}`, seller)],
        [`audit to=${at}`, () => raw('get', `/v1/audit/entries?to=${encodeURIComponent(at)}`, seller)],
        [
          `orders cursor at ${at}`,
          () => raw('get', `/v1/orders?cursor=${cursorOf(`${at}|00000000-0000-4000-8000-000000000000`)}`, seller),
        ],
        [
          `audit cursor at ${at}`,
          () => raw('get', `/v1/audit/entries?cursor=${cursorOf(JSON.stringify([at, 'platform', '1']))}`, seller),
        ],
        [
          `key expiry ${at}`,
          () =>
            raw('post', '/v1/api-keys', seller, JSON.stringify({ label: 'x', scopes: ['orders:read'], expiresAt: at })),
        ],
      ]),
      [
        'audit cursor seq beyond bigint',
        () =>
          raw(
            'get',
            `/v1/audit/entries?cursor=${cursorOf(JSON.stringify(['2026-11-02T10:00:00.000000Z', `tenant:${tenantId}`, '9999999999999999999']))}`,
            seller,
          ),
      ],
    ];
    for (const [name, send] of requests) {
      const res = await send();
      // A clear message: it names what was wrong.
      expect({ name, status: res.status }).toEqual({ name, status: 400 });
      expect(res.body.error?.message).toEqual(expect.any(String));
    }
    // Nothing was written by any of them.
    const ds = t.app.get(DataSource);
    const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM tenants WHERE name LIKE 'a%b'`);
    expect(n).toBe(0);
    expect(errorLines(t)).toEqual([]);
  });

  it('never answers 5xx, whatever is sent to any route (malformed ids, queries and bodies)', async () => {
    const routes = routeInventory(t.app);
    expect(routes.length).toBeGreaterThan(20);
    const badIds = [
      'x',
      '%00',
      'a'.repeat(300),
      '00000000-0000-0000-0000-000000000000',
      '..%2F..',
      '%F0%9F%98%80',
      '-1',
      '99999999999999999999',
    ];
    // Every query parameter each route accepts (its DTO's validators), plus one it does not: every parameter a
    // route reads gets every bad value, and the refusal of unknown names is tried on every route once.
    const inputs = routeInputs(t.app);
    const queryNamesOf = (r: RouteInfo) => [...(inputs.get(r.handler)?.query ?? []), 'notAParameter'];
    const badValues = ['-1', '1e309', '%00', '-271821-04-20T00%3A00%3A00Z', '2026-13-01', 'x'.repeat(500)];
    const badBodies = [
      '{"a":"\\u0000"}',
      deepArray(5000),
      '[]',
      '"text"',
      '123',
      'null',
      '{',
      '{"name":"a\\u0000b","label":"\\u0000","ticketRef":"\\u0000","scopes":["\\u0000"],"expiresAt":"10000-01-01"}',
      '{"name":"\\ud800","label":"\\udfff","reason":"\\ud800"}',
      '{"limit":1e400,"expiresAt":-8.64e15,"granteeStaffId":"\\u0000"}',
    ];
    const fill = (r: RouteInfo, id: string) => r.path.replace(/:[A-Za-z]+/g, id);
    const perRoute = new Map<string, number>();
    const ds = t.app.get(DataSource);
    const deniedReveals = async () =>
      Number(
        (
          await ds.query(`SELECT count(*) AS n FROM audit_entries WHERE action = 'pii.revealed' AND outcome = 'denied'`)
        )[0].n,
      );
    const deniedBefore = await deniedReveals();
    let refusedReveals = 0;
    const failures: string[] = [];
    const jobs: Array<() => Promise<void>> = [];
    const send = async (r: RouteInfo, url: string, auth: AuthHeader, body?: string) => {
      const method = r.method.toLowerCase() as 'get' | 'post' | 'patch' | 'put' | 'delete';
      let req = t.http()[method](url).set(auth).set('X-Tenant-Id', tenantId).set('X-Access-Reason', 'probing inputs');
      if (body !== undefined) req = req.set('Content-Type', 'application/json').send(body);
      const res = await req;
      const key = `${r.method} ${r.path}`;
      perRoute.set(key, (perRoute.get(key) ?? 0) + 1);
      if (r.path.endsWith('/reveal') && res.status >= 400 && res.status < 500) refusedReveals++;
      if (res.status >= 500) failures.push(`${res.status} ${r.method} ${url} ${body?.slice(0, 60) ?? ''}`);
    };
    for (const r of routes) {
      for (const auth of [seller, t.admin]) {
        for (const id of badIds) jobs.push(() => send(r, fill(r, id), auth));
        const url = fill(r, '00000000-0000-4000-8000-000000000000');
        if (r.method === 'GET') {
          for (const name of queryNamesOf(r))
            for (const v of badValues) jobs.push(() => send(r, `${url}?${name}=${v}`, auth));
          jobs.push(() => send(r, `${url}?limit=1&limit=2&cursor[a]=b`, auth));
        } else {
          for (const body of badBodies) jobs.push(() => send(r, url, auth, body));
        }
      }
    }
    // Eight at a time: the server sees concurrent bad input too, and the run stays short on a busy machine.
    const workers = Array.from({ length: 8 }, async () => {
      for (let job = jobs.shift(); job; job = jobs.shift()) await job();
    });
    await Promise.all(workers);
    expect(failures).toEqual([]);
    expect(errorLines(t)).toEqual([]);
    // Printed for the record: how hard each route was tried.
    const total = [...perRoute.values()].reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(1000);
    // Every refused attempt on the buyer-data route left exactly one entry, whatever was sent.
    expect(refusedReveals).toBeGreaterThanOrEqual(30);
    expect((await deniedReveals()) - deniedBefore).toBe(refusedReveals);
    process.stdout.write(
      `bad-input property: ${total} requests over ${perRoute.size} routes, 0 × 5xx, ${refusedReveals} refused reveals, each with its entry\n`,
    );
    if (process.env.OV_PRINT_ATTACK_COUNTS) {
      for (const [route, n] of [...perRoute].sort()) process.stdout.write(`  ${String(n).padStart(4)}  ${route}\n`);
    }
  }, 600_000); // every route × every bad input: about 40 s alone, several times that on a loaded machine
});
