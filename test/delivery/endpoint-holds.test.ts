import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { DeliveriesRepository } from '../../src/delivery/dispatch/deliveries.repository';
import { FanOutService } from '../../src/delivery/dispatch/fan-out.service';
import { ManualClock } from '../../src/platform/clock/clock';
import { TransactionManager } from '../../src/platform/database/transaction-manager';
import { seedOrders } from '../support/order-factory';
import { startTestApp, type TestApp } from '../support/test-app';
import { Receiver } from './support/receiver';
import { replicaDispatcher } from './support/replica-dispatcher';

/**
 * At most one dispatcher holds an endpoint's deliveries at a time (so the endpoint's cap holds across replicas):
 * the hold is kept on the endpoint, taken by the claim that leases its deliveries, given up once they are all
 * settled, and lapses with the leases if its holder dies. The lease itself touches no indexed column.
 */
describe('endpoint holds', () => {
  let t: TestApp;
  let receiver: Receiver;
  let db: DataSource;

  beforeAll(async () => {
    t = await startTestApp({ env: { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' }, clock: new ManualClock(Date.now()) });
    receiver = await Receiver.start();
    db = t.app.get(DataSource);
  });
  afterAll(async () => {
    await receiver.close();
    await t.close();
  });

  /** A dispatcher of its own (its own owner id), as another replica's. */
  const dispatcher = () => replicaDispatcher(t.app, t.clock);

  const endpointOf = async (name: string): Promise<{ tenantId: string; endpointId: string }> => {
    const tenantId = await t.tenant(name);
    const owner = (await t.seller(tenantId, ['endpoints:manage'])).auth;
    const res = await t
      .http()
      .post('/v1/endpoints')
      .set(owner)
      .send({ url: `${receiver.url}/${name}` })
      .expect(201);
    return { tenantId, endpointId: res.body.endpointId as string };
  };

  const holdOf = async (endpointId: string) =>
    (
      (await db.query(
        `SELECT claim_holder AS holder, claim_held_until AS until, claim_seq::text AS seq
           FROM webhook_endpoints WHERE endpoint_id = $1`,
        [endpointId],
      )) as Array<{ holder: string | null; until: Date | null; seq: string }>
    )[0];

  it('another dispatcher claims none of a held endpoint’s deliveries, claims the others’, and takes it once the hold lapses', async () => {
    const a = await endpointOf('held-a');
    const b = await endpointOf('held-b');
    const first = dispatcher();
    const second = dispatcher();
    await seedOrders(t.app, a.tenantId, 1);
    await t.app.get(FanOutService).fanOutAll();
    const held = await first.claim();
    expect(held.map((d) => d.endpointId)).toEqual([a.endpointId]);
    const hold = await holdOf(a.endpointId);
    expect(hold.holder).toBe(first.owner);
    expect(new Date(hold.until!).getTime()).toBe(held[0].leaseExpiresAt.getTime());

    await seedOrders(t.app, a.tenantId, 1);
    await seedOrders(t.app, b.tenantId, 1);
    await t.app.get(FanOutService).fanOutAll();
    const meanwhile = await second.claim();
    expect(meanwhile.map((d) => d.endpointId)).toEqual([b.endpointId]);
    expect((await holdOf(b.endpointId)).holder).toBe(second.owner);
    expect((await holdOf(a.endpointId)).holder).toBe(first.owner);

    // The first dispatcher died: once its hold (and its lease) lapse, the endpoint is the second's.
    t.clock.set(held[0].leaseExpiresAt.getTime() + 1000);
    const later = await second.claim();
    const taken = later.filter((d) => d.endpointId === a.endpointId).map((d) => d.deliveryId);
    expect(taken).toHaveLength(2);
    expect(taken).toContain(held[0].deliveryId);
    expect((await holdOf(a.endpointId)).holder).toBe(second.owner);
    await second.sendClaimed([...meanwhile.filter((d) => !later.some((l) => l.deliveryId === d.deliveryId)), ...later]);
    expect((await holdOf(a.endpointId)).holder).toBeNull();
    expect((await holdOf(b.endpointId)).holder).toBeNull();
  });

  it('a dispatcher gives its hold up once its deliveries are settled: another sends the endpoint’s next one at once', async () => {
    const c = await endpointOf('released');
    const first = dispatcher();
    const second = dispatcher();
    await seedOrders(t.app, c.tenantId, 2);
    await t.app.get(FanOutService).fanOutAll();
    expect(await first.dispatchAllDue()).toMatchObject({ claimed: 2, succeeded: 2 });
    const released = await holdOf(c.endpointId);
    expect(released.holder).toBeNull();
    expect(released.until).toBeNull();

    // No time passes: nothing is left for a hold to protect.
    await seedOrders(t.app, c.tenantId, 1);
    await t.app.get(FanOutService).fanOutAll();
    expect(await second.dispatchAllDue()).toMatchObject({ claimed: 1, succeeded: 1 });
    expect((await holdOf(c.endpointId)).holder).toBeNull();
  });

  it('a release made stale by a later claim of the endpoint leaves that claim’s hold; only the holder releases', async () => {
    const e = await endpointOf('stale-release');
    await seedOrders(t.app, e.tenantId, 2);
    await t.app.get(FanOutService).fanOutAll();
    const deliveries = t.app.get(DeliveriesRepository);
    const claimOne = () =>
      t.app.get(TransactionManager).run(async (tx) => {
        const now = t.clock.now();
        const due = (await deliveries.lockDue(tx, now, 100, 100)).filter((r) => r.endpoint_id === e.endpointId);
        const leased = await deliveries.lease(
          tx,
          due.slice(0, 1),
          randomUUID(),
          'owner-x',
          new Date(now.getTime() + 60_000),
        );
        return leased.holds.get(e.endpointId)!;
      });
    const firstSeq = await claimOne();
    const secondSeq = await claimOne();
    expect(BigInt(secondSeq)).toBe(BigInt(firstSeq) + 1n);

    await deliveries.releaseHolds('owner-x', [{ endpointId: e.endpointId, seq: firstSeq }]);
    expect((await holdOf(e.endpointId)).holder).toBe('owner-x');
    await deliveries.releaseHolds('owner-y', [{ endpointId: e.endpointId, seq: secondSeq }]);
    expect((await holdOf(e.endpointId)).holder).toBe('owner-x');
    await deliveries.releaseHolds('owner-x', [{ endpointId: e.endpointId, seq: secondSeq }]);
    expect(await holdOf(e.endpointId)).toEqual({ holder: null, until: null, seq: secondSeq });
  });

  it('the lease is written in place (a HOT update): no index of deliveries names a lease column', async () => {
    const f = await endpointOf('in-place');
    await seedOrders(t.app, f.tenantId, 5);
    await t.app.get(FanOutService).fanOutAll();
    const deliveries = t.app.get(DeliveriesRepository);
    const counts = await t.app.get(TransactionManager).run(async (tx) => {
      const now = t.clock.now();
      const due = (await deliveries.lockDue(tx, now, 100, 100)).filter((r) => r.endpoint_id === f.endpointId);
      const hot = async () =>
        (
          (await tx.query(`SELECT pg_stat_get_xact_tuples_hot_updated('deliveries'::regclass)::int AS n`)) as Array<{
            n: number;
          }>
        )[0].n;
      const before = await hot();
      await deliveries.lease(tx, due, randomUUID(), 'owner-z', new Date(now.getTime() + 60_000));
      return { leased: due.length, hot: (await hot()) - before };
    });
    expect(counts).toEqual({ leased: 5, hot: 5 });
  });
});
