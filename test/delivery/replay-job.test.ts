import { DataSource } from 'typeorm';
import { DispatchLoop } from '../../src/delivery/dispatch/dispatch-loop';
import { FanOutService } from '../../src/delivery/dispatch/fan-out.service';
import { REPLAY_STREAMS_PER_BATCH } from '../../src/delivery/replay/delivery-replay.worker';
import { OrderIngestService } from '../../src/orders';
import { ManualClock } from '../../src/platform/clock/clock';
import { TransactionManager } from '../../src/platform/database/transaction-manager';
import { canonicalOrder } from '../../src/sandbox/canonical-orders';
import { startTestApp, type AuthHeader, type TestApp } from '../support/test-app';
import { Receiver, waitFor } from './support/receiver';
import { replayUntilDone } from './support/replays';

/**
 * Recovering an endpoint in the background: more order queues than one batch takes, two versions each, all given
 * up; the replay reports its progress until done, and the receiver then gets every delivery once, each order's
 * versions in order, although the queues were made due across several transactions.
 */
describe('replay of an endpoint as a background job', () => {
  let t: TestApp;
  let owner: AuthHeader;
  let tenantId: string;
  let receiver: Receiver;
  let endpointId: string;
  const ORDERS = REPLAY_STREAMS_PER_BATCH + 100;

  beforeAll(async () => {
    t = await startTestApp({ env: { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' }, clock: new ManualClock(Date.now()) });
    tenantId = await t.tenant('Recovering');
    owner = (await t.seller(tenantId, ['endpoints:manage'])).auth;
    receiver = await Receiver.start();
    endpointId = (await t.http().post('/v1/endpoints').set(owner).send({ url: receiver.url }).expect(201)).body
      .endpointId;
  });
  afterAll(async () => {
    await receiver.close();
    await t.close();
  });

  it(`makes ${2 * ORDERS} given-up deliveries due in batches of whole order queues, with progress, then sends them in order`, async () => {
    const since = t.clock.now().toISOString();
    const ingest = (orders: ReturnType<typeof canonicalOrder>[]) =>
      t.app
        .get(TransactionManager)
        .run((tx) => t.app.get(OrderIngestService).ingestPage(tx, { tenantId, connectionId: endpointId }, orders));
    const created = Array.from({ length: ORDERS }, (_, i) => canonicalOrder(20_000 + i));
    for (let i = 0; i < ORDERS; i += 100) await ingest(created.slice(i, i + 100));
    const later = new Date(created[0].lastUpdatedAt.getTime() + 3600_000);
    const shipped = created.map((o) => ({
      ...o,
      status: 'shipped' as const,
      rawStatus: 'Shipped',
      lastUpdatedAt: later,
    }));
    for (let i = 0; i < ORDERS; i += 100) await ingest(shipped.slice(i, i + 100));
    await t.app.get(FanOutService).fanOutAll();
    // Every attempt long exhausted (the receiver was gone for days): both versions of every order given up.
    const db = t.app.get(DataSource);
    const [, givenUp] = await db.query(
      `UPDATE deliveries SET status = 'given_up', attempt_count = 10, completed_at = now() WHERE endpoint_id = $1`,
      [endpointId],
    );
    expect(givenUp).toBe(2 * ORDERS);

    // The dispatcher runs meanwhile (woken after each batch): it sends from the first batch on, so a queue made due
    // in part would show here as a version sent before the one it follows.
    const loop = t.app.get(DispatchLoop);
    await loop.start();
    let done: Record<string, unknown>;
    try {
      done = await replayUntilDone(t, owner, `/v1/endpoints/${endpointId}/replay`, { since });
      // A deadline only to tell a stall from a slow machine: on the embedded database under load this took over 60 s.
      await waitFor(() => receiver.received.length >= 2 * ORDERS, 'every delivery to arrive', 240_000);
    } finally {
      await loop.stop();
    }
    expect(done).toMatchObject({
      endpointId,
      since,
      status: 'done',
      toReplay: 2 * ORDERS,
      replayed: 2 * ORDERS,
      queued: 0,
    });
    expect(done.startedAt).toEqual(expect.any(String));
    expect(done.finishedAt).toEqual(expect.any(String));

    expect(receiver.received).toHaveLength(2 * ORDERS);
    const [{ n: open }] = await db.query(
      `SELECT count(*)::int AS n FROM deliveries WHERE endpoint_id = $1 AND status <> 'succeeded'`,
      [endpointId],
    );
    expect(open).toBe(0);
    const seen = new Map<string, string[]>();
    for (const body of receiver.bodies()) {
      seen.set(body.data.orderId, [...(seen.get(body.data.orderId) ?? []), body.type]);
    }
    expect(seen.size).toBe(ORDERS);
    for (const types of seen.values()) expect(types).toEqual(['order.created', 'order.updated']);
  }, 300_000);

  it('is the tenant’s own: another seller cannot see it; unknown and malformed ids are 404 and 400', async () => {
    const [mine] = (await t.http().get(`/v1/endpoints/${endpointId}/replays`).set(owner).expect(200)).body.items;
    expect(mine).toMatchObject({ endpointId, status: 'done' });
    const other = (await t.seller(await t.tenant('Someone else'), ['endpoints:manage'])).auth;
    await t.http().get(`/v1/replays/${mine.replayId}`).set(other).expect(404);
    await t.http().get(`/v1/endpoints/${endpointId}/replays`).set(other).expect(404);
    await t.http().post(`/v1/endpoints/${endpointId}/replay`).query({ since: mine.since }).set(other).expect(404);
    await t.http().get(`/v1/replays/00000000-0000-4000-8000-000000000000`).set(owner).expect(404);
    await t.http().get(`/v1/replays/not-a-uuid`).set(owner).expect(400);
  });
});
