import { DataSource } from 'typeorm';
import { dumpAllRows } from '../../src/demo/database-dump';
import { buyerStrings } from '../../src/sandbox/buyers';
import {
  connectedTenant,
  startMarketplaces,
  startSyncApp,
  type MarketplaceHarness,
  type SyncApp,
} from '../support/marketplace-harness';

const HOUR = 3600_000;

describe('sync end to end: simulators → real clients → sealed rows + outbox', () => {
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

  it('ingests Amazon and eBay orders, seals every buyer datum and queues one created event each', async () => {
    const { tenant, amazonSeller, ebaySeller } = await connectedTenant(m, s);
    const amazonOrders = m.amazon.addOrders(amazonSeller.sellingPartnerId, 150, {
      createdAt: m.clock.nowMs() - 5 * HOUR,
    });
    const ebayOrders = m.ebay.addOrders(ebaySeller.sellerId, 230, { createdAt: new Date(m.clock.nowMs() - 5 * HOUR) });
    m.clock.advance(10 * 60_000);

    const outcomes = await s.sync.runOnce(tenant.tenantId);
    expect(outcomes.map((o) => o.result).sort()).toEqual(['done', 'done']);
    const counts = await s.orders.countByMarketplace(tenant.tenantId);
    expect(counts).toEqual([
      { marketplace: 'amazon', count: amazonOrders.length },
      { marketplace: 'ebay', count: ebayOrders.length },
    ]);
    expect(await s.orders.pendingEvents(tenant.tenantId)).toBe(380);
    expect(outcomes.find((o) => o.marketplace === 'amazon')!.pages).toBe(2);
    expect(outcomes.find((o) => o.marketplace === 'ebay')!.pages).toBe(2);

    // Nothing a buyer typed or owns appears anywhere in the database in clear.
    const secrets = [
      ...amazonOrders.flatMap((o) => buyerStrings(m.amazon.buyerOf(o.orderId))),
      ...ebayOrders.flatMap((o) => buyerStrings(m.ebay.buyerOf(o.orderId))),
    ];
    const dump = await dumpDatabase(s);
    expect(dump.length).toBeGreaterThan(10_000);
    expect(dump).toContain(amazonOrders[0].orderId); // the scan does see stored text
    const leaks = [...new Set(secrets)].filter((v) => dump.includes(v));
    expect(leaks).toEqual([]);
    expect(dump.toLowerCase()).not.toContain('ovsim');

    // ...nor in the logs.
    const logText = s.logs.text();
    expect(logText.length).toBeGreaterThan(0);
    expect([...new Set(secrets)].filter((v) => logText.includes(v))).toEqual([]);
  });

  it('a second pass with nothing new changes nothing and queues no event', async () => {
    const before = await s.orders.pendingEvents();
    m.clock.advance(10 * 60_000);
    const outcomes = await s.sync.runOnce();
    expect(outcomes.every((o) => o.created === 0 && o.updated === 0)).toBe(true);
    expect(await s.orders.pendingEvents()).toBe(before);
  });
});

/** Every row of every table as JSON text (bytea as hex): what a database dump would hold. */
async function dumpDatabase(s: SyncApp): Promise<string> {
  return (await dumpAllRows(s.app.get(DataSource))).text;
}
