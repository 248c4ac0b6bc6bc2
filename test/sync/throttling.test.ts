import { PageCommitter } from '../../src/sync/page-committer';
import { SyncRunner } from '../../src/sync/sync-runner';
import { startMarketplaces, startSyncApp, type MarketplaceHarness, type SyncApp } from '../support/marketplace-harness';
import {
  amazonConnection,
  ebayConnection,
  expectExactlyOnce,
  HOUR,
  MINUTE,
  orphans,
  query,
  syncState,
} from './sync-checks';
import { TEST_ACTOR } from '../support/test-actor';

/*
 * "Nothing sleeps" is not measured in wall time (a busy machine made that assertion fail): the waits asked for
 * here add up to minutes, and the test clock only moves when a test moves it, so a runner that slept, on real
 * timers or on the clock, could not finish within Jest's test timeout.
 */
const SEARCH_PATH = '/orders/2026-01-01/orders';

describe('sync under 429 storms: the shared budget throttles, nothing sleeps, nothing is lost', () => {
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
  beforeEach(() => {
    m.amazon.resetObservations();
    m.ebay.resetObservations();
  });

  const budgetRow = async (connectionId: string) =>
    (
      await query<{ tokens: number; rate: number; blocked_until: Date | null }>(
        s,
        `SELECT tokens::float8 AS tokens, rate::float8 AS rate, blocked_until FROM rate_budgets WHERE connection_id = $1`,
        [connectionId],
      )
    )[0];

  it('Amazon: a small per-seller usage plan ends runs throttled until the clock refills the budget', async () => {
    const tenant = await s.tenants.create(TEST_ACTOR, 'Throttled Amazon');
    // 3 requests of burst, then one every 20 s: far below the published 20 / 0.0056.
    const { seller, connection } = await amazonConnection(m, s, tenant.tenantId, {
      usagePlans: { searchOrders: { rate: 0.05, burst: 3 } },
    });
    const orders = m.amazon.addOrders(seller.sellingPartnerId, 1050, { createdAt: m.clock.nowMs() - 5 * HOUR });
    m.clock.advance(10 * MINUTE);

    // Pass 1: three pages, then the marketplace answers 429 and the run stops instead of waiting.
    const [first] = await s.sync.runOnce(tenant.tenantId);
    expect(first).toMatchObject({ result: 'throttled', errorCode: 'QuotaExceeded', pages: 3, created: 300 });
    const wait = first.nextRunAt.getTime() - m.clock.nowMs();
    expect(wait).toBe(20_000); // one token at the rate the marketplace reported (x-amzn-RateLimit-Limit 0.05)
    const searches = () => m.amazon.requests.filter((r) => r.operation === 'searchOrders');
    expect(searches().map((r) => r.status)).toEqual([200, 200, 200, 429]);
    const throttledState = await syncState(s, tenant.tenantId, connection.connectionId);
    expect(throttledState.next_run_at.getTime()).toBe(first.nextRunAt.getTime());
    expect(throttledState.page_position).not.toBeNull(); // resumes the window, does not restart it
    expect(throttledState.consecutive_failures).toBe(0); // a throttle is not a failure
    expect(await budgetRow(connection.connectionId)).toMatchObject({ tokens: 0, rate: 0.05 });
    expect((await budgetRow(connection.connectionId)).blocked_until!.getTime()).toBe(first.nextRunAt.getTime());

    // Before the budget refills nothing is due: no request reaches the marketplace.
    m.clock.advance(10_000);
    expect(await s.sync.runOnce(tenant.tenantId)).toEqual([]);
    expect(searches()).toHaveLength(4);
    // Not only the schedule: a worker running the connection anyway (another replica, a manual run)
    // draws from the same bucket in PostgreSQL and stops before calling the marketplace.
    const eager = await s.app
      .get(SyncRunner)
      .run({ tenantId: tenant.tenantId, connectionId: connection.connectionId }, null);
    expect(eager).toMatchObject({ result: 'throttled', errorCode: 'budget', pages: 0 });
    expect(eager.nextRunAt.getTime()).toBe(first.nextRunAt.getTime());
    expect(searches()).toHaveLength(4);

    // Each refill buys one page; from now on our own budget stops us before the marketplace has to.
    const results: string[] = [];
    for (let pass = 0; pass < 20; pass++) {
      m.clock.advance(10_000);
      const outcomes = await s.sync.runOnce(tenant.tenantId);
      results.push(...outcomes.map((o) => `${o.result}:${o.pages}:${o.errorCode ?? ''}`));
      if (outcomes.some((o) => o.result === 'done')) break;
    }
    expect(results).toEqual([...Array(7).fill('throttled:1:budget'), 'done:1:']);
    expect(searches().filter((r) => r.status === 429)).toHaveLength(1);
    expect(searches()).toHaveLength(4 + 8);

    await expectExactlyOnce(
      s,
      tenant.tenantId,
      'amazon',
      orders.map((o) => o.orderId),
    );
    const done = await syncState(s, tenant.tenantId, connection.connectionId);
    expect(done).toMatchObject({ page_position: null, window_from: null, last_error_code: null });
  });

  it('Amazon: the published plan empties our shared budget before the marketplace has to say 429', async () => {
    const tenant = await s.tenants.create(TEST_ACTOR, 'Big Amazon');
    const { seller, connection } = await amazonConnection(m, s, tenant.tenantId);
    const orders = m.amazon.addOrders(seller.sellingPartnerId, 2050, { createdAt: m.clock.nowMs() - 5 * HOUR });
    m.clock.advance(10 * MINUTE);

    const [first] = await s.sync.runOnce(tenant.tenantId);
    // Burst 20: twenty pages, then the bucket (in PostgreSQL, shared by every replica) is empty.
    expect(first).toMatchObject({ result: 'throttled', errorCode: 'budget', pages: 20, created: 2000 });
    expect(first.nextRunAt.getTime() - m.clock.nowMs()).toBe(Math.ceil(1000 / 0.0056));
    expect(m.amazon.requests.filter((r) => r.status === 429)).toEqual([]);

    m.clock.advance(Math.ceil(1000 / 0.0056));
    const [second] = await s.sync.runOnce(tenant.tenantId);
    expect(second).toMatchObject({ result: 'done', pages: 1, created: 50 });
    expect(m.amazon.requests.filter((r) => r.operation === 'searchOrders')).toHaveLength(21);
    await expectExactlyOnce(
      s,
      tenant.tenantId,
      'amazon',
      orders.map((o) => o.orderId),
    );
    expect((await syncState(s, tenant.tenantId, connection.connectionId)).page_position).toBeNull();
  });

  it('Amazon: injected 429s in the middle of a window resume at the same page once the block passes', async () => {
    const tenant = await s.tenants.create(TEST_ACTOR, 'Stormy Amazon');
    const { seller, connection } = await amazonConnection(m, s, tenant.tenantId);
    const orders = m.amazon.addOrders(seller.sellingPartnerId, 450, { createdAt: m.clock.nowMs() - 5 * HOUR });
    m.clock.advance(10 * MINUTE);
    m.amazon.failNextRequests(3, '429');

    const outcomes: string[] = [];
    for (let pass = 0; pass < 12; pass++) {
      const ran = await s.sync.runOnce(tenant.tenantId);
      outcomes.push(...ran.map((o) => `${o.result}:${o.pages}`));
      if (ran.some((o) => o.result === 'done')) break;
      expect(ran.every((o) => o.nextRunAt.getTime() > m.clock.nowMs())).toBe(true);
      m.clock.advance(Math.ceil(1000 / 0.0056));
    }
    // A 429 empties the bucket: after the block, pages come one per refill (1 / 0.0056 s), as the
    // marketplace's own bucket would allow, until the window is done.
    expect(outcomes).toEqual([
      'throttled:0',
      'throttled:0',
      'throttled:0',
      'throttled:1',
      'throttled:1',
      'throttled:1',
      'throttled:1',
      'done:1',
    ]);
    // Injected faults are answered before the simulator classifies the call: match on the path.
    expect(m.amazon.requests.filter((r) => r.path === SEARCH_PATH).map((r) => r.status)).toEqual([
      429, 429, 429, 200, 200, 200, 200, 200,
    ]);
    await expectExactlyOnce(
      s,
      tenant.tenantId,
      'amazon',
      orders.map((o) => o.orderId),
    );
    expect((await syncState(s, tenant.tenantId, connection.connectionId)).consecutive_failures).toBe(0);
  });

  it('eBay: 429 (errorId 2001) mid-window throttles the connection; the clock brings it back at the same offset', async () => {
    const tenant = await s.tenants.create(TEST_ACTOR, 'Throttled eBay');
    const { seller, connection } = await ebayConnection(m, s, tenant.tenantId);
    const orders = m.ebay.addOrders(seller.sellerId, 950, {
      createdAt: new Date(m.clock.nowMs() - 5 * HOUR),
      spacingMs: 1000,
    });
    m.clock.advance(10 * MINUTE);

    // Two pages in, the call limit is reached for the next two calls.
    const committer = s.app.get(PageCommitter);
    const commit = committer.commit.bind(committer);
    let commits = 0;
    const spy = jest.spyOn(committer, 'commit').mockImplementation(async (...args) => {
      const done = await commit(...args);
      if (++commits === 2) m.ebay.failNextRequests(2, '429');
      return done;
    });
    try {
      const [firstPass] = await s.sync.runOnce(tenant.tenantId);
      expect(firstPass).toMatchObject({ result: 'throttled', errorCode: '2001', pages: 2, created: 400 });
      expect(firstPass.nextRunAt.getTime()).toBeGreaterThan(m.clock.nowMs());
      expect(await budgetRow(connection.connectionId)).toMatchObject({ tokens: 0 });
      expect(JSON.parse((await syncState(s, tenant.tenantId, connection.connectionId)).page_position!)).toEqual({
        offset: 400,
        total: 950,
      });

      // Not due yet: nothing is sent.
      expect(await s.sync.runOnce(tenant.tenantId)).toEqual([]);

      m.clock.advance(firstPass.nextRunAt.getTime() - m.clock.nowMs());
      const [secondPass] = await s.sync.runOnce(tenant.tenantId);
      expect(secondPass).toMatchObject({ result: 'throttled', errorCode: '2001', pages: 0 });

      // After the block the emptied bucket refills at 1 call/s: one page per second until done.
      const rest: string[] = [];
      for (let pass = 0; pass < 6 && !rest.includes('done:1'); pass++) {
        m.clock.advance(
          Math.max(
            0,
            (await syncState(s, tenant.tenantId, connection.connectionId)).next_run_at.getTime() - m.clock.nowMs(),
          ),
        );
        rest.push(...(await s.sync.runOnce(tenant.tenantId)).map((o) => `${o.result}:${o.pages}`));
      }
      expect(rest).toEqual(['throttled:1', 'throttled:1', 'done:1']);
    } finally {
      spy.mockRestore();
    }

    const calls = m.ebay.requests.filter((r) => r.operation === 'getOrders');
    expect(calls.map((r) => `${r.status}@${r.query.offset}`)).toEqual([
      '200@0',
      '200@200',
      '429@400',
      '429@400',
      '200@400',
      '200@600',
      '200@800',
    ]);
    await expectExactlyOnce(
      s,
      tenant.tenantId,
      'ebay',
      orders.map((o) => o.orderId),
    );
    expect(await orphans(s)).toEqual({ events: 0, dataKeys: 0 });
  });
});
