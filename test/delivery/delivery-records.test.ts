import { jobActor } from '../../src/auth';
import { Dispatcher } from '../../src/delivery/dispatch/dispatcher.service';
import { FanOutService } from '../../src/delivery/dispatch/fan-out.service';
import { OutboxPurgeScheduler } from '../../src/delivery/purge/outbox-purge.scheduler';
import { RetentionSweeper } from '../../src/retention';
import { startTestApp, type TestApp } from '../support/test-app';
import { DAY, seedDelivered, sql } from '../retention/retention-fixture';
import { Receiver } from './support/receiver';

/** Delivery rows live as long as the order records and outbox events they are about, and no longer. */
describe('deliveries in the lifetime of order records and outbox events', () => {
  let t: TestApp;
  let tenantId: string;
  let receiver: Receiver;
  let orderIds: string[];

  const count = (table: 'deliveries' | 'delivery_attempts') =>
    sql<{ n: number }>(
      t.app,
      `SELECT count(*)::int AS n FROM ${table} WHERE tenant_id = $1 AND order_id = ANY($2::uuid[])`,
      [tenantId, orderIds],
    ).then((r) => r[0].n);
  const deliver = async () => {
    await t.app.get(FanOutService).fanOutAll();
    return t.app.get(Dispatcher).dispatchAllDue();
  };

  beforeAll(async () => {
    t = await startTestApp({ env: { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true', OUTBOX_RETENTION_DAYS: '7' } });
    tenantId = await t.tenant('Lifetimes');
    receiver = await Receiver.start();
    const owner = (await t.seller(tenantId, ['endpoints:manage'])).auth;
    await t.http().post('/v1/endpoints').set(owner).send({ url: receiver.url, payloadMode: 'thin' }).expect(201);
    ({ orderIds } = await seedDelivered(t.app, tenantId, {
      marketplace: 'amazon',
      count: 3,
      deliveredAt: new Date('2026-11-02T09:00:00Z'),
      firstIndex: 1,
    }));
  });
  afterAll(async () => {
    await receiver.close();
    await t.close();
  });

  it('the outbox purge keeps an event while a delivery of it is open, and purges it once it succeeded', async () => {
    receiver.answer = () => ({ status: 500, body: 'down' });
    await deliver();
    expect(await count('deliveries')).toBe(3);
    t.clock.advance(8 * DAY);
    const kept = await t.app.get(OutboxPurgeScheduler).purgeNow();
    expect(kept.retained.deliveries).toBe(3);
    expect(kept.purged).toBe(0);

    receiver.answer = () => ({ status: 200, body: 'ok' });
    // Past the first retries' due times: every delivery is sent again and succeeds.
    await deliver();
    const open = await sql<{ n: number }>(
      t.app,
      `SELECT count(*)::int AS n FROM deliveries WHERE tenant_id = $1 AND status <> 'succeeded'`,
      [tenantId],
    );
    expect(open[0].n).toBe(0);
    const purged = await t.app.get(OutboxPurgeScheduler).purgeNow();
    expect(purged.retained.deliveries).toBe(0);
    expect(purged.purged).toBe(3);
  });

  it('an expired order record takes its deliveries and their attempt log with it', async () => {
    expect(await count('deliveries')).toBe(3);
    expect(await count('delivery_attempts')).toBe(6);
    // canonicalOrder(i) is purchased on 1 November 2026: 18 months later the records expire.
    t.clock.set(new Date('2028-05-01T10:00:05Z'));
    const summary = await t.app.get(RetentionSweeper).sweep(jobActor('retention-sweep'));
    expect(summary.recordsExpired).toBe(3);
    expect(summary.tenants[0].recordRows.deliveries).toBe(3 + 6);
    expect(await count('deliveries')).toBe(0);
    expect(await count('delivery_attempts')).toBe(0);
  });

  it('finished deliveries older than the window go with their attempts; open ones stay, however old', async () => {
    receiver.answer = () => ({ status: 200, body: 'ok' });
    const done = await seedDelivered(t.app, tenantId, {
      marketplace: 'amazon',
      count: 3,
      deliveredAt: new Date('2026-11-02T09:00:00Z'),
      firstIndex: 30,
    });
    await deliver();
    orderIds = done.orderIds;
    expect(await count('delivery_attempts')).toBe(3);
    // One more order, failing for now.
    receiver.answer = () => ({ status: 500, body: 'down' });
    const failing = await seedDelivered(t.app, tenantId, {
      marketplace: 'amazon',
      count: 1,
      deliveredAt: new Date('2026-11-02T09:00:00Z'),
      firstIndex: 40,
    });
    await deliver();
    const statusOf = (ids: string[]) =>
      sql<{ status: string }>(
        t.app,
        `SELECT status FROM deliveries WHERE tenant_id = $1 AND order_id = ANY($2::uuid[])`,
        [tenantId, ids],
      ).then((r) => r.map((x) => x.status));
    expect(await statusOf(failing.orderIds)).toEqual(['failed_retrying']);
    // Six days after they succeeded: inside the 7-day window, nothing goes.
    t.clock.advance(6 * DAY);
    expect(await t.app.get(OutboxPurgeScheduler).purgeNow()).toMatchObject({ finishedDeliveries: 0 });
    expect(await count('deliveries')).toBe(3);

    t.clock.advance(2 * DAY);
    const purged = await t.app.get(OutboxPurgeScheduler).purgeNow();
    expect(purged).toMatchObject({ finishedDeliveries: 3, deliveryAttempts: 3 });
    expect(await count('deliveries')).toBe(0);
    expect(await count('delivery_attempts')).toBe(0);
    // The open one stays, with its attempt, and so does its outbox event (a delivery still needs it).
    expect(await statusOf(failing.orderIds)).toEqual(['failed_retrying']);
    expect(purged.retained.deliveries).toBe(1);
    orderIds = failing.orderIds;
    expect(await count('delivery_attempts')).toBe(1);
  });
});
