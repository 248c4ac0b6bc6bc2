import { randomBytes } from 'node:crypto';
import { JobQueue, LeaseLostError, type ClaimedJob } from '../../src/platform/jobs/job-queue';
import { PageCommitter } from '../../src/sync/page-committer';
import { SyncRunner } from '../../src/sync/sync-runner';
import { SYNC_QUEUE } from '../../src/sync/sync-worker';
import {
  connectedTenant,
  startMarketplaces,
  startSyncApp,
  type MarketplaceHarness,
  type SyncApp,
} from '../support/marketplace-harness';
import { createTestDatabase, usingServer, type TestDatabase } from '../support/test-database';
import { expectExactlyOnce, HOUR, MINUTE, orphans, query, syncState } from './sync-checks';
import { TEST_ACTOR } from '../support/test-actor';

describe('workers racing for one connection', () => {
  let m: MarketplaceHarness;
  let db: TestDatabase;
  let s: SyncApp;
  const env = { ORDERVAULT_MASTER_KEY: randomBytes(32).toString('base64') };
  beforeAll(async () => {
    m = await startMarketplaces();
    db = await createTestDatabase();
    s = await startSyncApp(m, { db, env });
  });
  afterAll(async () => {
    await s.close();
    await db.close();
    await m.close();
  });
  beforeEach(() => {
    m.amazon.resetObservations();
    m.ebay.resetObservations();
  });

  const pageRequests = () => ({
    amazon: m.amazon.requests.filter((r) => r.operation === 'searchOrders').length,
    ebay: m.ebay.requests.filter((r) => r.operation === 'getOrders').length,
  });
  const eventCount = async (tenantId: string) =>
    (await query<{ n: number }>(s, `SELECT count(*)::int AS n FROM outbox_events WHERE tenant_id = $1`, [tenantId]))[0]
      .n;

  async function tenantWithOrders(name: string) {
    const t = await connectedTenant(m, s, name);
    const amazon = m.amazon.addOrders(t.amazonSeller.sellingPartnerId, 1050, {
      createdAt: m.clock.nowMs() - 5 * HOUR,
    });
    const ebay = m.ebay.addOrders(t.ebaySeller.sellerId, 950, {
      createdAt: new Date(m.clock.nowMs() - 5 * HOUR),
      spacingMs: 1000,
    });
    m.clock.advance(10 * MINUTE);
    return { ...t, amazonIds: amazon.map((o) => o.orderId), ebayIds: ebay.map((o) => o.orderId) };
  }

  if (usingServer()) {
    it('two app instances on one database both enqueue and drain: every page fetched and committed once', async () => {
      const t = await tenantWithOrders('Two replicas');
      const other = await startSyncApp(m, { db, env });
      try {
        const [a, b] = await Promise.all([s.sync.runOnce(t.tenant.tenantId), other.sync.runOnce(t.tenant.tenantId)]);
        const withPages = [...a, ...b].filter((o) => o.pages > 0);
        expect(withPages.map((o) => `${o.marketplace}:${o.result}:${o.pages}:${o.created}`).sort()).toEqual([
          'amazon:done:11:1050',
          'ebay:done:5:950',
        ]);
        expect(pageRequests()).toEqual({ amazon: 11, ebay: 5 });
      } finally {
        await other.close();
      }
      await expectExactlyOnce(s, t.tenant.tenantId, 'amazon', t.amazonIds);
      await expectExactlyOnce(s, t.tenant.tenantId, 'ebay', t.ebayIds);
      expect(await eventCount(t.tenant.tenantId)).toBe(2000);
      expect(await query(s, `SELECT job_id FROM jobs`)).toEqual([]);
    });
  }

  it('two concurrent drain loops in one app: one claims each job, each page fetched and committed once', async () => {
    const t = await tenantWithOrders('Two loops');
    expect(await s.sync.enqueueDue(t.tenant.tenantId)).toBe(2);
    expect(await s.sync.enqueueDue(t.tenant.tenantId)).toBe(0); // deduplicated per connection
    const [a, b] = await Promise.all([
      s.sync.drain({ tenantId: t.tenant.tenantId }),
      s.sync.drain({ tenantId: t.tenant.tenantId }),
    ]);
    expect([...a, ...b].map((o) => `${o.marketplace}:${o.result}:${o.pages}:${o.created}`).sort()).toEqual([
      'amazon:done:11:1050',
      'ebay:done:5:950',
    ]);
    expect(pageRequests()).toEqual({ amazon: 11, ebay: 5 });
    await expectExactlyOnce(s, t.tenant.tenantId, 'amazon', t.amazonIds);
    await expectExactlyOnce(s, t.tenant.tenantId, 'ebay', t.ebayIds);
    expect(await eventCount(t.tenant.tenantId)).toBe(2000);
  });

  it('a worker whose lease expired and was claimed by another cannot commit: LeaseLostError, nothing written', async () => {
    const t = await tenantWithOrders('Lease lost');
    await s.connections.disconnect(TEST_ACTOR, t.tenant.tenantId, t.ebay.connectionId);
    const jobs = s.app.get(JobQueue);
    const leaseMs = s.config.sync.leaseSeconds * 1000;
    await s.sync.enqueueDue(t.tenant.tenantId);
    const first = (await jobs.claim(SYNC_QUEUE, 'worker-1', leaseMs))!;
    expect(first.payload.connectionId).toBe(t.amazon.connectionId);

    // Worker 1 commits two pages; before its third commit it stalls past its lease and worker 2 claims.
    const committer = s.app.get(PageCommitter);
    const commit = committer.commit.bind(committer);
    let commits = 0;
    let second: ClaimedJob | null = null;
    let stalePage: Parameters<PageCommitter['commit']> | undefined;
    const spy = jest.spyOn(committer, 'commit').mockImplementation(async (...args) => {
      if (++commits === 3) {
        m.clock.advance(leaseMs + 1000);
        second = await jobs.claim(SYNC_QUEUE, 'worker-2', leaseMs);
        stalePage = args;
      }
      return commit(...args);
    });
    const runner = s.app.get(SyncRunner);
    const target = { tenantId: t.tenant.tenantId, connectionId: t.amazon.connectionId };
    let outcome;
    try {
      outcome = await runner.run(target, first);
    } finally {
      spy.mockRestore();
    }
    expect(outcome).toMatchObject({ result: 'lease_lost', pages: 2, created: 200 });
    expect(second).not.toBeNull();
    expect(second!.jobId).toBe(first.jobId);
    expect(second!.leaseToken).not.toBe(first.leaseToken);
    expect((await s.orders.countByMarketplace(t.tenant.tenantId))[0]).toEqual({ marketplace: 'amazon', count: 200 });
    const positionAfterTwo = await syncState(s, t.tenant.tenantId, t.amazon.connectionId);
    expect(positionAfterTwo.pages_in_window).toBe(2);

    // The same commit, tried again by the fenced-off worker, fails closed and writes nothing at all.
    await expect(commit(...stalePage!)).rejects.toBeInstanceOf(LeaseLostError);
    expect((await s.orders.countByMarketplace(t.tenant.tenantId))[0].count).toBe(200);
    expect(await eventCount(t.tenant.tenantId)).toBe(200);
    expect(await orphans(s)).toEqual({ events: 0, dataKeys: 0 });
    expect((await syncState(s, t.tenant.tenantId, t.amazon.connectionId)).page_position).toBe(
      positionAfterTwo.page_position,
    );
    // Worker 1 also cannot complete (delete) the job it no longer holds, nor renew it.
    await jobs.complete(first);
    expect(await query(s, `SELECT lease_owner FROM jobs`)).toEqual([{ lease_owner: 'worker-2' }]);
    await expect(jobs.renew(first, leaseMs)).rejects.toBeInstanceOf(LeaseLostError);

    // Worker 2 carries on from the committed position to the end.
    const finished = await runner.run(target, second!);
    await jobs.complete(second!);
    expect(finished).toMatchObject({ result: 'done', pages: 9, created: 850 });
    // Page 3 was fetched by both workers (worker 1's copy was never committed); every other page once.
    expect(pageRequests().amazon).toBe(12);
    await expectExactlyOnce(s, t.tenant.tenantId, 'amazon', t.amazonIds);
    expect(await eventCount(t.tenant.tenantId)).toBe(1050);
    expect(await query(s, `SELECT job_id FROM jobs`)).toEqual([]);
  });
});
