import { DataSource } from 'typeorm';
import { Dispatcher } from '../../src/delivery/dispatch/dispatcher.service';
import { FanOutService } from '../../src/delivery/dispatch/fan-out.service';
import { OrderIngestService } from '../../src/orders';
import { ManualClock } from '../../src/platform/clock/clock';
import { TransactionManager } from '../../src/platform/database/transaction-manager';
import { canonicalOrder } from '../../src/sandbox/canonical-orders';
import { startTestApp, type AuthHeader, type TestApp } from '../support/test-app';

/**
 * One endpoint's backlog blocks no other endpoint: a claim considers at most the
 * concurrency cap's worth of each endpoint's oldest due deliveries, so an
 * endpoint at its cap with hundreds of older deliveries (a slow receiver) leaves
 * room for every other endpoint's, in the same claim and in the next.
 */
describe('claiming deliveries: a backlog on one endpoint blocks no other', () => {
  const BATCH = 20;
  const CAP = 4;
  let t: TestApp;
  let db: DataSource;
  let dispatcher: Dispatcher;
  let fanOut: FanOutService;
  let tenants: Array<{ tenantId: string; owner: AuthHeader }>;
  let nextIndex = 5000;

  const ingest = (tenantId: string, n: number) =>
    t.app.get(TransactionManager).run((tx) =>
      t.app.get(OrderIngestService).ingestPage(
        tx,
        { tenantId, connectionId: '5b0c8a3e-1f0e-4c55-9d0e-2a8f3c1d7e02' },
        Array.from({ length: n }, () => canonicalOrder(nextIndex++)),
      ),
    );

  const endpoint = async (owner: AuthHeader, path: string) =>
    (
      await t
        .http()
        .post('/v1/endpoints')
        .set(owner)
        .send({ url: `http://127.0.0.1:9/${path}` })
        .expect(201)
    ).body.endpointId as string;

  beforeAll(async () => {
    t = await startTestApp({
      env: {
        WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
        DELIVERY_BATCH_SIZE: String(BATCH),
        DELIVERY_CONCURRENCY_PER_ENDPOINT: String(CAP),
      },
      clock: new ManualClock(Date.parse('2026-06-01T10:00:00Z')),
    });
    db = t.app.get(DataSource);
    dispatcher = t.app.get(Dispatcher);
    fanOut = t.app.get(FanOutService);
    tenants = [];
    for (const name of ['Backlogged', 'Quiet one', 'Quiet two']) {
      const tenantId = await t.tenant(name);
      tenants.push({ tenantId, owner: (await t.seller(tenantId, ['endpoints:manage'])).auth });
    }
  });
  afterAll(() => t.close());

  it('claims the other endpoints’ deliveries while one endpoint’s older backlog fills many batches', async () => {
    const [busy, quietA, quietB] = tenants;
    const busyEndpoint = await endpoint(busy.owner, 'busy');
    // Twenty batches' worth of older deliveries on one endpoint.
    for (let i = 0; i < 4; i++) await ingest(busy.tenantId, 100);
    await fanOut.fanOutAll();
    t.clock.advance(60_000);
    const quietEndpoints = [await endpoint(quietA.owner, 'a'), await endpoint(quietB.owner, 'b')];
    await ingest(quietA.tenantId, 2);
    await ingest(quietB.tenantId, 2);
    await fanOut.fanOutAll();

    const first = await dispatcher.claim();
    const perEndpoint = (claimed: Awaited<ReturnType<Dispatcher['claim']>>) =>
      claimed.reduce((m, d) => m.set(d.endpointId, (m.get(d.endpointId) ?? 0) + 1), new Map<string, number>());
    const firstCounts = perEndpoint(first);
    // The busy endpoint's cap, and every quiet delivery, in the same claim.
    expect(firstCounts.get(busyEndpoint)).toBe(CAP);
    for (const e of quietEndpoints) expect(firstCounts.get(e)).toBe(2);

    // The next claim takes the busy endpoint's next cap's worth (prepared while the first is on the wire) and
    // finds a quiet endpoint's new delivery at once; with both batches leased, the one after takes none of its
    // deliveries and still finds the quiet endpoint's next one.
    await ingest(quietA.tenantId, 1);
    await fanOut.fanOutAll();
    const second = perEndpoint(await dispatcher.claim());
    expect(second.get(busyEndpoint)).toBe(CAP);
    expect(second.get(quietEndpoints[0])).toBe(1);
    await ingest(quietA.tenantId, 1);
    await fanOut.fanOutAll();
    const third = perEndpoint(await dispatcher.claim());
    expect(third.get(busyEndpoint)).toBeUndefined();
    expect(third.get(quietEndpoints[0])).toBe(1);

    const [open] = await db.query(
      `SELECT count(*)::int AS n FROM deliveries WHERE endpoint_id = $1 AND status = 'pending'`,
      [busyEndpoint],
    );
    expect(open.n).toBe(400);
  });
});
