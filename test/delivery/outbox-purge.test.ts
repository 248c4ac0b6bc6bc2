import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { OutboxPurgeScheduler } from '../../src/delivery/purge/outbox-purge.scheduler';
import { OrderIngestService, OutboxPurgeService, OutboxRetainers } from '../../src/orders';
import { loadConfig } from '../../src/config';
import { TransactionManager } from '../../src/platform/database/transaction-manager';
import { canonicalOrder } from '../support/order-factory';
import { startTestApp, type TestApp } from '../support/test-app';

const DAY = 86_400_000;

describe('outbox purge', () => {
  let t: TestApp;
  let ds: DataSource;
  let tenantId: string;
  const connectionId = randomUUID();
  /** Events a stand-in for delivery's pending deliveries still needs. */
  const pending = new Set<string>();

  const ingest = (indexes: number[], overrides = {}) =>
    t.app.get(TransactionManager).run((tx) =>
      t.app.get(OrderIngestService).ingestPage(
        tx,
        { tenantId, connectionId },
        indexes.map((i) => canonicalOrder(i, overrides)),
      ),
    );
  const eventsOf = async (orderIds: readonly string[]) =>
    (
      await ds.query(`SELECT event_id FROM outbox_events WHERE order_id = ANY($1::uuid[]) ORDER BY seq`, [orderIds])
    ).map((r: { event_id: string }) => r.event_id);
  /** What the fan-out does when it has made an event's deliveries. */
  const dispatch = (eventIds: string[]) =>
    ds.query(`UPDATE outbox_events SET dispatched_at = $2 WHERE event_id = ANY($1::uuid[])`, [eventIds, t.clock.now()]);

  beforeAll(async () => {
    t = await startTestApp({ env: { OUTBOX_RETENTION_DAYS: '7' } });
    ds = t.app.get(DataSource);
    tenantId = await t.tenant('Purge');
    t.app.get(OutboxRetainers).register({
      name: 'test_pending_deliveries',
      retainedAmong: async (_tx, _tenant, ids) => new Set(ids.filter((id) => pending.has(id))),
    });
  });
  afterAll(() => t.close());

  it('purges dispatched events older than the window with their feed positions; keeps undispatched, retained and recent ones', async () => {
    const reader = (await t.seller(tenantId, ['orders:read'])).auth;
    const old = await ingest([1, 2, 3, 4]);
    const [dispatchedOld, undispatchedOld, retainedOld, alsoDispatched] = await eventsOf(old.orderIds);
    await dispatch([dispatchedOld, retainedOld, alsoDispatched]);
    pending.add(retainedOld);
    // The feed has placed them all.
    const before = (await t.http().get('/v1/events').set(reader).expect(200)).body;
    expect(before.events).toHaveLength(4);

    t.clock.advance(6 * DAY);
    const recent = await ingest([5]);
    const [recentEvent] = await eventsOf(recent.orderIds);
    await dispatch([recentEvent]);
    // Six days on: nothing is older than the 7-day window yet.
    expect(await t.app.get(OutboxPurgeScheduler).purgeNow()).toEqual({
      purged: 0,
      retained: { deliveries: 0, test_pending_deliveries: 0 },
      finishedDeliveries: 0,
      deliveryAttempts: 0,
      replays: 0,
    });

    t.clock.advance(2 * DAY);
    const result = await t.app.get(OutboxPurgeScheduler).purgeNow();
    expect(result).toEqual({
      purged: 2,
      retained: { deliveries: 0, test_pending_deliveries: 1 },
      finishedDeliveries: 0,
      deliveryAttempts: 0,
      replays: 0,
    });
    const left = (await ds.query(`SELECT event_id FROM outbox_events WHERE tenant_id = $1`, [tenantId])).map(
      (r: { event_id: string }) => r.event_id,
    );
    expect(new Set(left)).toEqual(new Set([undispatchedOld, retainedOld, recentEvent]));
    const positions = await ds.query(`SELECT event_id FROM event_feed WHERE tenant_id = $1`, [tenantId]);
    expect(positions.map((r: { event_id: string }) => r.event_id).sort()).toEqual(
      [undispatchedOld, retainedOld].sort(),
    );

    // A consumer reading from the start sees what is kept, in order; its old cursor still works.
    const after = (await t.http().get('/v1/events').set(reader).expect(200)).body;
    expect(after.events.map((e: { id: string }) => e.id)).toEqual([undispatchedOld, retainedOld, recentEvent]);
    const continued = (await t.http().get('/v1/events').query({ after: before.nextCursor }).set(reader).expect(200))
      .body;
    expect(continued.events.map((e: { id: string }) => e.id)).toEqual([recentEvent]);

    // Once the delivery is done, the retained event goes at the next purge.
    pending.delete(retainedOld);
    expect((await t.app.get(OutboxPurgeScheduler).purgeNow()).purged).toBe(1);
  });

  it('works through a backlog in batches', async () => {
    const many = await ingest(Array.from({ length: 25 }, (_, i) => 100 + i));
    await dispatch(await eventsOf(many.orderIds));
    t.clock.advance(8 * DAY);
    const result = await t.app.get(OutboxPurgeService).purge(t.clock.now(), 7, 10);
    // The 25, and the event test 1 kept recent, now past the window too.
    expect(result.purged).toBe(26);
    expect(await eventsOf(many.orderIds)).toEqual([]);
  });

  it('refuses a window outside 1-365 days at start-up', async () => {
    expect(() => loadConfig({ NODE_ENV: 'test', OUTBOX_RETENTION_DAYS: '0' })).toThrow(/OUTBOX_RETENTION_DAYS/);
  });
});
