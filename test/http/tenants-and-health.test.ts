import { startTestApp, type TestApp } from '../support/test-app';

describe('HTTP basics: health, tenants admin, errors', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('reports liveness and readiness (database reachable, migrations applied)', async () => {
    await t.http().get('/health/live').expect(200, { status: 'ok' });
    const ready = await t.http().get('/health/ready').expect(200);
    expect(ready.body).toEqual({ status: 'ok', mode: 'service', checks: { database: 'ok', migrations: 'ok' } });
  });

  it('creates, lists and reads tenants with the admin key', async () => {
    const created = await t.http().post('/v1/tenants').set(t.admin).send({ name: 'Acme Outdoor' }).expect(201);
    expect(created.body).toMatchObject({ name: 'Acme Outdoor', status: 'active' });
    expect(created.body.tenantId).toMatch(/^[0-9a-f-]{36}$/);
    const got = await t.http().get(`/v1/tenants/${created.body.tenantId}`).set(t.admin).expect(200);
    expect(got.body.name).toBe('Acme Outdoor');
    const list = await t.http().get('/v1/tenants').set(t.admin).expect(200);
    expect(list.body.map((x: { tenantId: string }) => x.tenantId)).toContain(created.body.tenantId);
  });

  it('answers bad input with a clear 4xx, never a 500', async () => {
    const missing = await t.http().post('/v1/tenants').set(t.admin).send({}).expect(400);
    expect(missing.body.error.code).toBe('validation_failed');
    const extra = await t.http().post('/v1/tenants').set(t.admin).send({ name: 'x', evil: true }).expect(400);
    expect(JSON.stringify(extra.body)).toMatch(/evil/);
    const badJson = await t
      .http()
      .post('/v1/tenants')
      .set(t.admin)
      .set('Content-Type', 'application/json')
      .send('{"name":')
      .expect(400);
    expect(badJson.body.error.code).toBe('validation_failed');
    await t.http().get('/v1/tenants/not-a-uuid').set(t.admin).expect(400);
    await t.http().get('/v1/tenants/00000000-0000-4000-8000-000000000000').set(t.admin).expect(404);
    const nowhere = await t.http().get('/v1/nowhere').set(t.admin).expect(404);
    expect(nowhere.body.error.code).toBe('not_found');
  });

  it('refuses missing and wrong keys with the same 401', async () => {
    const none = await t.http().get('/v1/tenants').expect(401);
    const wrong = await t.http().get('/v1/tenants').set('Authorization', 'Bearer nope').expect(401);
    expect(none.body.error).toEqual({ ...wrong.body.error, requestId: none.body.error.requestId });
  });

  it('serves the OpenAPI document', async () => {
    const doc = await t.http().get('/docs/openapi.json').expect(200);
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/v1/tenants', '/health/ready']));
  });
});
