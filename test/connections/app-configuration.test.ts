import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { addConnection, connectionsTable, listConnections } from '../../src/cli/commands';
import { DomainError } from '../../src/platform/errors/domain-error';
import {
  AMAZON_DE,
  connectedTenant,
  startMarketplaces,
  startSyncApp,
  type MarketplaceHarness,
} from '../support/marketplace-harness';
import { startTestApp, type TestApp } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { MINUTE } from '../sync/sync-checks';

/**
 * A marketplace whose application credentials this server lacks cannot sync any connection: new connections
 * to it are refused with a clear error, existing ones show `needs_configuration` with the missing settings and
 * are not synced (nor retried forever) until the operator sets them.
 */
describe('connections to a marketplace whose app credentials are not configured', () => {
  describe('over HTTP', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ env: { EBAY_CLIENT_SECRET: '' } });
    });
    afterAll(() => t.close());

    it('POST /v1/connections is refused with 412 naming the missing setting; the other marketplace is accepted', async () => {
      const tenantId = await t.tenant();
      const seller = await t.seller(tenantId, ['connections:manage']);
      const ebay = await t
        .http()
        .post('/v1/connections')
        .set(seller.auth)
        .send({ marketplace: 'ebay', region: 'EBAY_DE', accountId: 'seller-de-1', refreshToken: 'v^1.1#refresh-token' })
        .expect(412);
      expect(ebay.body.error).toEqual({
        code: 'precondition_failed',
        message: 'eBay connections are not configured on this server (set EBAY_CLIENT_SECRET)',
        requestId: expect.any(String),
      });
      const amazon = await t
        .http()
        .post('/v1/connections')
        .set(seller.auth)
        .send({
          marketplace: 'amazon',
          region: 'eu',
          marketplaceIds: [AMAZON_DE],
          accountId: 'A2SELLER1',
          refreshToken: 'Atzr|refresh-token',
        })
        .expect(201);
      expect(amazon.body).toMatchObject({ status: 'active', statusReason: null });
      const list = await t.http().get('/v1/connections').set(seller.auth).expect(200);
      expect(list.body.map((c: { marketplace: string }) => c.marketplace)).toEqual(['amazon']);
    });
  });

  describe('a server restarted without them', () => {
    let m: MarketplaceHarness;
    let db: TestDatabase;
    let dir: string;
    const env = { ORDERVAULT_MASTER_KEY: randomBytes(32).toString('base64') };
    beforeAll(async () => {
      m = await startMarketplaces();
      db = await createTestDatabase();
      dir = mkdtempSync(path.join(os.tmpdir(), 'ovt-conn-'));
    });
    afterAll(async () => {
      await db.close();
      await m.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('shows its eBay connection needs_configuration with the reason, syncs only Amazon, and recovers once set', async () => {
      const before = await startSyncApp(m, { db, env });
      const t = await connectedTenant(m, before, 'Half configured');
      m.amazon.addOrders(t.amazonSeller.sellingPartnerId, 3, { createdAt: m.clock.nowMs() - 60 * MINUTE });
      m.ebay.addOrders(t.ebaySeller.sellerId, 2, { createdAt: new Date(m.clock.nowMs() - 60 * MINUTE) });
      m.clock.advance(10 * MINUTE);
      await before.close();

      const s = await startSyncApp(m, { db, env: { ...env, EBAY_CLIENT_ID: '', EBAY_CLIENT_SECRET: '' } });
      try {
        const list = await listConnections(s.app, t.tenant.tenantId);
        const byMarketplace = Object.fromEntries(list.map((c) => [c.marketplace, c]));
        expect(byMarketplace.ebay).toMatchObject({
          status: 'needs_configuration',
          statusReason: 'not set: EBAY_CLIENT_ID, EBAY_CLIENT_SECRET',
        });
        expect(byMarketplace.amazon).toMatchObject({ status: 'active', statusReason: null });
        // The table a person reads carries the reason too.
        const text = connectionsTable(list);
        expect(text.split('\n')[0].split(/\s+/)).toEqual([
          'connectionId',
          'marketplace',
          'region',
          'accountId',
          'status',
          'reason',
        ]);
        expect(text).toContain('needs_configuration  not set: EBAY_CLIENT_ID, EBAY_CLIENT_SECRET');

        m.ebay.resetObservations();
        const outcomes = await s.sync.runOnce(t.tenant.tenantId);
        expect(outcomes.map((o) => `${o.marketplace}:${o.result}:${o.created}`)).toEqual(['amazon:done:3']);
        expect(m.ebay.requests).toEqual([]);

        // The CLI's `connection add` is refused the same way, before anything is stored.
        const tokenFile = path.join(dir, 'token');
        writeFileSync(tokenFile, 'v^1.1#another-refresh-token');
        const refused = await addConnection(
          s.app,
          {
            tenant: t.tenant.tenantId,
            marketplace: 'ebay',
            region: 'EBAY_GB',
            accountId: 'seller-gb-2',
            refreshTokenFile: tokenFile,
          },
          () => Promise.reject(new Error('stdin not used')),
        ).catch((err: unknown) => err);
        expect(refused).toBeInstanceOf(DomainError);
        expect((refused as DomainError).message).toBe(
          'eBay connections are not configured on this server (set EBAY_CLIENT_ID, EBAY_CLIENT_SECRET)',
        );
        expect(await listConnections(s.app, t.tenant.tenantId)).toHaveLength(2);
      } finally {
        await s.close();
      }

      // Nothing was stored about it: with the settings back, the connection is active and syncs.
      const after = await startSyncApp(m, { db, env });
      try {
        const ebay = (await listConnections(after.app, t.tenant.tenantId)).find((c) => c.marketplace === 'ebay');
        expect(ebay).toMatchObject({ status: 'active', statusReason: null });
        const outcomes = await after.sync.runOnce(t.tenant.tenantId);
        expect(outcomes.map((o) => `${o.marketplace}:${o.result}:${o.created}`)).toEqual(['ebay:done:2']);
      } finally {
        await after.close();
      }
    });
  });
});
