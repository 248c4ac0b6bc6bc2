import { startTestApp, type TestApp } from '../support/test-app';

/** /metrics names tenants and connections: never open to everyone on the API port in production. */
describe('who may read /metrics on the API port', () => {
  const apps: TestApp[] = [];
  const start = async (env: Record<string, string>) => {
    const t = await startTestApp({ env });
    apps.push(t);
    return t;
  };
  afterAll(async () => {
    for (const t of apps) await t.close();
  });

  it('with a token: only a caller presenting it (any case of the bearer scheme)', async () => {
    const t = await start({ METRICS_TOKEN: 'metrics-token-0123456789' });
    await t.http().get('/metrics').expect(401);
    await t.http().get('/metrics').set('Authorization', 'Bearer wrong-token-0123456789').expect(401);
    await t.http().get('/metrics').set('Authorization', 'bearer metrics-token-0123456789').expect(200);
  });

  it('served on a port of its own: not on the API port at all', async () => {
    const t = await start({ METRICS_PORT: '9464' });
    await t.http().get('/metrics').expect(404);
  });

  it('without either: open in development and tests, as before', async () => {
    const t = await start({});
    const res = await t.http().get('/metrics').expect(200);
    expect(res.text).toMatch(/# HELP /);
  });
});
