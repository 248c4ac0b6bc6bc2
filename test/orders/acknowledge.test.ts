import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { OrderIngestService } from '../../src/orders';
import { TransactionManager } from '../../src/platform/database/transaction-manager';
import { canonicalOrder } from '../support/order-factory';
import { startTestApp, type AuthHeader, type TestApp } from '../support/test-app';

const DAY = 86_400_000;

describe('POST /v1/orders/:id/acknowledge', () => {
  let t: TestApp;
  let tenantId: string;
  let consumer: { keyId: string; auth: AuthHeader };
  let reader: AuthHeader;
  let orderIds: string[];
  const connectionId = randomUUID();

  const ingest = (indexes: number[], overrides = {}) =>
    t.app.get(TransactionManager).run((tx) =>
      t.app.get(OrderIngestService).ingestPage(
        tx,
        { tenantId, connectionId },
        indexes.map((i) => canonicalOrder(i, overrides)),
      ),
    );
  const ack = (orderId: string, auth: AuthHeader = consumer.auth) =>
    t.http().post(`/v1/orders/${orderId}/acknowledge`).set(auth);
  const listIds = async (query: Record<string, string>) =>
    (await t.http().get('/v1/orders').query(query).set(reader).expect(200)).body.items.map(
      (o: { orderId: string }) => o.orderId,
    );

  beforeAll(async () => {
    t = await startTestApp();
    tenantId = await t.tenant('Acknowledging');
    consumer = await t.seller(tenantId, ['orders:read', 'orders:acknowledge']);
    reader = (await t.seller(tenantId, ['orders:read'])).auth;
    orderIds = [...(await ingest([1, 2, 3])).orderIds];
  });
  afterAll(() => t.close());

  it('records when, by which key and at which version; repeats change nothing', async () => {
    const first = await ack(orderIds[0]).expect(200);
    expect(first.body).toMatchObject({
      orderId: orderIds[0],
      version: 1,
      acknowledgement: { at: '2026-11-02T10:00:00.000Z', keyId: consumer.keyId, version: 1 },
    });
    expect(JSON.stringify(first.body)).not.toContain('Ovsim');
    t.clock.advance(60_000);
    const again = await ack(orderIds[0]).expect(200);
    expect(again.body.acknowledgement).toEqual(first.body.acknowledgement);
    // Shown in the masked view for every reader.
    const view = await t.http().get(`/v1/orders/${orderIds[0]}`).set(reader).expect(200);
    expect(view.body.acknowledgement).toEqual(first.body.acknowledgement);
    const unacked = await t.http().get(`/v1/orders/${orderIds[1]}`).set(reader).expect(200);
    expect(unacked.body.acknowledgement).toBeNull();
  });

  it('filters the order list by acknowledged=true|false and leaves the list order alone', async () => {
    const before = await listIds({});
    await ack(orderIds[2]).expect(200);
    expect(await listIds({})).toEqual(before);
    expect(await listIds({ acknowledged: 'true' })).toEqual(before.filter((id: string) => id !== orderIds[1]));
    expect(await listIds({ acknowledged: 'false' })).toEqual([orderIds[1]]);
    const bad = await t.http().get('/v1/orders').query({ acknowledged: 'yes' }).set(reader).expect(400);
    expect(bad.body.error.message).toContain('acknowledged');
  });

  it('keeps the acknowledged version when the order changes later, and a new version stays visible', async () => {
    const before = (await ack(orderIds[0]).expect(200)).body.acknowledgement;
    await ingest([1], { status: 'cancelled', rawStatus: 'CANCELED', lastUpdatedAt: new Date(Date.UTC(2026, 10, 2)) });
    const view = await t.http().get(`/v1/orders/${orderIds[0]}`).set(reader).expect(200);
    expect(view.body).toMatchObject({ status: 'cancelled', version: 2, acknowledgement: before });
  });

  it('needs orders:acknowledge on a seller key: read-only keys, staff and other tenants are refused', async () => {
    await ack(orderIds[1], reader).expect(403);
    const support = await t.staff('support', 'Ack Support');
    const owner = (await t.seller(tenantId, ['grants:manage'])).auth;
    await t
      .http()
      .post('/v1/grants')
      .set(owner)
      .send({ granteeStaffId: support.staffId, expiresAt: new Date(t.clock.nowMs() + DAY).toISOString() })
      .expect(201);
    await ack(orderIds[1], support.auth).set('X-Tenant-Id', tenantId).expect(403);
    await ack(orderIds[1], t.admin).set('X-Tenant-Id', tenantId).expect(403);
    const other = await t.tenant('Other Acknowledger');
    const otherKey = (await t.seller(other, ['orders:acknowledge'])).auth;
    await ack(orderIds[1], otherKey).expect(404);
    await ack('not-a-uuid').expect(400);
    await ack('00000000-0000-4000-8000-000000000000').expect(404);
    const [row] = await t.app
      .get(DataSource)
      .query(`SELECT acknowledged_at FROM orders WHERE order_id = $1`, [orderIds[1]]);
    expect(row.acknowledged_at).toBeNull();
  });
});
