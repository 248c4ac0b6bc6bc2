import { Webhook } from 'standardwebhooks';
import { DataSource } from 'typeorm';
import { deliverOnce, deliverSummaryText } from '../../src/cli/delivery-commands';
import { Dispatcher } from '../../src/delivery/dispatch/dispatcher.service';
import { ManualClock } from '../../src/platform/clock/clock';
import { MetricsRegistry } from '../../src/platform/metrics/metrics-registry';
import { BUYER_MARKER } from '../../src/sandbox/buyers';
import { seedOrders } from '../support/order-factory';
import { startTestApp, type AuthHeader, type TestApp } from '../support/test-app';
import { Receiver } from './support/receiver';
import { replayUntilDone } from './support/replays';

describe('deliveries API, ping and deliver --once', () => {
  let t: TestApp;
  let db: DataSource;
  let owner: AuthHeader;
  let tenantId: string;
  let receiver: Receiver;
  let endpointId: string;
  let secret: string;
  let orderIds: string[];

  beforeAll(async () => {
    t = await startTestApp({
      env: { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' },
      clock: new ManualClock(Date.now()),
    });
    db = t.app.get(DataSource);
    tenantId = await t.tenant('Deliveries');
    owner = (await t.seller(tenantId, ['endpoints:manage', 'grants:manage'])).auth;
    receiver = await Receiver.start();
    const created = await t
      .http()
      .post('/v1/endpoints')
      .set(owner)
      .send({ url: receiver.url, payloadMode: 'full' })
      .expect(201);
    endpointId = created.body.endpointId;
    secret = created.body.secret;
    // The receiver fails the first three requests, echoing the request body (buyer data) as receivers do.
    receiver.answer = (r, i) => (i < 3 ? { status: 500, body: r.body } : { status: 204 });
    orderIds = await seedOrders(t.app, tenantId, 5);
  });
  afterAll(async () => {
    await receiver.close();
    await t.close();
  });

  it('deliver --once fans out and sends everything due now, with a summary', async () => {
    const summary = await deliverOnce(t.app);
    expect(summary).toMatchObject({ events: 5, queued: 5, claimed: 5, succeeded: 2, retrying: 3, givenUp: 0 });
    expect(deliverSummaryText(summary)).toContain('2 succeeded, 3 to retry');
    expect(await deliverOnce(t.app)).toMatchObject({ events: 0, claimed: 0 });
  });

  it('lists an endpoint’s deliveries with filters and a cursor; never the receivers’ answers', async () => {
    const all = (await t.http().get(`/v1/endpoints/${endpointId}/deliveries`).set(owner).expect(200)).body;
    expect(all.items).toHaveLength(5);
    const failed = (await t.http().get(`/v1/endpoints/${endpointId}/deliveries?status=failed`).set(owner).expect(200))
      .body;
    expect(failed.items).toHaveLength(3);
    expect(failed.items.every((d: any) => d.status === 'failed_retrying' && d.nextAttemptAt)).toBe(true);
    const one = (
      await t.http().get(`/v1/endpoints/${endpointId}/deliveries?orderId=${orderIds[0]}`).set(owner).expect(200)
    ).body;
    expect(one.items.map((d: any) => d.orderId)).toEqual([orderIds[0]]);
    const typed = (
      await t.http().get(`/v1/endpoints/${endpointId}/deliveries?eventType=order.cancelled`).set(owner).expect(200)
    ).body;
    expect(typed.items).toEqual([]);
    const future = new Date(t.clock.nowMs() + 3600_000).toISOString();
    const none = (await t.http().get(`/v1/endpoints/${endpointId}/deliveries?since=${future}`).set(owner).expect(200))
      .body;
    expect(none.items).toEqual([]);

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = (
        await t
          .http()
          .get(`/v1/endpoints/${endpointId}/deliveries?limit=2${cursor ? `&cursor=${cursor}` : ''}`)
          .set(owner)
          .expect(200)
      ).body;
      seen.push(...page.items.map((d: any) => d.deliveryId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.sort()).toEqual(all.items.map((d: any) => d.deliveryId).sort());

    const detail = (await t.http().get(`/v1/deliveries/${failed.items[0].deliveryId}`).set(owner).expect(200)).body;
    expect(detail.attempts).toEqual([
      expect.objectContaining({ attemptNumber: 1, statusCode: 500, result: 'http_status', responseKept: true }),
    ]);
    expect(JSON.stringify(detail)).not.toContain(BUYER_MARKER);
    await t.http().get(`/v1/endpoints/${endpointId}/deliveries?cursor=bm9wZQ`).set(owner).expect(400);
    await t.http().get(`/v1/endpoints/${endpointId}/deliveries?status=lost`).set(owner).expect(400);
  });

  it('retries a delivery on request, in the same place of its order’s queue', async () => {
    const failed = (
      await t.http().get(`/v1/endpoints/${endpointId}/deliveries?status=failed_retrying`).set(owner).expect(200)
    ).body.items[0];
    const retried = (await t.http().post(`/v1/deliveries/${failed.deliveryId}/retry`).set(owner).expect(202)).body;
    expect(retried).toMatchObject({ status: 'pending', deliveryId: failed.deliveryId });
    expect(await t.app.get(Dispatcher).dispatchAllDue()).toMatchObject({ claimed: 1, succeeded: 1 });
    const after = (await t.http().get(`/v1/deliveries/${failed.deliveryId}`).set(owner).expect(200)).body;
    expect(after.status).toBe('succeeded');
    expect(after.attempts.map((a: any) => a.statusCode)).toEqual([500, 204]);
    const ids = receiver.received.map((r) => r.headers['webhook-id']);
    expect(ids.filter((id) => id === failed.eventId)).toHaveLength(2);
  });

  it('replays every failed delivery of an endpoint since a time', async () => {
    const since = new Date(t.clock.nowMs() - 3600_000).toISOString();
    const failedBefore = (
      await t.http().get(`/v1/endpoints/${endpointId}/deliveries?status=failed`).set(owner).expect(200)
    ).body.items.length;
    expect(failedBefore).toBe(2);
    await t.http().post(`/v1/endpoints/${endpointId}/replay`).set(owner).expect(400);
    const future = new Date(t.clock.nowMs() + 3600_000).toISOString();
    await t.http().post(`/v1/endpoints/${endpointId}/replay?since=${future}`).set(owner).expect(400);
    const done = await replayUntilDone(t, owner, `/v1/endpoints/${endpointId}/replay`, { since });
    expect(done).toMatchObject({ endpointId, toReplay: 2, replayed: 2, queued: 0 });
    const listed = (await t.http().get(`/v1/endpoints/${endpointId}/replays`).set(owner).expect(200)).body.items;
    expect(listed[0]).toEqual(done);
    expect(await t.app.get(Dispatcher).dispatchAllDue()).toMatchObject({ claimed: 2, succeeded: 2 });
  });

  it('pings an endpoint through the real pipeline', async () => {
    const ping = (await t.http().post(`/v1/endpoints/${endpointId}/test`).set(owner).expect(202)).body;
    expect(ping).toMatchObject({ eventType: 'ping', status: 'pending', orderId: null });
    await t.app.get(Dispatcher).dispatchAllDue();
    const got = receiver.received.at(-1)!;
    const payload = new Webhook(secret).verify(got.body, got.headers as Record<string, string>) as any;
    expect(payload).toMatchObject({ type: 'ping', id: ping.eventId, data: { endpointId } });
    const detail = (await t.http().get(`/v1/deliveries/${ping.deliveryId}`).set(owner).expect(200)).body;
    expect(detail.status).toBe('succeeded');
    expect(detail.attempts[0].responseKept).toBe(false);
  });

  it('lets staff with the seller’s grant read deliveries, never retry or ping; sellers need the endpoints scope', async () => {
    const granted = await t.staff('support', 'Granted');
    await t
      .http()
      .post('/v1/grants')
      .set(owner)
      .send({ granteeStaffId: granted.staffId, expiresAt: new Date(t.clock.nowMs() + 86_400_000).toISOString() })
      .expect(201);
    const staff = { ...granted.auth, 'X-Tenant-Id': tenantId };
    const list = (await t.http().get(`/v1/endpoints/${endpointId}/deliveries`).set(staff).expect(200)).body;
    expect(list.items.length).toBeGreaterThan(0);
    await t.http().get(`/v1/deliveries/${list.items[0].deliveryId}`).set(staff).expect(200);
    await t.http().post(`/v1/deliveries/${list.items[0].deliveryId}/retry`).set(staff).expect(403);
    await t.http().post(`/v1/endpoints/${endpointId}/test`).set(staff).expect(403);
    const ordersOnly = (await t.seller(tenantId, ['orders:read'])).auth;
    await t.http().get(`/v1/endpoints/${endpointId}/deliveries`).set(ordersOnly).expect(403);
    const other = await t.tenant('Other');
    const otherOwner = (await t.seller(other, ['endpoints:manage'])).auth;
    await t.http().get(`/v1/endpoints/${endpointId}/deliveries`).set(otherOwner).expect(404);
    await t.http().get(`/v1/deliveries/${list.items[0].deliveryId}`).set(otherOwner).expect(404);
  });

  it('counts attempts by result, their latency, and deliveries by state', async () => {
    const text = await t.app.get(MetricsRegistry).render();
    expect(text).toMatch(/ordervault_webhook_attempts_total\{result="http_status",service="ordervault"\} 3/);
    expect(text).toMatch(/ordervault_webhook_attempts_total\{result="ok",service="ordervault"\} [4-9]/);
    expect(text).toMatch(/ordervault_webhook_attempt_seconds_count\{service="ordervault",result="ok"\} [4-9]/);
    expect(text).toMatch(/ordervault_webhook_deliveries_total\{status="succeeded",service="ordervault"\} \d+/);
    expect(text).not.toContain(BUYER_MARKER);
  });

  it('keeps buyer data out of delivery rows, attempt rows and logs', async () => {
    const dump = JSON.stringify(
      await db.query(
        `SELECT row_to_json(d)::text AS j FROM deliveries d UNION ALL SELECT row_to_json(a)::text FROM delivery_attempts a`,
      ),
    );
    expect(dump).not.toContain(BUYER_MARKER);
    expect(t.logs.text()).not.toContain(BUYER_MARKER);
    const [forwarded] = await db.query(
      `SELECT count(*)::int AS n FROM audit_entries WHERE action = 'pii.forwarded' AND tenant_id = $1`,
      [tenantId],
    );
    expect(forwarded.n).toBeGreaterThanOrEqual(2);
  });
});
