import { randomBytes } from 'node:crypto';
import { TenantKeyService } from '../../src/crypto';
import type { BuyerPii } from '../../src/marketplaces/canonical-order';
import { ErrorCodes } from '../../src/platform/errors/domain-error';
import {
  connectedTenant,
  startMarketplaces,
  startSyncApp,
  type MarketplaceHarness,
  type SyncApp,
} from '../support/marketplace-harness';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { eventsByOrder, expectExactlyOnce, HOUR, MINUTE, openPii, query, sealedPii } from './sync-checks';

/**
 * Key rotation while orders are stored and syncing: after a tenant key rotation
 * and after a master key rotation, every ingested order's sealed buyer data
 * still opens to exactly what the marketplace sent, and sync carries on.
 */
describe('key rotations keep ingested orders readable', () => {
  let m: MarketplaceHarness;
  let db: TestDatabase;
  let t: Awaited<ReturnType<typeof connectedTenant>>;
  const masterA = randomBytes(32).toString('base64');
  const masterB = randomBytes(32).toString('base64');
  const amazonIds: string[] = [];
  const ebayIds: string[] = [];

  beforeAll(async () => {
    m = await startMarketplaces();
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.close();
    await m.close();
  });

  /** A fresh application (nothing cached) on the shared database with the given master keys. */
  async function withApp<T>(keys: { current: string; previous?: string }, work: (s: SyncApp) => Promise<T>) {
    const s = await startSyncApp(m, {
      db,
      env: { ORDERVAULT_MASTER_KEY: keys.current, ORDERVAULT_MASTER_KEY_PREVIOUS: keys.previous ?? '' },
    });
    try {
      return await work(s);
    } finally {
      await s.close();
    }
  }

  /** Opens every stored order's PII and compares it with the simulated buyer behind the order. */
  async function expectAllReadable(s: SyncApp): Promise<number> {
    const amazon = await sealedPii(s, t.tenant.tenantId, 'amazon');
    const ebay = await sealedPii(s, t.tenant.tenantId, 'ebay');
    expect(amazon.map((r) => r.marketplaceOrderId).sort()).toEqual([...amazonIds].sort());
    expect(ebay.map((r) => r.marketplaceOrderId).sort()).toEqual([...ebayIds].sort());
    const opened: Map<string, BuyerPii> = await openPii(s, t.tenant.tenantId, [...amazon, ...ebay]);
    for (const r of amazon) {
      const buyer = m.amazon.buyerOf(r.marketplaceOrderId);
      expect(opened.get(r.orderId)).toMatchObject({ buyerName: buyer.fullName });
      expect(opened.get(r.orderId)!.shippingAddress!.lines[0]).toBe(buyer.addressLine1);
    }
    for (const r of ebay) {
      const buyer = m.ebay.buyerOf(r.marketplaceOrderId);
      expect(opened.get(r.orderId)).toMatchObject({
        buyerName: buyer.fullName,
        email: buyer.email,
        buyerMarketplaceId: buyer.marketplaceBuyerId,
      });
    }
    return opened.size;
  }

  const keyVersions = async (s: SyncApp) =>
    query<{ v: number; n: number }>(
      s,
      `SELECT tenant_key_version AS v, count(*)::int AS n FROM data_keys WHERE tenant_id = $1 GROUP BY 1 ORDER BY 1`,
      [t.tenant.tenantId],
    );

  it('ingests under master A / tenant key v1', async () => {
    await withApp({ current: masterA }, async (s) => {
      t = await connectedTenant(m, s, 'Rotating');
      amazonIds.push(
        ...m.amazon
          .addOrders(t.amazonSeller.sellingPartnerId, 150, {
            createdAt: m.clock.nowMs() - 5 * HOUR,
            fulfilledBy: 'MERCHANT',
          })
          .map((o) => o.orderId),
      );
      ebayIds.push(
        ...m.ebay
          .addOrders(t.ebaySeller.sellerId, 60, { createdAt: new Date(m.clock.nowMs() - 5 * HOUR) })
          .map((o) => o.orderId),
      );
      m.clock.advance(10 * MINUTE);
      expect((await s.sync.runOnce(t.tenant.tenantId)).map((o) => o.result)).toEqual(['done', 'done']);
      expect(await expectAllReadable(s)).toBe(210);
      // 210 orders + 2 connections' credentials, all under version 1.
      expect(await keyVersions(s)).toEqual([{ v: 1, n: 212 }]);
    });
  });

  it('tenant key rotation rewraps every data key, leaves ciphertext untouched, and sync goes on under v2', async () => {
    await withApp({ current: masterA }, async (s) => {
      const before = await sealedPii(s, t.tenant.tenantId, 'amazon');
      const summary = await s.app.get(TenantKeyService).rotateTenant(t.tenant.tenantId);
      expect(summary).toMatchObject({ toVersion: 2, rewrapped: 212, retiredVersions: [1] });
      expect(await keyVersions(s)).toEqual([{ v: 2, n: 212 }]);
      const after = await sealedPii(s, t.tenant.tenantId, 'amazon');
      expect(after.map((r) => r.ciphertext.toString('hex'))).toEqual(before.map((r) => r.ciphertext.toString('hex')));
    });

    // A cold replica reads everything; its syncs open stored credentials and seal new orders under v2.
    await withApp({ current: masterA }, async (s) => {
      expect(await expectAllReadable(s)).toBe(210);
      m.clock.advance(MINUTE);
      const fresh = m.amazon.addOrders(t.amazonSeller.sellingPartnerId, 5, { fulfilledBy: 'MERCHANT' });
      amazonIds.push(...fresh.map((o) => o.orderId));
      // An old order's buyer moves: the stored PII (data key from the v1 era, now wrapped by v2) is
      // opened, merged with the new address and sealed again under the same data key.
      const moved = amazonIds[0];
      const sealedBefore = (await sealedPii(s, t.tenant.tenantId, 'amazon')).find(
        (r) => r.marketplaceOrderId === moved,
      )!;
      m.amazon.updateOrder(moved, (o) => (o.buyer = { ...o.buyer, addressLine1: 'Ovsimallee 7' }));
      m.clock.advance(10 * MINUTE);
      const [amazonRun] = (await s.sync.runOnce(t.tenant.tenantId)).filter((o) => o.marketplace === 'amazon');
      expect(amazonRun).toMatchObject({ result: 'done', created: 5, updated: 1 });
      expect(await keyVersions(s)).toEqual([{ v: 2, n: 217 }]);
      const sealedAfter = (await sealedPii(s, t.tenant.tenantId, 'amazon')).find(
        (r) => r.marketplaceOrderId === moved,
      )!;
      expect(sealedAfter.ciphertext.equals(sealedBefore.ciphertext)).toBe(false);
      expect(
        (await openPii(s, t.tenant.tenantId, [sealedAfter])).get(sealedAfter.orderId)!.shippingAddress!.lines[0],
      ).toBe('Ovsimallee 7');
      expect(await expectAllReadable(s)).toBe(215);
    });
  });

  it('master rotation A → B: a keyring of B alone fails closed before, and reads everything after', async () => {
    // B alone, before any rewrap: nothing wrapped under A opens (and says so).
    await withApp({ current: masterB }, async (s) => {
      const [row] = await sealedPii(s, t.tenant.tenantId, 'ebay');
      await expect(openPii(s, t.tenant.tenantId, [row])).rejects.toMatchObject({ code: ErrorCodes.CRYPTO_FAILURE });
    });

    await withApp({ current: masterB, previous: masterA }, async (s) => {
      expect(await expectAllReadable(s)).toBe(215); // A as previous key still opens everything
      const summary = await s.app.get(TenantKeyService).rotateMaster();
      expect(summary).toMatchObject({ tenantKeysRewrapped: 2, indexRootsRewrapped: 1, remaining: 0 });
    });

    await withApp({ current: masterB }, async (s) => {
      expect(await expectAllReadable(s)).toBe(215);
      // And sync keeps working with B only: credentials open, new and changed orders seal and merge.
      m.clock.advance(MINUTE);
      ebayIds.push(...m.ebay.addOrders(t.ebaySeller.sellerId, 4, { spacingMs: 1000 }).map((o) => o.orderId));
      m.ebay.ship(ebayIds[0]);
      m.clock.advance(10 * MINUTE);
      const outcomes = await s.sync.runOnce(t.tenant.tenantId);
      expect(outcomes.map((o) => `${o.marketplace}:${o.result}`).sort()).toEqual(['amazon:done', 'ebay:done']);
      expect(outcomes.find((o) => o.marketplace === 'ebay')).toMatchObject({ created: 4, updated: 1 });
      expect(await expectAllReadable(s)).toBe(219);
      await expectExactlyOnce(s, t.tenant.tenantId, 'amazon', amazonIds);
      await expectExactlyOnce(s, t.tenant.tenantId, 'ebay', ebayIds);
      expect((await eventsByOrder(s, t.tenant.tenantId, 'ebay')).get(ebayIds[0])).toEqual([
        'order.created',
        'order.updated',
      ]);
    });
  });
});
