import { EbayClientFactory } from '../../src/marketplaces/ebay/ebay-client.factory';
import { EBAY_APP } from '../support/marketplace-harness';
import {
  asSeller,
  decodeState,
  expectNowhereInDatabase,
  listConnections,
  newTenant,
  openCredentials,
  query,
  startOAuthEnv,
  tamperSignature,
  type OAuthEnv,
} from './oauth-support';

const START = '/v1/connect/ebay/start';
const CALLBACK = '/v1/connect/ebay/callback';
const FULFILLMENT_READONLY = 'https://api.ebay.com/oauth/api_scope/sell.fulfillment.readonly';
const IDENTITY = 'https://api.ebay.com/oauth/api_scope/commerce.identity.readonly';

describe('eBay seller connection (authorization code grant) through the eBay simulator', () => {
  let env: OAuthEnv;
  beforeAll(async () => {
    env = await startOAuthEnv();
  });
  afterAll(() => env.close());

  /** GET start; returns the consent URL's parameters as eBay would read them. */
  async function begin(tenantId: string, marketplaceId = 'EBAY_DE') {
    const res = await env.t
      .http()
      .get(`${START}?marketplaceId=${marketplaceId}`)
      .set(asSeller(env.t, tenantId))
      .expect(200);
    const url = new URL(res.body.consentUrl);
    return { res, url, state: url.searchParams.get('state')!, scopes: url.searchParams.get('scope')!.split(' ') };
  }

  /** The seller consents on eBay: the code eBay appends to the RuName's accept URL. */
  function consent(sellerId: string, scopes: string[]): string {
    return env.m.ebay.issueAuthorizationCode(sellerId, {
      clientId: EBAY_APP.clientId,
      ruName: EBAY_APP.ruName,
      scopes,
    });
  }

  const callback = (params: Record<string, string>) => env.t.http().get(`${CALLBACK}?${query(params)}`);

  it('start → consent → callback exchanges the code, identifies the seller and stores the connection sealed', async () => {
    const { t, m } = env;
    const tenantId = await newTenant(t);

    const { res: started, state, scopes } = await begin(tenantId);

    expect(started.headers['cache-control']).toBe('no-store');
    expect(started.body.expiresAt).toBe('2026-11-20T12:10:00.000Z');
    expect(started.body.consentUrl).toBe(
      'https://auth.ebay.com/oauth2/authorize' +
        `?client_id=${EBAY_APP.clientId}` +
        `&redirect_uri=${EBAY_APP.ruName}` +
        '&response_type=code' +
        `&scope=${encodeURIComponent(FULFILLMENT_READONLY)}%20${encodeURIComponent(IDENTITY)}` +
        `&state=${state}`,
    );
    expect(scopes).toEqual([FULFILLMENT_READONLY, IDENTITY]);
    expect(decodeState(state)).toMatchObject({ tenantId, marketplace: 'ebay', region: 'EBAY_DE', marketplaceIds: [] });

    const seller = m.ebay.addSeller({
      sellerId: 'ovsim_dieter',
      marketplaceId: 'EBAY_DE',
      userId: 'ma8vp1jySJC',
      scopes: [],
    });
    const code = consent(seller.sellerId, scopes);
    m.ebay.resetObservations();
    // eBay URL-encodes the code (v%5E1.1%23…) and adds expires_in=299.
    const res = await callback({ code, expires_in: '299', state }).expect(201);

    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({
      connectionId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      tenantId,
      marketplace: 'ebay',
      region: 'EBAY_DE',
      marketplaceIds: [],
      accountId: 'ma8vp1jySJC',
      displayName: 'eBay EBAY_DE ovsim_dieter',
      status: 'active',
      statusReason: null,
      buyerDataDueAt: null,
      buyerDataDestroyedAt: null,
      createdAt: expect.stringMatching(/^\d{4}-/),
      updatedAt: expect.stringMatching(/^\d{4}-/),
    });
    expect(m.ebay.requests.map((r) => [r.operation, r.method, r.host, r.path, r.status])).toEqual([
      ['token', 'POST', 'api.ebay.com', '/identity/v1/oauth2/token', 200],
      ['getUser', 'GET', 'apiz.ebay.com', '/commerce/identity/v1/user/', 200],
    ]);
    expect(m.ebay.tokenCalls).toEqual([
      expect.objectContaining({ grantType: 'authorization_code', status: 200, clientId: EBAY_APP.clientId, scopes }),
    ]);
    expect(await listConnections(t, tenantId)).toEqual([res.body]);

    const credentials = await openCredentials(t, tenantId, res.body.connectionId);
    expect(credentials).toEqual({ refreshToken: expect.stringMatching(/^v\^1\.1#/), scopes });
    await expectNowhereInDatabase(t, credentials.refreshToken);
    await expectNowhereInDatabase(t, code);

    // The stored token and scopes work as a sync would use them: refresh (scope ⊆ consent), then getOrders.
    m.ebay.addOrders(seller.sellerId, 2);
    m.ebay.resetObservations();
    const api = t.app.get(EbayClientFactory).create('EBAY_DE', credentials);
    api.OAuth2.setCredentials({
      access_token: 'not-yet',
      refresh_token: credentials.refreshToken,
      expires_in: 0,
      refresh_token_expires_in: 47_304_000,
      token_type: 'User Access Token',
    });
    expect((await api.sell.fulfillment.getOrders()).total).toBe(2);
    expect(m.ebay.tokenCalls.map((c) => [c.grantType, c.status, c.scopes])).toEqual([['refresh_token', 200, scopes]]);
  });

  it('re-authorising the same eBay user updates the same connection', async () => {
    const tenantId = await newTenant(env.t);
    const seller = env.m.ebay.addSeller({ marketplaceId: 'EBAY_DE', scopes: [] });
    const first = await begin(tenantId);
    const a = await callback({ code: consent(seller.sellerId, first.scopes), state: first.state }).expect(201);
    const second = await begin(tenantId);
    const b = await callback({ code: consent(seller.sellerId, second.scopes), state: second.state }).expect(201);

    expect(b.body.connectionId).toBe(a.body.connectionId);
    expect(b.body.accountId).toBe(seller.userId);
    expect((await listConnections(env.t, tenantId)).map((c) => c.connectionId)).toEqual([a.body.connectionId]);
  });

  it('answers an invalid, reused or expired (> 299 s) code with 400 and stores nothing', async () => {
    const tenantId = await newTenant(env.t);
    const seller = env.m.ebay.addSeller({ marketplaceId: 'EBAY_DE', scopes: [] });
    env.m.ebay.resetObservations();

    const garbage = await begin(tenantId);
    const invalid = await callback({ code: 'v^1.1#i^1#not-a-code', state: garbage.state }).expect(400);
    expect(invalid.body.error).toEqual({
      code: 'validation_failed',
      message:
        'the authorisation code is invalid or expired (eBay codes are single-use and valid for 299 seconds); start the connection again',
      details: [{ field: 'code', issue: 'invalid or expired' }],
      requestId: expect.any(String),
    });
    expect(invalid.headers['referrer-policy']).toBe('no-referrer');

    const late = await begin(tenantId);
    const code = consent(seller.sellerId, late.scopes);
    env.m.clock.advance(300_000);
    const expired = await callback({ code, state: late.state }).expect(400);
    expect(expired.body.error.message).toMatch(/^the authorisation code is invalid or expired/);

    // Codes are single-use: one that already connected cannot connect again under a fresh state.
    const once = await begin(tenantId);
    const used = consent(seller.sellerId, once.scopes);
    await callback({ code: used, state: once.state }).expect(201);
    const reusedState = await begin(tenantId);
    const reused = await callback({ code: used, state: reusedState.state }).expect(400);
    expect(reused.body.error.message).toMatch(/^the authorisation code is invalid or expired/);

    expect(env.m.ebay.tokenCalls.map((c) => [c.grantType, c.status, c.error])).toEqual([
      ['authorization_code', 400, 'invalid_grant'],
      ['authorization_code', 400, 'invalid_grant'],
      ['authorization_code', 200, undefined],
      ['authorization_code', 400, 'invalid_grant'],
    ]);
    expect(env.m.ebay.requests.filter((r) => r.operation === 'getUser').map((r) => r.status)).toEqual([200]);
    expect((await listConnections(env.t, tenantId)).map((c) => c.accountId)).toEqual([seller.userId]);
  });

  it('refuses tampered, expired and replayed states with 400 before calling eBay', async () => {
    const tenantId = await newTenant(env.t);
    const seller = env.m.ebay.addSeller({ marketplaceId: 'EBAY_DE', scopes: [] });
    const { state, scopes } = await begin(tenantId);
    env.m.ebay.resetObservations();

    const tampered = await callback({ code: consent(seller.sellerId, scopes), state: tamperSignature(state) }).expect(
      400,
    );
    expect(tampered.body.error.message).toBe('the state parameter is not valid');

    await callback({ code: consent(seller.sellerId, scopes), state }).expect(201);
    const replayed = await callback({ code: consent(seller.sellerId, scopes), state }).expect(400);
    expect(replayed.body.error.message).toBe('this authorisation link was already used');

    const stale = await begin(tenantId);
    env.m.clock.advance(600_001);
    const expired = await callback({ code: consent(seller.sellerId, scopes), state: stale.state }).expect(400);
    expect(expired.body.error.message).toBe('the authorisation took too long and its state has expired');

    expect(env.m.ebay.tokenCalls).toHaveLength(1); // only the one legitimate exchange
    expect(await listConnections(env.t, tenantId)).toHaveLength(1);
  });

  it('answers a declined consent or a redirect without a code with 400', async () => {
    const tenantId = await newTenant(env.t);
    const { state } = await begin(tenantId);
    env.m.ebay.resetObservations();

    const declined = await callback({ error: 'access_denied', state }).expect(400);
    expect(declined.body.error).toMatchObject({
      message: 'the seller declined the authorisation on eBay; nothing was connected',
      details: [{ field: 'error', issue: 'access_denied' }],
    });
    const noCode = await callback({ state }).expect(400);
    expect(noCode.body.error.message).toBe('the code parameter is missing or malformed');
    expect(env.m.ebay.requests).toEqual([]);
    expect(await listConnections(env.t, tenantId)).toEqual([]);
  });

  it('answers an unreachable token endpoint and a failed identity lookup with 502, storing nothing', async () => {
    const tenantId = await newTenant(env.t);
    const seller = env.m.ebay.addSeller({ marketplaceId: 'EBAY_DE', scopes: [] });

    env.m.ebay.failNextRequests(1, 'reset', 'identity');
    const first = await begin(tenantId);
    const reset = await callback({ code: consent(seller.sellerId, first.scopes), state: first.state }).expect(502);
    expect(reset.body.error.code).toBe('marketplace_error');

    // A consent narrower than what we asked for (no identity scope): getUser is refused with 403.
    const second = await begin(tenantId);
    env.m.ebay.resetObservations();
    const narrow = await callback({
      code: consent(seller.sellerId, [FULFILLMENT_READONLY]),
      state: second.state,
    }).expect(502);
    expect(narrow.body.error.code).toBe('marketplace_error');
    expect(env.m.ebay.requests.map((r) => [r.operation, r.status])).toEqual([
      ['token', 200],
      ['getUser', 403],
    ]);
    expect(await listConnections(env.t, tenantId)).toEqual([]);
  });

  it('validates the start request', async () => {
    const tenantId = await newTenant(env.t);
    await env.t.http().get(`${START}?marketplaceId=EBAY_DE`).expect(401);
    const bad = await env.t.http().get(`${START}?marketplaceId=DE`).set(asSeller(env.t, tenantId)).expect(400);
    expect(bad.body.error.message).toBe('marketplaceId must be an eBay marketplace id such as EBAY_DE');
    await env.t.http().get(START).set(asSeller(env.t, tenantId)).expect(400);
  });
});
