import { AmazonClientFactory } from '../../src/marketplaces/amazon/amazon-client.factory';
import { AmazonConnector } from '../../src/marketplaces/amazon/amazon-connector';
import { EbayClientFactory } from '../../src/marketplaces/ebay/ebay-client.factory';
import { EbayConnector } from '../../src/marketplaces/ebay/ebay-connector';
import type { ConnectorContext } from '../../src/marketplaces/marketplace-connector';
import { MarketplaceError } from '../../src/marketplaces/marketplace-error';
import { AMAZON_DE, startMarketplaces, type MarketplaceHarness } from '../support/marketplace-harness';
import { testConfig } from '../support/test-config';

/**
 * A read sent on a kept-alive socket that the server resets before answering is sent once more on a new
 * socket; a reset of a new socket, a second reset, or a reset of a token request (a POST) is not retried.
 * The simulators' 'reset' fault destroys the socket after reading the request and before writing a byte.
 */
describe('a reset of a reused kept-alive socket before any response byte', () => {
  let m: MarketplaceHarness;
  let amazonFactory: AmazonClientFactory;
  let ebayFactory: EbayClientFactory;
  let amazon: AmazonConnector;
  let ebay: EbayConnector;
  let n = 0;

  beforeAll(async () => {
    m = await startMarketplaces();
    const config = testConfig(m.env);
    amazonFactory = new AmazonClientFactory(config);
    ebayFactory = new EbayClientFactory(config);
    amazon = new AmazonConnector(amazonFactory, m.clock);
    ebay = new EbayConnector(ebayFactory, m.clock);
  });
  afterAll(async () => {
    amazonFactory.agent.destroy();
    ebayFactory.agent.destroy();
    await m.close();
  });
  beforeEach(() => {
    m.amazon.resetObservations();
    m.ebay.resetObservations();
  });

  const window = () => ({ from: new Date(m.clock.nowMs() - 3_600_000), to: new Date(m.clock.nowMs() - 300_000) });
  const failure = (p: Promise<unknown>) =>
    p.then(
      () => undefined,
      (err: unknown) => err,
    );

  function amazonSeller(): ConnectorContext {
    const seller = m.amazon.addSeller({ marketplaceIds: [AMAZON_DE] });
    m.amazon.addOrders(seller.sellingPartnerId, 3, { createdAt: m.clock.nowMs() - 1_800_000 });
    return {
      tenantId: 't',
      connectionId: `a-${++n}`,
      region: 'eu',
      accountId: seller.sellingPartnerId,
      marketplaceIds: [AMAZON_DE],
      credentials: { refreshToken: seller.refreshToken },
    };
  }

  function ebaySeller(): ConnectorContext {
    const seller = m.ebay.addSeller({ marketplaceId: 'EBAY_DE' });
    m.ebay.addOrders(seller.sellerId, 3, { createdAt: new Date(m.clock.nowMs() - 1_800_000) });
    return {
      tenantId: 't',
      connectionId: `e-${++n}`,
      region: 'EBAY_DE',
      accountId: seller.sellerId,
      marketplaceIds: [],
      credentials: { refreshToken: seller.refreshToken, scopes: seller.scopes },
    };
  }

  const searchOrders = () =>
    m.amazon.requests.filter((r) => r.path === '/orders/2026-01-01/orders').map((r) => r.fault ?? r.status);
  const getOrders = () => m.ebay.requests.filter((r) => r.operation === 'getOrders').map((r) => r.fault ?? r.status);

  it('Amazon searchOrders: retried once on a new socket, and the page arrives', async () => {
    const ctx = amazonSeller();
    await amazon.fetchPage(ctx, window(), null); // leaves a kept-alive socket in the agent
    m.amazon.resetObservations();
    m.amazon.failNextRequests(1, 'reset');
    const page = await amazon.fetchPage(ctx, window(), null);
    expect(page.orders).toHaveLength(3);
    expect(searchOrders()).toEqual(['reset', 200]);
  });

  it('eBay getOrders: retried once on a new socket, and the page arrives', async () => {
    const ctx = ebaySeller();
    await ebay.fetchPage(ctx, window(), null);
    m.ebay.resetObservations();
    m.ebay.failNextRequests(1, 'reset');
    const page = await ebay.fetchPage(ctx, window(), null);
    expect(page.orders).toHaveLength(3);
    expect(getOrders()).toEqual(['reset', 200]);
  });

  it('only once: a second reset is a temporary failure', async () => {
    const ctx = ebaySeller();
    await ebay.fetchPage(ctx, window(), null);
    m.ebay.resetObservations();
    m.ebay.failNextRequests(2, 'reset');
    const err = await failure(ebay.fetchPage(ctx, window(), null));
    expect(err).toBeInstanceOf(MarketplaceError);
    expect((err as MarketplaceError).kind).toBe('temporary');
    expect(getOrders()).toEqual(['reset', 'reset']);
  });

  it('not on a new socket: the server saw the request and dropped it, which is not a stale socket', async () => {
    const ctx = amazonSeller();
    await amazon.fetchPage(ctx, window(), null);
    amazonFactory.agent.destroy(); // no kept-alive socket left: the next request opens one
    m.amazon.resetObservations();
    m.amazon.failNextRequests(1, 'reset');
    const err = await failure(amazon.fetchPage(ctx, window(), null));
    expect((err as MarketplaceError).kind).toBe('temporary');
    expect(searchOrders()).toEqual(['reset']);
  });

  it('not a token request (POST): the renewal fails, nothing is sent twice', async () => {
    const warm = ebaySeller();
    await ebay.fetchPage(warm, window(), null); // the agent holds a kept-alive socket
    m.ebay.resetObservations();
    m.ebay.failNextRequests(1, 'reset', 'identity');
    const err = await failure(ebay.fetchPage(ebaySeller(), window(), null)); // a new connection renews first
    expect((err as MarketplaceError).kind).toBe('temporary');
    expect(m.ebay.requests.map((r) => `${r.operation}:${r.fault ?? r.status}`)).toEqual(['token:reset']);
  });
});
