import {
  EBayAccessDenied,
  EBayInvalidAccessToken,
  EBayInvalidGrant,
  EBayInvalidScope,
} from 'ebay-api/lib/errors/index.js';
import { HostRoutingAgent, routeTable } from '../../../src/marketplaces/transport/host-routing-agent';
import { ebaySimulatorRoute, EBAY_SCOPES } from '../../../src/sandbox/ebay';
import { createLoopbackTls } from '../../../src/sandbox/tls/loopback-ca';
import eBayApi from 'ebay-api';
import {
  APP,
  failure,
  fixture,
  OTHER_APP,
  SELLER_SCOPES,
  sellerClient,
  startHarness,
  type Harness,
} from './ebay-sim-harness';

describe('eBay simulator: transport and OAuth through the real ebay-api client', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.close());

  it('is reached over verified TLS under the real host name for both the token call and API calls', async () => {
    const seller = h.sim.addSeller({ scopes: SELLER_SCOPES });
    h.sim.addOrders(seller.sellerId, 2);
    const eBay = sellerClient(h, seller.refreshToken);

    const page = await eBay.sell.fulfillment.getOrders({ limit: 10 });

    expect(page.total).toBe(2);
    // Call 1: getOrders with the unknown token → 401; call 2: token refresh; call 3: the retried getOrders.
    expect(h.sim.requests.map((r) => [r.operation, r.host, r.status])).toEqual([
      ['getOrders', 'api.ebay.com', 401],
      ['token', 'api.ebay.com', 200],
      ['getOrders', 'api.ebay.com', 200],
    ]);
    expect(ebaySimulatorRoute(h.sim).map(([host, url]) => [host, url.href])).toEqual([
      ['api.ebay.com', `${h.sim.origin}/`],
      ['apiz.ebay.com', `${h.sim.origin}/`],
      ['api.sandbox.ebay.com', `${h.sim.origin}/`],
      ['apiz.sandbox.ebay.com', `${h.sim.origin}/`],
    ]);
    expect(h.sim.origin).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  });

  it('is refused by a client that trusts a different CA (TLS is really verified)', async () => {
    const otherCa = await createLoopbackTls();
    const agent = new HostRoutingAgent(routeTable(ebaySimulatorRoute(h.sim)), { extraCaPem: otherCa.caPem });
    const eBay = new eBayApi({
      appId: APP.clientId,
      certId: APP.clientSecret,
      sandbox: false,
      axiosConfig: { httpsAgent: agent, timeout: 5000 },
    });
    try {
      const error = await failure(eBay.OAuth2.obtainApplicationAccessToken());
      expect(error.code).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
      expect(h.sim.tokenCalls).toHaveLength(0);
    } finally {
      agent.destroy();
    }
  });

  it('exchanges a simulator-issued authorization code once, within 299 s, for the documented token shape', async () => {
    const { sellerId } = h.sim.addSeller();
    const eBay = h.client();
    const code = h.sim.issueAuthorizationCode(sellerId, {
      clientId: APP.clientId,
      ruName: APP.ruName,
      scopes: SELLER_SCOPES,
    });

    const token = await eBay.OAuth2.getToken(code);

    expect(Object.keys(token)).toEqual([
      'access_token',
      'expires_in',
      'refresh_token',
      'refresh_token_expires_in',
      'token_type',
    ]);
    expect(token).toMatchObject({
      expires_in: 7200,
      refresh_token_expires_in: 47_304_000,
      token_type: 'User Access Token',
    });
    expect(h.sim.tokenCalls).toEqual([
      {
        at: '2026-11-20T12:00:00.000Z',
        grantType: 'authorization_code',
        clientId: APP.clientId,
        status: 200,
        scopes: SELLER_SCOPES,
        sellerId,
      },
    ]);

    // Single use: the same code again is invalid_grant with eBay's "grant code" wording.
    const reused = await failure(eBay.OAuth2.getToken(code));
    expect(reused.response.status).toBe(400);
    expect(reused.response.data).toEqual(fixture('oauth.token.error.invalid_grant.code.json'));

    // 299 s lifetime by the simulator clock.
    const late = h.sim.issueAuthorizationCode(sellerId, {
      clientId: APP.clientId,
      ruName: APP.ruName,
      scopes: SELLER_SCOPES,
    });
    h.clock.advance(300_000);
    expect((await failure(eBay.OAuth2.getToken(late))).response.data.error).toBe('invalid_grant');

    // redirect_uri must be the RuName the code was issued for.
    const fresh = h.sim.issueAuthorizationCode(sellerId, {
      clientId: APP.clientId,
      ruName: APP.ruName,
      scopes: SELLER_SCOPES,
    });
    expect((await failure(eBay.OAuth2.getToken(fresh, 'Some-Other-RuName'))).response.data.error).toBe('invalid_grant');
    // …and the code belongs to the app it was issued to.
    const other = h.client({ app: OTHER_APP });
    expect((await failure(other.OAuth2.getToken(fresh, APP.ruName))).response.data.error).toBe('invalid_grant');
    await expect(eBay.OAuth2.getToken(fresh)).resolves.toMatchObject({ token_type: 'User Access Token' });
  });

  it('rejects bad client credentials with 401 invalid_client', async () => {
    const eBay = h.client({ app: { ...APP, clientSecret: 'wrong' } });
    const error = await failure(eBay.OAuth2.obtainApplicationAccessToken());
    expect(error.response.status).toBe(401);
    expect(error.response.data).toEqual({ error: 'invalid_client', error_description: 'client authentication failed' });
  });

  it('refreshes without rotating the refresh token and with scope ⊆ consent', async () => {
    const seller = h.sim.addSeller({ scopes: SELLER_SCOPES });
    const eBay = sellerClient(h, seller.refreshToken);

    const refreshed = await eBay.OAuth2.refreshUserAccessToken();

    // The response has no refresh_token; the library keeps the old one by merging (reference §2, §5.3).
    expect(refreshed.refresh_token).toBe(seller.refreshToken);
    expect(refreshed.token_type).toBe('User Access Token');
    expect(h.sim.tokenCalls[0]).toMatchObject({ grantType: 'refresh_token', status: 200, scopes: SELLER_SCOPES });

    eBay.OAuth2.setScope([...SELLER_SCOPES, EBAY_SCOPES.fulfillment]);
    const wider = await failure(eBay.OAuth2.refreshUserAccessToken());
    expect(wider.response.status).toBe(400);
    expect(wider.response.data).toEqual(fixture('oauth.token.error.invalid_scope.json'));
  });

  it('mints an application token with client_credentials', async () => {
    const token = await h.client({ scope: null }).OAuth2.obtainApplicationAccessToken();
    expect(Object.keys(token)).toEqual(['access_token', 'expires_in', 'token_type']);
    expect(token).toMatchObject({ expires_in: 7200, token_type: 'Application Access Token' });
    expect(h.sim.tokenCalls[0]).toMatchObject({ grantType: 'client_credentials', scopes: [EBAY_SCOPES.api] });
  });

  it('answers an expired access token with the exact 401, and the client refreshes once and succeeds', async () => {
    const seller = h.sim.addSeller();
    h.sim.addOrders(seller.sellerId, 3);
    const eBay = sellerClient(h, seller.refreshToken);
    await eBay.sell.fulfillment.getOrders();
    const events: Array<{ refresh_token: string }> = [];
    eBay.OAuth2.on('refreshAuthToken', (token: { refresh_token: string }) => events.push(token));
    h.sim.resetObservations();

    h.clock.advance(7_200_000); // exactly expires_in: the token is dead
    const page = await eBay.sell.fulfillment.getOrders();

    expect(page.total).toBe(3);
    expect(events).toHaveLength(1);
    expect(events[0].refresh_token).toBe(seller.refreshToken);
    expect(h.sim.tokenCalls.map((c) => c.grantType)).toEqual(['refresh_token']);
    expect(h.sim.requests.map((r) => r.status)).toEqual([401, 200, 200]);

    // Forced expiry works the same way, and the 401 body is eBay's, byte for byte.
    h.sim.expireAccessTokens();
    const raw = h.client({ autoRefreshToken: false });
    raw.OAuth2.setCredentials(eBay.OAuth2.getUserAccessToken() as string);
    const error = await failure(raw.sell.fulfillment.getOrders());
    expect(error).toBeInstanceOf(EBayInvalidAccessToken);
    expect(error.meta.res.status).toBe(401);
    expect(error.meta.res.data).toEqual(fixture('errors.401-invalid-access-token.json'));
  });

  it('lets parallel calls with an expired token each refresh (ebay-api has no single-flight, reference §5.4)', async () => {
    const seller = h.sim.addSeller();
    const eBay = sellerClient(h, seller.refreshToken);
    let events = 0;
    eBay.OAuth2.on('refreshAuthToken', () => events++);

    const pages = await Promise.all([1, 2, 3, 4].map(() => eBay.sell.fulfillment.getOrders()));

    expect(pages.map((p) => p.total)).toEqual([0, 0, 0, 0]);
    expect(events).toBe(4);
    expect(h.sim.tokenCalls.filter((c) => c.grantType === 'refresh_token')).toHaveLength(4);
  });

  it('turns a revoked refresh token into EBayInvalidGrant on the next API call', async () => {
    const seller = h.sim.addSeller();
    const eBay = sellerClient(h, seller.refreshToken);
    await eBay.sell.fulfillment.getOrders();

    h.sim.revokeRefreshToken(seller.refreshToken);
    const error = await failure(eBay.sell.fulfillment.getOrders());

    expect(error).toBeInstanceOf(EBayInvalidGrant);
    expect(error.meta.res.status).toBe(400);
    expect(error.meta.res.data).toEqual(fixture('oauth.token.error.invalid_grant.json'));
    expect(h.sim.tokenCalls.map((c) => [c.grantType, c.status, c.error])).toEqual([
      ['refresh_token', 200, undefined],
      ['refresh_token', 400, 'invalid_grant'],
    ]);
  });

  it('rejects an expired (18-month) refresh token and one issued to another app', async () => {
    const seller = h.sim.addSeller();
    const other = h.client({ app: OTHER_APP });
    other.OAuth2.setCredentials({ access_token: 'x', refresh_token: seller.refreshToken });
    expect((await failure(other.OAuth2.refreshUserAccessToken())).response.data.error).toBe('invalid_grant');

    h.clock.advance(47_304_001_000);
    const eBay = sellerClient(h, seller.refreshToken);
    expect(await failure(eBay.sell.fulfillment.getOrders())).toBeInstanceOf(EBayInvalidGrant);
  });

  it('surfaces a refresh that asks for more than the consent as EBayInvalidScope', async () => {
    const seller = h.sim.addSeller({ scopes: [EBAY_SCOPES.api, EBAY_SCOPES.fulfillmentReadonly] });
    const eBay = sellerClient(h, seller.refreshToken, [EBAY_SCOPES.api, EBAY_SCOPES.fulfillment]);
    const error = await failure(eBay.sell.fulfillment.getOrders());
    expect(error).toBeInstanceOf(EBayInvalidScope);
  });

  it('gives a refreshed token without a fulfillment scope 403 errorId 1100 (client default scope, hendt/ebay-api#203)', async () => {
    const seller = h.sim.addSeller();
    const eBay = sellerClient(h, seller.refreshToken, null); // library default scope: api_scope only
    const error = await failure(eBay.sell.fulfillment.getOrders());
    expect(error).toBeInstanceOf(EBayAccessDenied);
    expect(error.meta.res.status).toBe(403);
    expect(error.errorCode).toBe(1100);
    expect(error.meta.res.data).toEqual(fixture('errors.403-insufficient-scope.json'));
  });

  it('never records tokens, codes or secrets', async () => {
    const seller = h.sim.addSeller();
    const eBay = sellerClient(h, seller.refreshToken);
    await eBay.sell.fulfillment.getOrders();
    const code = h.sim.issueAuthorizationCode(seller.sellerId, {
      clientId: APP.clientId,
      ruName: APP.ruName,
      scopes: SELLER_SCOPES,
    });
    const token = await eBay.OAuth2.getToken(code);
    const observed = JSON.stringify([h.sim.requests, h.sim.tokenCalls]);
    for (const secret of [seller.refreshToken, token.access_token, token.refresh_token, code, APP.clientSecret]) {
      expect(observed).not.toContain(secret);
    }
  });
});
