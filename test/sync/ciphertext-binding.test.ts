import { DataKeyService } from '../../src/crypto';
import { ORDER_PII_PURPOSE } from '../../src/orders/order-ingest.service';
import { TransactionManager } from '../../src/platform/database/transaction-manager';
import { ErrorCodes } from '../../src/platform/errors/domain-error';
import { DEAD_LETTER_PURPOSE } from '../../src/sync/page-committer';
import {
  connectedTenant,
  startMarketplaces,
  startSyncApp,
  type MarketplaceHarness,
  type SyncApp,
} from '../support/marketplace-harness';
import { HOUR, MINUTE, openPii, query, sealedPii } from './sync-checks';

describe('sealed buyer data is bound to its row: moved ciphertext fails closed', () => {
  let m: MarketplaceHarness;
  let s: SyncApp;
  let a: Awaited<ReturnType<typeof connectedTenant>>;
  let b: Awaited<ReturnType<typeof connectedTenant>>;
  beforeAll(async () => {
    m = await startMarketplaces();
    s = await startSyncApp(m);
    a = await connectedTenant(m, s, 'Tenant A');
    b = await connectedTenant(m, s, 'Tenant B');
    m.amazon.addOrders(a.amazonSeller.sellingPartnerId, 3, {
      createdAt: m.clock.nowMs() - HOUR,
      fulfilledBy: 'MERCHANT',
    });
    m.ebay.addOrders(a.ebaySeller.sellerId, 2, { createdAt: new Date(m.clock.nowMs() - HOUR) });
    m.amazon.addOrders(b.amazonSeller.sellingPartnerId, 1, { createdAt: m.clock.nowMs() - HOUR });
    m.clock.advance(10 * MINUTE);
    await s.sync.runOnce();
  });
  afterAll(async () => {
    await s.close();
    await m.close();
  });

  /** Opening must fail with crypto_failure and return nothing partial. */
  async function expectCryptoFailure(work: Promise<unknown>) {
    await expect(work).rejects.toMatchObject({ code: ErrorCodes.CRYPTO_FAILURE });
  }

  it('each order opens under its own key; swapping two orders’ pii_ciphertext makes both fail with crypto_failure', async () => {
    const [x, y] = await sealedPii(s, a.tenant.tenantId, 'amazon');
    const before = await openPii(s, a.tenant.tenantId, [x, y]);
    expect(before.get(x.orderId)!.buyerName).toBe(m.amazon.buyerOf(x.marketplaceOrderId).fullName);
    expect(before.get(y.orderId)!.buyerName).toBe(m.amazon.buyerOf(y.marketplaceOrderId).fullName);

    await query(
      s,
      `UPDATE orders o SET pii_ciphertext = other.pii_ciphertext
         FROM orders other
        WHERE o.tenant_id = $1 AND other.tenant_id = $1
          AND ((o.order_id = $2 AND other.order_id = $3) OR (o.order_id = $3 AND other.order_id = $2))`,
      [a.tenant.tenantId, x.orderId, y.orderId],
    );
    const swapped = new Map((await sealedPii(s, a.tenant.tenantId, 'amazon')).map((r) => [r.orderId, r]));
    expect(swapped.get(x.orderId)!.ciphertext.equals(y.ciphertext)).toBe(true);
    expect(swapped.get(y.orderId)!.ciphertext.equals(x.ciphertext)).toBe(true);

    await expectCryptoFailure(openPii(s, a.tenant.tenantId, [swapped.get(x.orderId)!]));
    await expectCryptoFailure(openPii(s, a.tenant.tenantId, [swapped.get(y.orderId)!]));
    // Even the (untouched) third order only opens on its own: a batch with a moved ciphertext fails whole.
    const [, , z] = await sealedPii(s, a.tenant.tenantId, 'amazon');
    expect((await openPii(s, a.tenant.tenantId, [z])).get(z.orderId)!.buyerName).toBe(
      m.amazon.buyerOf(z.marketplaceOrderId).fullName,
    );
    await expectCryptoFailure(openPii(s, a.tenant.tenantId, [z, swapped.get(x.orderId)!]));
  });

  it('a ciphertext moved across marketplaces, across tenants or read for another purpose fails too', async () => {
    const [amazonRow] = await sealedPii(s, a.tenant.tenantId, 'amazon');
    const [ebayRow] = await sealedPii(s, a.tenant.tenantId, 'ebay');
    const [otherTenant] = await sealedPii(s, b.tenant.tenantId, 'amazon');

    // eBay order's key, Amazon order's ciphertext (same tenant).
    await expectCryptoFailure(
      openPii(s, a.tenant.tenantId, [{ orderId: ebayRow.orderId, ciphertext: amazonRow.ciphertext }]),
    );
    // Tenant B's order key, tenant A's ciphertext.
    await expectCryptoFailure(
      openPii(s, b.tenant.tenantId, [{ orderId: otherTenant.orderId, ciphertext: ebayRow.ciphertext }]),
    );
    // The right key and ciphertext, but opened as a dead-letter payload instead of order PII.
    await expectCryptoFailure(
      s.app.get(TransactionManager).run(async (tx) => {
        const key = await s.app.get(DataKeyService).openDataKey(tx, a.tenant.tenantId, ebayRow.orderId);
        return key.open(DEAD_LETTER_PURPOSE, ebayRow.ciphertext);
      }),
    );
    // One flipped bit in the stored ciphertext.
    const flipped = Buffer.from(ebayRow.ciphertext);
    flipped[flipped.length - 1] ^= 1;
    await expectCryptoFailure(openPii(s, a.tenant.tenantId, [{ orderId: ebayRow.orderId, ciphertext: flipped }]));
    // And the untampered row still opens with its own key and the order.pii purpose.
    const opened = await s.app.get(TransactionManager).run(async (tx) => {
      const key = await s.app.get(DataKeyService).openDataKey(tx, a.tenant.tenantId, ebayRow.orderId);
      return key.openJson<{ buyerMarketplaceId: string }>(ORDER_PII_PURPOSE, ebayRow.ciphertext);
    });
    expect(opened.buyerMarketplaceId).toBe(m.ebay.buyerOf(ebayRow.marketplaceOrderId).marketplaceBuyerId);
  });
});
