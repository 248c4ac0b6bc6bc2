import { readdirSync, readFileSync } from 'node:fs';
import * as https from 'node:https';
import * as path from 'node:path';
import { ebayExchangeError } from '../../src/connections/oauth/oauth-errors';
import { AmazonClientFactory } from '../../src/marketplaces/amazon/amazon-client.factory';
import { AmazonConnector } from '../../src/marketplaces/amazon/amazon-connector';
import { EbayClientFactory } from '../../src/marketplaces/ebay/ebay-client.factory';
import { EbayConnector } from '../../src/marketplaces/ebay/ebay-connector';
import type { ConnectorContext } from '../../src/marketplaces/marketplace-connector';
import { isExplicitRevocation, MarketplaceError } from '../../src/marketplaces/marketplace-error';
import { DomainError } from '../../src/platform/errors/domain-error';
import type { CannedAnswer } from '../../src/sandbox/canned-answers';
import { AMAZON_DE, EBAY_APP, startMarketplaces, type MarketplaceHarness } from '../support/marketplace-harness';
import { testConfig } from '../support/test-config';

/**
 * Every marketplace error body we hold (test/fixtures, copied from the reference examples) is answered by a
 * simulator byte for byte and goes through the product's real client path (connector, client library, our
 * agent, TLS); the error the connector throws must have the expected kind and code. A fixture without a row
 * fails the test, so a new example cannot be added without deciding what it means.
 */

const FIXTURES = path.join(__dirname, '../fixtures');
const fixtureText = (file: string) => readFileSync(path.join(FIXTURES, file), 'utf8');

/** Error bodies among the fixtures: eBay's errors.* and OAuth errors, Amazon's 4xx/5xx examples. */
const isErrorExample = (name: string) =>
  /^errors\./.test(name) || /^oauth\.token\.error\./.test(name) || /\.[45]\d\d\.[a-z-]*\.?json$/.test(name);

type Path =
  | 'ebay.getOrders'
  | 'ebay.getOrders.later-page'
  | 'ebay.getOrder'
  | 'ebay.token-renewal'
  | 'ebay.reactive-refresh'
  | 'ebay.code-exchange'
  | 'amazon.searchOrders'
  | 'amazon.searchOrders.next-page'
  | 'amazon.getOrder'
  | 'amazon.lwa-renewal';

interface Row {
  /** A fixture file (`ebay/…`, `amazon/…`) or a body quoted in the reference with its section. */
  source: string;
  status: number;
  body?: string;
  contentType?: string;
  /** How many consecutive requests get the answer (a client that retries once sees it twice). */
  times?: number;
  path: Path;
  expected: { kind: string; code: string };
}

const LWA_INVALID_GRANT =
  '{"error_description":"The request has an invalid grant parameter : refresh_token. User may have revoked or didn\'t grant the permission.","error":"invalid_grant"}';

const ROWS: Row[] = [
  // eBay REST envelope (reference ebay.md §1.2, §2, §4)
  {
    source: 'ebay/errors.400-invalid-filter.constructed.json',
    status: 400,
    path: 'ebay.getOrders',
    expected: { kind: 'unknown', code: '30800' },
  },
  {
    source: 'ebay/errors.401-invalid-access-token.json',
    status: 401,
    times: 2,
    path: 'ebay.getOrders',
    expected: { kind: 'auth_revoked', code: '1001' },
  },
  {
    source: 'ebay/errors.403-insufficient-scope.json',
    status: 403,
    path: 'ebay.getOrders',
    expected: { kind: 'auth_revoked', code: '1100' },
  },
  {
    source: 'ebay/errors.404-getOrder-unknown.observed.json',
    status: 404,
    path: 'ebay.getOrder',
    expected: { kind: 'not_found', code: '32100' },
  },
  {
    source: 'ebay/errors.429-daily-quota.json',
    status: 429,
    path: 'ebay.getOrders',
    expected: { kind: 'rate_limited', code: '2001' },
  },
  {
    source: 'ebay/errors.500-system.json',
    status: 500,
    path: 'ebay.getOrders',
    expected: { kind: 'temporary', code: '30500' },
  },
  {
    source: 'ebay.md §1.2: 31000 Invalid offset on a later page',
    status: 400,
    body: '{"errors":[{"errorId":31000,"domain":"API_FULFILLMENT","category":"REQUEST","message":"Invalid offset"}]}',
    path: 'ebay.getOrders.later-page',
    expected: { kind: 'cursor_invalid', code: '31000' },
  },
  {
    source: 'ebay.md §5.6: a gateway page instead of JSON',
    status: 502,
    body: '<html><body><h1>502 Bad Gateway</h1></body></html>',
    contentType: 'text/html',
    path: 'ebay.getOrders',
    expected: { kind: 'temporary', code: 'http_502' },
  },
  // eBay identity endpoint (OAuth bodies, reference ebay.md §2): through our renewal (ebay-api re-throws the raw
  // Axios error there) and through the client's own refresh after a 401 (EBayInvalidGrant): same answer, same kind.
  {
    source: 'ebay/oauth.token.error.invalid_grant.json',
    status: 400,
    path: 'ebay.token-renewal',
    expected: { kind: 'auth_revoked', code: 'invalid_grant' },
  },
  {
    source: 'ebay/oauth.token.error.invalid_grant.json',
    status: 400,
    path: 'ebay.reactive-refresh',
    expected: { kind: 'auth_revoked', code: 'invalid_grant' },
  },
  {
    source: 'ebay/oauth.token.error.invalid_scope.json',
    status: 400,
    path: 'ebay.token-renewal',
    expected: { kind: 'auth_revoked', code: 'invalid_scope' },
  },
  {
    source: 'ebay.md §2: invalid_client "client authentication failed"',
    status: 401,
    body: '{"error":"invalid_client","error_description":"client authentication failed"}',
    path: 'ebay.token-renewal',
    expected: { kind: 'unknown', code: 'invalid_client' },
  },
  {
    source: 'ebay/oauth.token.error.invalid_grant.code.json',
    status: 400,
    path: 'ebay.code-exchange',
    expected: { kind: 'validation_failed', code: 'validation_failed' },
  },
  // Amazon SP-API ErrorList (reference amazon-sp-api.md §3)
  {
    source: 'amazon/orders2026.searchOrders.400.sandbox.json',
    status: 400,
    path: 'amazon.searchOrders',
    expected: { kind: 'unknown', code: 'InvalidInput' },
  },
  {
    source: 'amazon/orders2026.searchOrders.400.sandbox.json',
    status: 400,
    path: 'amazon.searchOrders.next-page',
    expected: { kind: 'cursor_invalid', code: 'InvalidInput' },
  },
  {
    source: 'amazon/ordersV0.getOrders.400.sandbox.json',
    status: 400,
    path: 'amazon.searchOrders',
    expected: { kind: 'unknown', code: 'InvalidInput' },
  },
  {
    source: 'amazon/tokens.createRestrictedDataToken.400.sandbox.json',
    status: 400,
    path: 'amazon.getOrder',
    expected: { kind: 'unknown', code: 'InvalidRequest' },
  },
  {
    source: 'amazon-sp-api.md §3: 429 QuotaExceeded',
    status: 429,
    body: '{"errors":[{"code":"QuotaExceeded","message":"You exceeded your quota for the requested resource.","details":""}]}',
    path: 'amazon.searchOrders',
    expected: { kind: 'rate_limited', code: 'QuotaExceeded' },
  },
  {
    source: 'amazon-sp-api.md §3: 403 revoked, malformed or invalid token (renewed once, then refused)',
    status: 403,
    times: 2,
    body: '{"errors":[{"code":"Unauthorized","message":"Access to requested resource is denied.","details":"The access token you provided is revoked, malformed or invalid."}]}',
    path: 'amazon.searchOrders',
    expected: { kind: 'auth_revoked', code: 'Unauthorized' },
  },
  {
    source: 'amazon-sp-api.md §3: 403 missing role',
    status: 403,
    body: '{"errors":[{"message":"Access to requested resource is denied.","code":"Unauthorized","details":""}]}',
    path: 'amazon.searchOrders',
    expected: { kind: 'auth_revoked', code: 'Unauthorized' },
  },
  {
    source: 'amazon-sp-api.md §3: 404 NotFound',
    status: 404,
    body: '{"errors":[{"code":"NotFound","message":"The requested resource was not found.","details":""}]}',
    path: 'amazon.getOrder',
    expected: { kind: 'not_found', code: 'NotFound' },
  },
  {
    source: 'amazon-sp-api.md §3: 500 InternalFailure',
    status: 500,
    body: '{"errors":[{"code":"InternalFailure","message":"We encountered an internal error. Please try again.","details":""}]}',
    path: 'amazon.searchOrders',
    expected: { kind: 'temporary', code: 'InternalFailure' },
  },
  // Login with Amazon (reference amazon-sp-api.md §4.1)
  {
    source: 'amazon-sp-api.md §4.1: LWA invalid_grant',
    status: 400,
    body: LWA_INVALID_GRANT,
    path: 'amazon.lwa-renewal',
    expected: { kind: 'auth_revoked', code: 'invalid_grant' },
  },
  {
    source: 'amazon-sp-api.md §4.1: LWA invalid_client',
    status: 401,
    body: '{"error_description":"Client authentication failed","error":"invalid_client"}',
    path: 'amazon.lwa-renewal',
    expected: { kind: 'unknown', code: 'invalid_client' },
  },
  {
    source: 'amazon-sp-api.md §6.3: an HTML page from LWA',
    status: 503,
    body: '<html><body>Service Unavailable</body></html>',
    contentType: 'text/html',
    path: 'amazon.lwa-renewal',
    expected: { kind: 'temporary', code: 'REFRESH_ACCESS_TOKEN_PARSE_ERROR' },
  },
];

describe('marketplace error answers, through the real clients, classified by what the marketplace answered', () => {
  let m: MarketplaceHarness;
  let amazon: AmazonConnector;
  let ebay: EbayConnector;
  let ebayFactory: EbayClientFactory;
  let amazonFactory: AmazonClientFactory;
  let connections = 0;

  beforeAll(async () => {
    m = await startMarketplaces();
    const config = testConfig(m.env);
    amazonFactory = new AmazonClientFactory(config);
    amazon = new AmazonConnector(amazonFactory, m.clock);
    ebayFactory = new EbayClientFactory(config);
    ebay = new EbayConnector(ebayFactory, m.clock);
  });
  afterAll(async () => {
    ebayFactory.agent.destroy();
    amazonFactory.agent.destroy();
    await m.close();
  });

  const window = () => ({ from: new Date(m.clock.nowMs() - 3_600_000), to: new Date(m.clock.nowMs() - 300_000) });

  function ebayContext(): ConnectorContext {
    const seller = m.ebay.addSeller({ marketplaceId: 'EBAY_DE' });
    return {
      tenantId: 't',
      connectionId: `ebay-${++connections}`,
      region: 'EBAY_DE',
      accountId: seller.sellerId,
      marketplaceIds: [],
      credentials: { refreshToken: seller.refreshToken, scopes: seller.scopes },
    };
  }

  function amazonContext(): ConnectorContext {
    const seller = m.amazon.addSeller({ marketplaceIds: [AMAZON_DE] });
    return {
      tenantId: 't',
      connectionId: `amazon-${++connections}`,
      region: 'eu',
      accountId: seller.sellingPartnerId,
      marketplaceIds: [AMAZON_DE],
      credentials: { refreshToken: seller.refreshToken },
    };
  }

  /** Serves the row's answer on the request the path makes and returns what the product threw. */
  async function drive(row: Row, answer: CannedAnswer): Promise<unknown> {
    const times = row.times ?? 1;
    const failure = (p: Promise<unknown>) =>
      p.then(
        () => new Error('the call succeeded'),
        (err: unknown) => err,
      );
    switch (row.path) {
      case 'ebay.getOrders':
      case 'ebay.getOrders.later-page':
      case 'ebay.getOrder': {
        const ctx = ebayContext();
        await ebay.fetchPage(ctx, window(), null); // token renewed; the next call goes straight to the API
        m.ebay.answerNextRequests(times, answer, 'api');
        if (row.path === 'ebay.getOrder') return failure(ebay.fetchOrder(ctx, '12-34567-89012'));
        const position = row.path === 'ebay.getOrders' ? null : JSON.stringify({ offset: 200, total: 400 });
        return failure(ebay.fetchPage(ctx, window(), position));
      }
      case 'ebay.token-renewal':
        m.ebay.answerNextRequests(times, answer, 'identity');
        return failure(ebay.fetchPage(ebayContext(), window(), null));
      case 'ebay.reactive-refresh': {
        const ctx = ebayContext();
        await ebay.fetchPage(ctx, window(), null);
        // eBay stops accepting the access token before our renewal margin: the client's 401 handling refreshes.
        m.ebay.expireAccessTokens({ sellerId: ctx.accountId });
        m.ebay.answerNextRequests(times, answer, 'identity');
        return failure(ebay.fetchPage(ctx, window(), null));
      }
      case 'ebay.code-exchange': {
        m.ebay.answerNextRequests(times, answer, 'identity');
        const client = ebayFactory.create('EBAY_DE');
        return client.OAuth2.mintUserAccessToken('v^1.1#i^1#code-from-the-redirect', EBAY_APP.ruName).then(
          () => new Error('the exchange succeeded'),
          (err: unknown) => ebayExchangeError(err),
        );
      }
      case 'amazon.searchOrders':
      case 'amazon.searchOrders.next-page':
      case 'amazon.getOrder': {
        const ctx = amazonContext();
        await amazon.fetchPage(ctx, window(), null);
        m.amazon.answerNextRequests(times, answer, 'sp-api');
        if (row.path === 'amazon.getOrder') return failure(amazon.fetchOrder(ctx, '028-1234567-1234567'));
        return failure(amazon.fetchPage(ctx, window(), row.path === 'amazon.searchOrders' ? null : 'page-2-token'));
      }
      case 'amazon.lwa-renewal':
        m.amazon.answerNextRequests(times, answer, 'lwa');
        return failure(amazon.fetchPage(amazonContext(), window(), null));
    }
  }

  it('has a row for every error example among the fixtures', () => {
    const examples = ['amazon', 'ebay'].flatMap((dir) =>
      readdirSync(path.join(FIXTURES, dir))
        .filter(isErrorExample)
        .map((f) => `${dir}/${f}`),
    );
    expect(examples.length).toBeGreaterThanOrEqual(12);
    const covered = new Set(ROWS.map((r) => r.source));
    expect(examples.filter((f) => !covered.has(f))).toEqual([]);
  });

  it.each(ROWS.map((row) => [`${row.source} (${row.path})`, row] as const))('%s', async (_name, row) => {
    const body = row.body ?? fixtureText(row.source);
    const err = await drive(row, { status: row.status, body, contentType: row.contentType });
    if (row.expected.kind === 'validation_failed') {
      expect(err).toBeInstanceOf(DomainError);
      expect((err as DomainError).code).toBe(row.expected.code);
      return;
    }
    expect(err).toBeInstanceOf(MarketplaceError);
    const e = err as MarketplaceError;
    expect({ kind: e.kind, code: e.marketplaceCode }).toEqual(row.expected);
    // Only the token endpoint's invalid_grant is the seller's withdrawal (it starts the buyer-data grace);
    // a 401 after a renewal, a 403 or invalid_scope park the connection without it.
    expect(isExplicitRevocation(e)).toBe(e.marketplaceCode === 'invalid_grant');
    // Whatever the marketplace said, nothing of the token or the body's free text is in the message.
    expect(e.message).not.toMatch(/refresh token is invalid|Atzr\||v\^1\.1/);
  });
});

describe('the eBay simulator answers as eBay does where it reaches the state itself', () => {
  let m: MarketplaceHarness;
  beforeAll(async () => {
    m = await startMarketplaces();
  });
  afterAll(() => m.close());

  function call(
    method: string,
    urlPath: string,
    headers: Record<string, string>,
    body?: string,
  ): Promise<{ status: number; body: unknown }> {
    return new Promise((resolve, reject) => {
      const req = https.request(`${m.ebay.origin}${urlPath}`, { method, headers, ca: m.tls.caPem }, (res) => {
        let data = '';
        res.on('data', (c) => (data += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(data) }));
      });
      req.on('error', reject);
      req.end(body);
    });
  }
  const basic = `Basic ${Buffer.from(`${EBAY_APP.clientId}:${EBAY_APP.clientSecret}`).toString('base64')}`;
  const form = { 'content-type': 'application/x-www-form-urlencoded', authorization: basic };
  const fixture = (name: string) => JSON.parse(fixtureText(`ebay/${name}`)) as unknown;

  async function userToken(refreshToken: string): Promise<string> {
    const res = await call(
      'POST',
      '/identity/v1/oauth2/token',
      form,
      new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }).toString(),
    );
    return (res.body as { access_token: string }).access_token;
  }

  it('a revoked refresh token, a used code, a bad token, a narrow scope, an unknown order, a 500 and a 429', async () => {
    const revoked = m.ebay.addSeller();
    m.ebay.revokeRefreshToken(revoked.refreshToken);
    expect(
      await call(
        'POST',
        '/identity/v1/oauth2/token',
        form,
        new URLSearchParams({ grant_type: 'refresh_token', refresh_token: revoked.refreshToken }).toString(),
      ),
    ).toEqual({ status: 400, body: fixture('oauth.token.error.invalid_grant.json') });

    expect(
      await call(
        'POST',
        '/identity/v1/oauth2/token',
        form,
        new URLSearchParams({
          grant_type: 'authorization_code',
          code: 'unknown',
          redirect_uri: EBAY_APP.ruName,
        }).toString(),
      ),
    ).toEqual({ status: 400, body: fixture('oauth.token.error.invalid_grant.code.json') });

    expect(await call('GET', '/sell/fulfillment/v1/order', { authorization: 'Bearer not-a-token' })).toEqual({
      status: 401,
      body: fixture('errors.401-invalid-access-token.json'),
    });

    const narrow = m.ebay.addSeller({ scopes: ['https://api.ebay.com/oauth/api_scope'] });
    const narrowToken = await userToken(narrow.refreshToken);
    expect(await call('GET', '/sell/fulfillment/v1/order', { authorization: `Bearer ${narrowToken}` })).toEqual({
      status: 403,
      body: fixture('errors.403-insufficient-scope.json'),
    });

    const seller = m.ebay.addSeller();
    const auth = { authorization: `Bearer ${await userToken(seller.refreshToken)}` };
    expect(await call('GET', '/sell/fulfillment/v1/order/99-99999-99999', auth)).toEqual({
      status: 404,
      body: fixture('errors.404-getOrder-unknown.observed.json'),
    });
    m.ebay.failNextRequests(1, '500');
    expect(await call('GET', '/sell/fulfillment/v1/order', auth)).toEqual({
      status: 500,
      body: fixture('errors.500-system.json'),
    });
    m.ebay.failNextRequests(1, '429');
    expect(await call('GET', '/sell/fulfillment/v1/order', auth)).toEqual({
      status: 429,
      body: fixture('errors.429-daily-quota.json'),
    });
  });
});
