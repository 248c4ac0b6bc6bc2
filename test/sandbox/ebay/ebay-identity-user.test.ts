import { EBayAccessDenied } from 'ebay-api/lib/errors/index.js';
import { EBAY_SCOPES, IDENTITY_READ_SCOPES } from '../../../src/sandbox/ebay';
import { APP, failure, fixture, sellerClient, startHarness, type Harness } from './ebay-sim-harness';

const IDENTITY = 'https://api.ebay.com/oauth/api_scope/commerce.identity.readonly';

describe('eBay simulator: Commerce Identity getUser through the real ebay-api client', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.close());

  it('answers a user token with the identity scope with the seller public account fields, on apiz.ebay.com', async () => {
    const seller = h.sim.addSeller({
      sellerId: 'ovsim_dieter',
      marketplaceId: 'EBAY_DE',
      userId: 'ma8vp1jySJC',
      scopes: [EBAY_SCOPES.fulfillmentReadonly, IDENTITY],
    });
    const eBay = sellerClient(h, seller.refreshToken, [EBAY_SCOPES.fulfillmentReadonly, IDENTITY]);

    const user = await eBay.commerce.identity.getUser();

    expect(user).toEqual({
      userId: 'ma8vp1jySJC',
      username: 'ovsim_dieter',
      accountType: 'BUSINESS',
      registrationMarketplaceId: 'EBAY_DE',
    });
    // First call: the never-issued token gets the exact 401, the client refreshes and retries.
    expect(h.sim.requests.map((r) => [r.operation, r.method, r.host, r.path, r.status])).toEqual([
      ['getUser', 'GET', 'apiz.ebay.com', '/commerce/identity/v1/user/', 401],
      ['token', 'POST', 'api.ebay.com', '/identity/v1/oauth2/token', 200],
      ['getUser', 'GET', 'apiz.ebay.com', '/commerce/identity/v1/user/', 200],
    ]);
    expect(h.sim.requests[2]).toMatchObject({ clientId: APP.clientId, sellerId: 'ovsim_dieter' });
  });

  it('gives sellers a stable seeded userId by default, distinct from the username, and honours accountType', async () => {
    const a = h.sim.addSeller({ scopes: [IDENTITY] });
    const b = h.sim.addSeller({ scopes: [IDENTITY], accountType: 'INDIVIDUAL', marketplaceId: 'EBAY_GB' });
    expect(a.userId).toMatch(/^[A-Za-z0-9]{11}$/);
    expect(a.userId).not.toBe(b.userId);
    expect(a.userId).not.toBe(a.sellerId);

    const user = await sellerClient(h, b.refreshToken, [IDENTITY]).commerce.identity.getUser();
    expect(user).toEqual({
      userId: b.userId,
      username: b.sellerId,
      accountType: 'INDIVIDUAL',
      registrationMarketplaceId: 'EBAY_GB',
    });
    const again = await startHarness();
    try {
      expect(again.sim.addSeller().userId).toBe(a.userId); // same seed, same first seller → same id
    } finally {
      await again.close();
    }
  });

  it('accepts each documented commerce.identity scope', async () => {
    expect(IDENTITY_READ_SCOPES).toContain(IDENTITY);
    for (const scope of IDENTITY_READ_SCOPES) {
      const seller = h.sim.addSeller({ scopes: [scope] });
      await expect(sellerClient(h, seller.refreshToken, [scope]).commerce.identity.getUser()).resolves.toMatchObject({
        userId: seller.userId,
      });
    }
  });

  it('refuses a user token without an identity scope, and an application token, with 403 errorId 1100', async () => {
    const seller = h.sim.addSeller({ scopes: [EBAY_SCOPES.api, EBAY_SCOPES.fulfillmentReadonly] });
    const noScope = await failure(
      sellerClient(h, seller.refreshToken, [EBAY_SCOPES.fulfillmentReadonly]).commerce.identity.getUser(),
    );
    expect(noScope).toBeInstanceOf(EBayAccessDenied);
    expect(noScope.meta.res.status).toBe(403);
    expect(noScope.meta.res.data).toEqual(fixture('errors.403-insufficient-scope.json'));

    const app = h.client({ scope: null });
    await app.OAuth2.obtainApplicationAccessToken();
    const appToken = await failure(app.commerce.identity.getUser());
    expect(appToken).toBeInstanceOf(EBayAccessDenied);
    expect(appToken.meta.res.status).toBe(403);
  });

  it('answers an unknown token with the exact 401 body', async () => {
    const eBay = h.client({ autoRefreshToken: false });
    eBay.OAuth2.setCredentials('v^1.1#never-issued');
    const error = await failure(eBay.commerce.identity.getUser());
    expect(error.meta.res.status).toBe(401);
    expect(error.meta.res.data).toEqual(fixture('errors.401-invalid-access-token.json'));
  });
});
