import { OrdersService } from '../../src/orders';
import { TransactionManager } from '../../src/platform/database/transaction-manager';
import {
  connectedTenant,
  startMarketplaces,
  startSyncApp,
  type MarketplaceHarness,
  type SyncApp,
} from '../support/marketplace-harness';

const HOUR = 3600_000;

describe('eBay: cancelled and cancel-requested orders are re-read with getOrder', () => {
  let m: MarketplaceHarness;
  let s: SyncApp;
  beforeAll(async () => {
    m = await startMarketplaces();
    s = await startSyncApp(m);
  });
  afterAll(async () => {
    await s.close();
    await m.close();
  });

  it("stores what only getOrder has (the buyer's tax id) for those orders, one detail call each", async () => {
    const { tenant, ebaySeller } = await connectedTenant(m, s);
    const orders = m.ebay.addOrders(ebaySeller.sellerId, 60, { createdAt: new Date(m.clock.nowMs() - 5 * HOUR) });
    const business = orders.filter((o) => m.ebay.buyerOf(o.orderId).taxId);
    expect(business.length).toBeGreaterThanOrEqual(2);
    const [cancelled, kept] = business;
    m.ebay.cancel(cancelled.orderId);
    const requested = orders.find((o) => !m.ebay.buyerOf(o.orderId).taxId)!;
    m.ebay.requestCancel(requested.orderId);
    m.clock.advance(10 * 60_000);
    m.ebay.resetObservations();

    const [outcome] = (await s.sync.runOnce(tenant.tenantId)).filter((o) => o.marketplace === 'ebay');
    expect(outcome).toMatchObject({ result: 'done', created: 60 });
    const detailReads = m.ebay.requests.filter((r) => r.operation === 'getOrder').map((r) => r.path.split('/').pop());
    expect(detailReads.sort()).toEqual([cancelled.orderId, requested.orderId].sort());

    const pii = async (marketplaceOrderId: string) => {
      const page = await s.orders.list(tenant.tenantId, { marketplace: 'ebay', limit: 200 });
      const order = page.items.find((o) => o.marketplaceOrderId === marketplaceOrderId)!;
      return s.app
        .get(TransactionManager)
        .run(
          async (tx) =>
            (await s.app.get(OrdersService).sealedInTx(tx, tenant.tenantId, order.orderId)).open().buyer.data,
        );
    };
    expect((await pii(cancelled.orderId)).taxIds.map((t) => t.value)).toEqual([
      m.ebay.buyerOf(cancelled.orderId).taxId,
    ]);
    // The same kind of buyer on an order nobody cancelled: getOrders never carries the tax id.
    expect((await pii(kept.orderId)).taxIds).toEqual([]);
  });
});
