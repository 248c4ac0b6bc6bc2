import { AMAZON_DE } from '../support/marketplace-harness';
import { startTestApp, type TestApp } from '../support/test-app';
import { asSeller, newTenant } from './oauth-support';

const AMAZON_START = `/v1/connect/amazon/start?region=eu&marketplaceIds=${AMAZON_DE}`;
const EBAY_START = '/v1/connect/ebay/start?marketplaceId=EBAY_GB';

describe('seller connection flows: application configuration', () => {
  describe('without the marketplace app configured', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({
        env: { AMAZON_APP_ID: '', AMAZON_LWA_CLIENT_SECRET: '', EBAY_RUNAME: '', EBAY_CLIENT_ID: '' },
      });
    });
    afterAll(() => t.close());

    it('answers start with 412 naming the missing settings, not a 500', async () => {
      const tenantId = await newTenant(t);

      const amazon = await t.http().get(AMAZON_START).set(asSeller(t, tenantId)).expect(412);
      expect(amazon.body.error).toEqual({
        code: 'precondition_failed',
        message: 'Amazon connections are not configured on this server (set AMAZON_APP_ID, AMAZON_LWA_CLIENT_SECRET)',
        requestId: expect.any(String),
      });
      const ebay = await t.http().get(EBAY_START).set(asSeller(t, tenantId)).expect(412);
      expect(ebay.body.error.message).toBe(
        'eBay connections are not configured on this server (set EBAY_CLIENT_ID, EBAY_RUNAME)',
      );
      expect(t.logs.lines.map((l) => JSON.parse(l)).filter((l) => l.level === 'error')).toEqual([]);
    });

    it('still checks the state first on the public callbacks (400, nothing configured is revealed)', async () => {
      const res = await t.http().get('/v1/connect/amazon/callback?state=abc.def&spapi_oauth_code=x').expect(400);
      expect(res.body.error.message).toBe('the state parameter is not valid');
    });
  });

  describe('draft app, regional Seller Central and a public URL with a path prefix', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({
        env: {
          AMAZON_DRAFT_APP: 'true',
          AMAZON_SELLER_CENTRAL_URL: 'https://sellercentral-europe.amazon.com',
          ORDERVAULT_PUBLIC_URL: 'https://vault.example.com/api',
          EBAY_AUTH_URL: 'https://auth.sandbox.ebay.com/oauth2/authorize',
          EBAY_SCOPES: [
            'https://api.ebay.com/oauth/api_scope/sell.fulfillment',
            'https://api.ebay.com/oauth/api_scope/commerce.identity.readonly',
          ].join(' '),
        },
      });
    });
    afterAll(() => t.close());

    it('builds the Amazon consent URL with version=beta under the configured hosts', async () => {
      const tenantId = await newTenant(t);
      const res = await t.http().get(AMAZON_START).set(asSeller(t, tenantId)).expect(200);
      const url = new URL(res.body.consentUrl);
      expect(`${url.origin}${url.pathname}`).toBe('https://sellercentral-europe.amazon.com/apps/authorize/consent');
      expect([...url.searchParams.keys()]).toEqual(['application_id', 'state', 'redirect_uri', 'version']);
      expect(url.searchParams.get('redirect_uri')).toBe('https://vault.example.com/api/v1/connect/amazon/callback');
      expect(url.searchParams.get('version')).toBe('beta');
    });

    it('asks eBay for the configured scopes without repeating the identity scope', async () => {
      const tenantId = await newTenant(t);
      const res = await t.http().get(EBAY_START).set(asSeller(t, tenantId)).expect(200);
      const url = new URL(res.body.consentUrl);
      expect(`${url.origin}${url.pathname}`).toBe('https://auth.sandbox.ebay.com/oauth2/authorize');
      expect(url.searchParams.get('scope')!.split(' ')).toEqual([
        'https://api.ebay.com/oauth/api_scope/sell.fulfillment',
        'https://api.ebay.com/oauth/api_scope/commerce.identity.readonly',
      ]);
      expect(res.body.consentUrl).not.toContain('+'); // spaces in scope as %20, like ebay-api's generateAuthUrl
    });
  });
});
