import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SyncStateRepository } from '../../src/sync/sync-state.repository';
import { startCli, type CliResult } from '../support/cli-process';
import {
  AMAZON_APP,
  connectedTenant,
  EBAY_APP,
  startMarketplaces,
  startSyncApp,
  type MarketplaceHarness,
  type SyncApp,
} from '../support/marketplace-harness';
import { createTestDatabase, usingServer, type TestDatabase } from '../support/test-database';
import { expectExactlyOnce, HOUR, MINUTE, orphans, query, syncState } from './sync-checks';

/**
 * A sync process dies in the middle of a window, is restarted, and runs to the
 * end: the store holds every order exactly once, with one created event each,
 * and nothing half-written (no order without its position, no orphan data key).
 *
 * With a PostgreSQL server the real CLI (`ordervault sync --once`) runs in a
 * child process and is SIGKILLed while it fetches/commits pages. Embedded
 * PGlite cannot be shared with a child process, so there the same scenario runs
 * in-process with the page transaction interrupted after it has written the
 * page's orders, keys and events (and in server mode both run).
 */
describe('sync killed in the middle of a window, then restarted', () => {
  let m: MarketplaceHarness;
  const masterKey = randomBytes(32).toString('base64');
  beforeAll(async () => {
    // The CLI child runs on the system clock; the simulators run 5 minutes ahead of it so that every
    // window the child asks for ends at least two minutes before the simulators' now (Amazon's rule).
    m = await startMarketplaces(new Date(Date.now() + 5 * MINUTE).toISOString());
  });
  afterAll(async () => {
    await m.close();
  });

  /** Atomicity at the moment of the crash: the committed pages and the stored position agree. */
  async function expectWholePages(s: SyncApp, tenantId: string, amazonConnectionId: string) {
    const amazonRows = await s.orders.countByMarketplace(tenantId);
    const amazonCount = amazonRows.find((r) => r.marketplace === 'amazon')?.count ?? 0;
    const state = await syncState(s, tenantId, amazonConnectionId);
    expect(amazonCount % 100).toBe(0);
    if (state?.page_position) expect(amazonCount).toBe(state.pages_in_window * 100);
    const [{ n }] = await query<{ n: number }>(s, `SELECT count(*)::int AS n FROM outbox_events WHERE tenant_id = $1`, [
      tenantId,
    ]);
    const total = amazonRows.reduce((sum, r) => sum + r.count, 0);
    expect(n).toBe(total);
    expect(await orphans(s)).toEqual({ events: 0, dataKeys: 0 });
    return { amazonCount, state };
  }

  async function expectComplete(
    s: SyncApp,
    t: Awaited<ReturnType<typeof connectedTenant>>,
    amazonIds: string[],
    ebayIds: string[],
  ) {
    await expectExactlyOnce(s, t.tenant.tenantId, 'amazon', amazonIds);
    await expectExactlyOnce(s, t.tenant.tenantId, 'ebay', ebayIds);
    const [{ n }] = await query<{ n: number }>(s, `SELECT count(*)::int AS n FROM outbox_events WHERE tenant_id = $1`, [
      t.tenant.tenantId,
    ]);
    expect(n).toBe(amazonIds.length + ebayIds.length);
    expect(await orphans(s)).toEqual({ events: 0, dataKeys: 0 });
    for (const connectionId of [t.amazon.connectionId, t.ebay.connectionId]) {
      const state = await syncState(s, t.tenant.tenantId, connectionId);
      expect(state).toMatchObject({ page_position: null, window_from: null, window_to: null, pages_in_window: 0 });
      expect(state.cursor).not.toBeNull();
    }
  }

  if (usingServer()) {
    it('CLI child SIGKILLed twice mid-sync: the third run completes with every order exactly once', async () => {
      const db = await createTestDatabase();
      const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ovt-crash-'));
      const s = await startSyncApp(m, { db, env: { ORDERVAULT_MASTER_KEY: masterKey } });
      try {
        const t = await connectedTenant(m, s, 'Crash CLI');
        const amazon = m.amazon.addOrders(t.amazonSeller.sellingPartnerId, 1050, {
          createdAt: m.clock.nowMs() - 5 * HOUR,
        });
        const ebay = m.ebay.addOrders(t.ebaySeller.sellerId, 950, {
          createdAt: new Date(m.clock.nowMs() - 5 * HOUR),
          spacingMs: 1000,
        });
        const env = {
          ...m.env,
          DATABASE_URL: db.url!,
          NODE_ENV: 'test',
          LOG_LEVEL: 'warn',
          ORDERVAULT_DATA_DIR: dataDir,
          ORDERVAULT_MASTER_KEY: masterKey,
          AMAZON_LWA_CLIENT_ID: AMAZON_APP.clientId,
          AMAZON_LWA_CLIENT_SECRET: AMAZON_APP.clientSecret,
          AMAZON_APP_ID: 'amzn1.sp.solution.ordervault-test',
          EBAY_CLIENT_ID: EBAY_APP.clientId,
          EBAY_CLIENT_SECRET: EBAY_APP.clientSecret,
          EBAY_RUNAME: EBAY_APP.ruName,
        };
        const args = ['sync', '--once', '--tenant', t.tenant.tenantId, '--json'];
        const searches = () => m.amazon.requests.filter((r) => r.operation === 'searchOrders').length;

        /** Starts the CLI and SIGKILLs it as soon as the Amazon simulator has seen `atSearch` page requests. */
        async function runAndKill(atSearch: number): Promise<CliResult> {
          const child = startCli(args, env);
          // A generous deadline: on a loaded machine the child's start-up alone can take tens of seconds.
          // Polled with a short timer, not setImmediate, so the wait does not compete with the child for CPU.
          const deadline = Date.now() + 150_000;
          let ended = false;
          void child.result.then(() => (ended = true));
          while (!ended && searches() < atSearch && Date.now() < deadline) {
            await new Promise((r) => setTimeout(r, 2));
          }
          child.kill('SIGKILL');
          return child.result;
        }
        /** The killed process's lease would run out after SYNC_LEASE_SECONDS of real time: expire it now. */
        const expireDeadLeases = () =>
          query(s, `UPDATE jobs SET lease_expires_at = now() - interval '1 second' WHERE lease_token IS NOT NULL`);

        const first = await runAndKill(4);
        expect(first.signal).toBe('SIGKILL');
        const afterFirst = await expectWholePages(s, t.tenant.tenantId, t.amazon.connectionId);
        expect(afterFirst.amazonCount).toBeLessThan(1050);
        expect(afterFirst.amazonCount).toBeGreaterThanOrEqual(200); // pages 1–3 were answered before the kill

        await expireDeadLeases();
        const second = await runAndKill(searches() + 3);
        expect(second.signal).toBe('SIGKILL');
        const afterSecond = await expectWholePages(s, t.tenant.tenantId, t.amazon.connectionId);
        expect(afterSecond.amazonCount).toBeGreaterThanOrEqual(afterFirst.amazonCount);
        expect(afterSecond.amazonCount).toBeLessThan(1050);

        await expireDeadLeases();
        const third = await startCli(args, env).result;
        expect(third.stderr).toBe('');
        expect(third.code).toBe(0);
        const summary = JSON.parse(third.stdout) as { runs: Array<{ marketplace: string; result: string }> };
        expect(summary.runs.map((r) => r.result)).not.toContain('failed');
        expect(summary.runs.find((r) => r.marketplace === 'amazon')?.result).toBe('done');

        await expectComplete(
          s,
          t,
          amazon.map((o) => o.orderId),
          ebay.map((o) => o.orderId),
        );
        // Pages are refetched only from the stored position: at most one page per kill is read twice.
        expect(searches()).toBeLessThanOrEqual(11 + 2);
        expect(await query(s, `SELECT job_id FROM jobs`)).toEqual([]);
      } finally {
        await s.close();
        await db.close();
        rmSync(dataDir, { recursive: true, force: true });
      }
    }, 420_000);
  }

  it('in-process: the page transaction dies after writing its orders; a restarted app completes exactly once', async () => {
    const db: TestDatabase = await createTestDatabase();
    const env = { ORDERVAULT_MASTER_KEY: masterKey };
    let s = await startSyncApp(m, { db, env });
    try {
      const t = await connectedTenant(m, s, 'Crash in-process');
      const amazon = m.amazon.addOrders(t.amazonSeller.sellingPartnerId, 1050, {
        createdAt: m.clock.nowMs() - 5 * HOUR,
      });
      const ebay = m.ebay.addOrders(t.ebaySeller.sellerId, 950, {
        createdAt: new Date(m.clock.nowMs() - 5 * HOUR),
        spacingMs: 1000,
      });
      m.clock.advance(10 * MINUTE);

      // The position is the last write of a page transaction: fail it on the 5th page of each
      // connection, after that page's orders, data keys and events have been written.
      const states = s.app.get(SyncStateRepository);
      const advance = states.advance.bind(states);
      const pagesSeen = new Map<string, number>();
      const spy = jest.spyOn(states, 'advance').mockImplementation(async (tx, scope, change) => {
        const n = (pagesSeen.get(scope.connectionId) ?? 0) + 1;
        pagesSeen.set(scope.connectionId, n);
        if (n === 5) {
          const [{ written }] = await tx.query(
            `SELECT count(*)::int AS written FROM orders WHERE tenant_id = $1 AND connection_id = $2`,
            [scope.tenantId, scope.connectionId],
          );
          expect(written).toBe(scope.connectionId === t.amazon.connectionId ? 500 : 950);
          throw new Error('process died mid-page');
        }
        return advance(tx, scope, change);
      });
      const interrupted = await s.sync.runOnce(t.tenant.tenantId);
      spy.mockRestore();
      const amazonRun = interrupted.find((o) => o.marketplace === 'amazon')!;
      const ebayRun = interrupted.find((o) => o.marketplace === 'ebay')!;
      expect(amazonRun).toMatchObject({ result: 'failed', pages: 4, created: 400, errorCode: 'internal' });
      expect(ebayRun).toMatchObject({ result: 'failed', pages: 4, created: 800, errorCode: 'internal' });
      // Nothing of the fifth page survived: orders and position moved together.
      const atCrash = await expectWholePages(s, t.tenant.tenantId, t.amazon.connectionId);
      expect(atCrash.amazonCount).toBe(400);
      expect(atCrash.state.pages_in_window).toBe(4);
      expect(await s.orders.countByMarketplace(t.tenant.tenantId)).toEqual([
        { marketplace: 'amazon', count: 400 },
        { marketplace: 'ebay', count: 800 },
      ]);
      expect(JSON.parse((await syncState(s, t.tenant.tenantId, t.ebay.connectionId)).page_position!)).toEqual({
        offset: 800,
        total: 950,
      });

      // Restart: a new application instance on the same database, once the backoff has passed.
      await s.close();
      s = await startSyncApp(m, { db, env });
      m.clock.advance(31 * MINUTE);
      const resumed = await s.sync.runOnce(t.tenant.tenantId);
      expect(resumed.map((o) => `${o.marketplace}:${o.result}:${o.pages}:${o.created}`).sort()).toEqual([
        'amazon:done:7:650',
        'ebay:done:1:150',
      ]);
      await expectComplete(
        s,
        t,
        amazon.map((o) => o.orderId),
        ebay.map((o) => o.orderId),
      );
    } finally {
      await s.close();
      await db.close();
    }
  });
});
