import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { OrderIngestService, OrdersService } from '../../src/orders';
import { Order } from '../../src/orders/order.entity';
import { toMaskedOrderView } from '../../src/orders/order.mapper';
import { TransactionManager } from '../../src/platform/database/transaction-manager';
import { canonicalOrder } from '../support/order-factory';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * The dispatcher reads orders with plain SQL mapped by hand (a hot path): what it sends must be exactly the
 * masked view built from the entity, for every kind of order (shipped, acknowledged, destroyed, no amount).
 */
describe('orders as the dispatcher reads them', () => {
  let t: TestApp;
  let tenantId: string;
  let orderIds: string[];

  beforeAll(async () => {
    t = await startTestApp();
    tenantId = await t.tenant('Dispatch reads');
    const summary = await t.app.get(TransactionManager).run((tx) =>
      t.app.get(OrderIngestService).ingestPage(
        tx,
        { tenantId, connectionId: randomUUID() },
        [1, 2, 3, 4].map((i) => canonicalOrder(7100 + i)),
      ),
    );
    orderIds = [...summary.orderIds];
    const db = t.app.get(DataSource);
    await db.query(
      `UPDATE orders SET acknowledged_at = now(), acknowledged_by_key_id = 'key_1', acknowledged_version = 1,
              shipped_at = now(), sales_channel = 'web' WHERE order_id = $1`,
      [orderIds[0]],
    );
    await db.query(
      `UPDATE orders SET pii_state = 'destroyed', pii_ciphertext = NULL, pii_destroyed_at = now() WHERE order_id = $1`,
      [orderIds[1]],
    );
    await db.query(`UPDATE orders SET total_amount = NULL, currency = NULL WHERE order_id = $1`, [orderIds[2]]);
  });
  afterAll(() => t.close());

  it.each([true, false])('gives the masked view the entity gives (buyer data opened: %s)', async (withPii) => {
    const read = await t.app.get(TransactionManager).run((tx) =>
      t.app.get(OrdersService).forDispatchOfTenants(
        tx,
        orderIds.map((orderId) => ({ tenantId, orderId })),
        withPii,
      ),
    );
    const entities = await t.app.get(DataSource).getRepository(Order).findBy({ tenantId });
    expect(read.size).toBe(orderIds.length);
    for (const entity of entities) {
      const found = read.get(`${tenantId}/${entity.orderId}`)!;
      expect(found.order).toEqual(toMaskedOrderView(entity));
      expect(found.pii !== null).toBe(withPii && entity.piiState === 'present');
    }
  });
});
