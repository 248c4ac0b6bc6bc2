import * as https from 'node:https';
import { PageCommitter } from '../../src/sync/page-committer';
import {
  AMAZON_APP,
  AMAZON_DE,
  AMAZON_FR,
  connectedTenant,
  EBAY_APP,
  startMarketplaces,
  startSyncApp,
  type MarketplaceHarness,
  type SyncApp,
} from '../support/marketplace-harness';
import { expectExactlyOnce, HOUR, MINUTE, query, syncState } from './sync-checks';
import { TEST_ACTOR } from '../support/test-actor';

describe('a revoked refresh token fails one connection, not the tenant or the fleet', () => {
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

  const statusOf = async (connectionId: string) =>
    (
      await query<{ status: string; status_reason: string | null }>(
        s,
        `SELECT status, status_reason FROM marketplace_connections WHERE connection_id = $1`,
        [connectionId],
      )
    )[0];

  /** POSTs to a simulator's token endpoint over its loopback TLS, as a seller's browser flow would end. */
  function postToken(url: string, body: string, headers: Record<string, string>): Promise<Record<string, string>> {
    return new Promise((resolve, reject) => {
      const req = https.request(url, { method: 'POST', headers, ca: m.tls.caPem }, (res) => {
        let data = '';
        res.on('data', (c) => (data += c));
        res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(data)) : reject(new Error(data))));
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  /** The seller consents again: a new Amazon refresh token through LWA's authorization-code grant. */
  async function amazonReconsent(sellingPartnerId: string): Promise<string> {
    const code = m.amazon.issueAuthorizationCode(sellingPartnerId);
    const body = await postToken(
      `${m.amazon.url}/auth/o2/token`,
      JSON.stringify({
        grant_type: 'authorization_code',
        code,
        client_id: AMAZON_APP.clientId,
        client_secret: AMAZON_APP.clientSecret,
      }),
      { 'content-type': 'application/json' },
    );
    return body.refresh_token;
  }

  it('Amazon revoked: that connection is auth_failed and parked; the tenant’s eBay and other tenants sync', async () => {
    const a = await connectedTenant(m, s, 'Revoked Amazon');
    const b = await connectedTenant(m, s, 'Bystander');
    const aAmazon = m.amazon.addOrders(a.amazonSeller.sellingPartnerId, 120, { createdAt: m.clock.nowMs() - 5 * HOUR });
    const aEbay = m.ebay.addOrders(a.ebaySeller.sellerId, 30, { createdAt: new Date(m.clock.nowMs() - 5 * HOUR) });
    const bAmazon = m.amazon.addOrders(b.amazonSeller.sellingPartnerId, 40, { createdAt: m.clock.nowMs() - 5 * HOUR });
    const bEbay = m.ebay.addOrders(b.ebaySeller.sellerId, 20, { createdAt: new Date(m.clock.nowMs() - 5 * HOUR) });
    m.clock.advance(10 * MINUTE);
    m.amazon.revokeRefreshToken(a.amazonSeller.refreshToken);
    m.amazon.resetObservations();

    const outcomes = await s.sync.runOnce();
    const result = (connectionId: string) => outcomes.find((o) => o.connectionId === connectionId);
    expect(outcomes).toHaveLength(4);
    expect(result(a.amazon.connectionId)).toMatchObject({
      result: 'auth_failed',
      errorCode: 'invalid_grant',
      pages: 0,
    });
    expect(result(a.ebay.connectionId)).toMatchObject({ result: 'done', created: 30 });
    expect(result(b.amazon.connectionId)).toMatchObject({ result: 'done', created: 40 });
    expect(result(b.ebay.connectionId)).toMatchObject({ result: 'done', created: 20 });
    expect(await statusOf(a.amazon.connectionId)).toEqual({ status: 'auth_failed', status_reason: 'invalid_grant' });
    expect(await statusOf(a.ebay.connectionId)).toEqual({ status: 'active', status_reason: null });
    expect((await syncState(s, a.tenant.tenantId, a.amazon.connectionId)).last_error_code).toBe('invalid_grant');
    await expectExactlyOnce(
      s,
      a.tenant.tenantId,
      'ebay',
      aEbay.map((o) => o.orderId),
    );
    await expectExactlyOnce(
      s,
      b.tenant.tenantId,
      'amazon',
      bAmazon.map((o) => o.orderId),
    );
    await expectExactlyOnce(
      s,
      b.tenant.tenantId,
      'ebay',
      bEbay.map((o) => o.orderId),
    );
    expect(await s.orders.countByMarketplace(a.tenant.tenantId)).toEqual([{ marketplace: 'ebay', count: 30 }]);

    // Later ticks leave the failed connection alone: not one more LWA call with the dead token.
    const lwaAfterFailure = m.amazon.lwaCalls;
    for (let tick = 0; tick < 5; tick++) {
      m.clock.advance(10 * MINUTE);
      const more = await s.sync.runOnce();
      expect(more.map((o) => o.connectionId)).not.toContain(a.amazon.connectionId);
    }
    expect(m.amazon.lwaCalls).toBe(lwaAfterFailure);
    expect(m.amazon.requests.filter((r) => r.sellingPartnerId === a.amazonSeller.sellingPartnerId)).toEqual([]);

    // The seller consents again: the very next pass syncs the connection, and nothing is missing.
    const refreshToken = await amazonReconsent(a.amazonSeller.sellingPartnerId);
    await s.connections.connect(TEST_ACTOR, {
      tenantId: a.tenant.tenantId,
      marketplace: 'amazon',
      region: 'eu',
      marketplaceIds: [AMAZON_DE, AMAZON_FR],
      accountId: a.amazonSeller.sellingPartnerId,
      credentials: { refreshToken },
    });
    const resumed = await s.sync.runOnce(a.tenant.tenantId);
    expect(resumed.map((o) => `${o.marketplace}:${o.result}:${o.created}`)).toEqual(['amazon:done:120']);
    await expectExactlyOnce(
      s,
      a.tenant.tenantId,
      'amazon',
      aAmazon.map((o) => o.orderId),
    );
    expect(await statusOf(a.amazon.connectionId)).toEqual({ status: 'active', status_reason: null });
  });

  it('eBay revoked while idle: the renewal’s invalid_grant makes the connection auth_failed, not a retry forever', async () => {
    const t = await connectedTenant(m, s, 'Idle eBay');
    await s.connections.disconnect(TEST_ACTOR, t.tenant.tenantId, t.amazon.connectionId);
    m.ebay.addOrders(t.ebaySeller.sellerId, 5, { createdAt: new Date(m.clock.nowMs() - 5 * HOUR) });
    m.clock.advance(10 * MINUTE);
    expect(await s.sync.runOnce(t.tenant.tenantId)).toMatchObject([{ result: 'done', created: 5 }]);

    // The seller removes the app in My eBay; hours later the access token is due for renewal.
    m.ebay.revokeRefreshToken(t.ebaySeller.refreshToken);
    m.clock.advance(3 * HOUR);
    m.ebay.resetObservations();
    const [failed] = await s.sync.runOnce(t.tenant.tenantId);
    expect(failed).toMatchObject({ result: 'auth_failed', pages: 0, errorCode: 'invalid_grant' });
    expect(await statusOf(t.ebay.connectionId)).toEqual({ status: 'auth_failed', status_reason: 'invalid_grant' });
    // eBay's exact answer came back from the identity endpoint, and no API call was made with a dead token.
    expect(m.ebay.tokenCalls.map((c) => `${c.grantType}:${c.status}:${c.error ?? ''}`)).toEqual([
      'refresh_token:400:invalid_grant',
    ]);
    expect(m.ebay.requests.filter((r) => r.operation !== 'token')).toEqual([]);
    m.clock.advance(HOUR);
    expect(await s.sync.runOnce(t.tenant.tenantId)).toEqual([]);
  });

  it('eBay revoked mid-window: committed pages stay, the connection is auth_failed, re-consent resumes the window', async () => {
    const t = await connectedTenant(m, s, 'Revoked eBay');
    await s.connections.disconnect(TEST_ACTOR, t.tenant.tenantId, t.amazon.connectionId); // eBay only here
    const orders = m.ebay.addOrders(t.ebaySeller.sellerId, 950, {
      createdAt: new Date(m.clock.nowMs() - 5 * HOUR),
      spacingMs: 1000,
    });
    m.clock.advance(10 * MINUTE);
    m.ebay.resetObservations();

    // The seller removes the app's access after two pages have committed.
    const committer = s.app.get(PageCommitter);
    const commit = committer.commit.bind(committer);
    let commits = 0;
    const spy = jest.spyOn(committer, 'commit').mockImplementation(async (...args) => {
      const done = await commit(...args);
      if (++commits === 2) m.ebay.revokeRefreshToken(t.ebaySeller.refreshToken);
      return done;
    });
    let first;
    try {
      [first] = await s.sync.runOnce(t.tenant.tenantId);
    } finally {
      spy.mockRestore();
    }
    expect(first).toMatchObject({ result: 'auth_failed', pages: 2, created: 400, errorCode: 'invalid_grant' });
    expect(await statusOf(t.ebay.connectionId)).toEqual({ status: 'auth_failed', status_reason: 'invalid_grant' });
    expect(m.ebay.tokenCalls.map((c) => `${c.grantType}:${c.status}:${c.error ?? ''}`)).toEqual([
      'refresh_token:200:',
      'refresh_token:400:invalid_grant',
    ]);
    const state = await syncState(s, t.tenant.tenantId, t.ebay.connectionId);
    expect(JSON.parse(state.page_position!)).toEqual({ offset: 400, total: 950 });
    expect((await s.orders.countByMarketplace(t.tenant.tenantId))[0].count).toBe(400);

    // Parked: later passes send nothing to eBay for this seller.
    const calls = m.ebay.requests.length;
    m.clock.advance(HOUR);
    expect(await s.sync.runOnce(t.tenant.tenantId)).toEqual([]);
    expect(m.ebay.requests.length).toBe(calls);

    // Re-consent: a new refresh token; the next pass picks the window up at offset 400.
    const code = m.ebay.issueAuthorizationCode(t.ebaySeller.sellerId, {
      clientId: EBAY_APP.clientId,
      ruName: EBAY_APP.ruName,
      scopes: t.ebaySeller.scopes,
    });
    const granted = await postToken(
      `${m.ebay.origin}/identity/v1/oauth2/token`,
      new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: EBAY_APP.ruName }).toString(),
      {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${EBAY_APP.clientId}:${EBAY_APP.clientSecret}`).toString('base64')}`,
      },
    );
    await s.connections.connect(TEST_ACTOR, {
      tenantId: t.tenant.tenantId,
      marketplace: 'ebay',
      region: 'EBAY_DE',
      marketplaceIds: [],
      accountId: t.ebaySeller.sellerId,
      credentials: { refreshToken: granted.refresh_token, scopes: t.ebaySeller.scopes },
    });
    m.ebay.resetObservations();
    const [resumed] = await s.sync.runOnce(t.tenant.tenantId);
    expect(resumed).toMatchObject({ result: 'done', pages: 3, created: 550 });
    expect(m.ebay.requests.filter((r) => r.operation === 'getOrders').map((r) => Number(r.query.offset))).toEqual([
      400, 600, 800,
    ]);
    await expectExactlyOnce(
      s,
      t.tenant.tenantId,
      'ebay',
      orders.map((o) => o.orderId),
    );
  });
});
