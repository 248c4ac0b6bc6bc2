import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { EBayAccessDenied, EBayInvalidGrant } from 'ebay-api/lib/errors/index.js';
import type { Order } from '../../../src/sandbox/ebay';
import { APP, DAY, failure, SELLER_SCOPES, startHarness, type Harness } from './ebay-sim-harness';

describe('eBay simulator: /_sim HTTP control surface', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.close());

  /** JSON over HTTPS to the simulator, trusting only the loopback CA. */
  function control(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    return new Promise((resolve, reject) => {
      const req = https.request(new URL(path, h.sim.url), { method, ca: h.tls.caPem }, (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      });
      req.on('error', reject);
      req.end(body === undefined ? undefined : JSON.stringify(body));
    });
  }

  it('drives sellers, orders, faults, tokens, the clock and observation over HTTP', async () => {
    const seller = await control('POST', '/_sim/sellers', { marketplaceId: 'EBAY_DE', scopes: SELLER_SCOPES });
    expect(seller.status).toBe(200);
    expect(seller.body).toMatchObject({ sellerId: 'sim_seller_1', marketplaceId: 'EBAY_DE', clientId: APP.clientId });

    const created = await control('POST', `/_sim/sellers/${seller.body.sellerId}/orders`, {
      count: 3,
      spacingMs: 1000,
    });
    const ids: string[] = created.body.orders.map((o: Order) => o.orderId);
    expect(ids).toHaveLength(3);
    expect(created.body.orders[0].pricingSummary.total.currency).toBe('EUR');

    // Onboarding by authorization code, then an API call through the real client.
    const { body: codeBody } = await control('POST', `/_sim/sellers/${seller.body.sellerId}/authorization-codes`, {
      clientId: APP.clientId,
      ruName: APP.ruName,
      scopes: SELLER_SCOPES,
    });
    const eBay = h.client();
    await eBay.OAuth2.obtainToken(codeBody.code);

    await control('POST', '/_sim/faults', { count: 1, kind: '429' });
    expect(await failure(eBay.sell.fulfillment.getOrders())).toBeInstanceOf(EBayAccessDenied);

    expect((await control('POST', `/_sim/orders/${ids[0]}/ship`)).body.orderFulfillmentStatus).toBe('FULFILLED');
    await control('POST', `/_sim/orders/${ids[1]}/request-cancel`, { initiator: 'Buyer' });
    await control('POST', `/_sim/orders/${ids[1]}/cancel`);
    await control('POST', `/_sim/orders/${ids[1]}/malformed`, { kind: 'missing-line-items' });
    expect((await control('POST', `/_sim/orders/${ids[1]}/malformed`, { kind: null })).body).toEqual({
      orderId: ids[1],
      kind: null,
    });
    await control('POST', `/_sim/orders/${ids[2]}/malformed`, { kind: 'unknown-status' });
    const patched = await control('PATCH', `/_sim/orders/${ids[2]}`, {
      buyerCheckoutNotes: 'Ovsim patched',
      pricingSummary: { deliveryCost: null },
    });
    expect(patched.body.buyerCheckoutNotes).toBe('Ovsim patched');
    expect(patched.body.pricingSummary).not.toHaveProperty('deliveryCost');
    expect((await control('GET', `/_sim/orders/${ids[0]}`)).body.orderId).toBe(ids[0]);

    const page = (await eBay.sell.fulfillment.getOrders()) as { orders: Order[] };
    const byId = new Map(page.orders.map((o) => [o.orderId, o]));
    expect(byId.get(ids[0])!.orderFulfillmentStatus).toBe('FULFILLED');
    expect(byId.get(ids[1])!.cancelStatus.cancelState).toBe('CANCELED');
    expect(byId.get(ids[1])!.lineItems.length).toBeGreaterThan(0); // repaired with {kind: null}
    expect(byId.get(ids[2])!.orderFulfillmentStatus).toBe('PARTIALLY_DISPATCHED');

    const requests = await control('GET', '/_sim/requests');
    expect(requests.body.map((r: { operation: string; status: number }) => [r.operation, r.status])).toEqual([
      ['token', 200],
      ['getOrders', 429],
      ['getOrders', 200],
    ]);
    expect((await control('GET', '/_sim/token-calls')).body).toEqual([
      expect.objectContaining({ grantType: 'authorization_code', status: 200, sellerId: 'sim_seller_1' }),
    ]);

    // The clock moves for everyone: after 15 days the e-mail is gone from the wire.
    expect((await control('POST', '/_sim/clock/advance', { ms: 15 * DAY })).body.now).toBe('2026-12-05T12:00:00.000Z');
    const later = (await eBay.sell.fulfillment.getOrder(ids[0])) as Order;
    expect(later.buyer.buyerRegistrationAddress).not.toHaveProperty('email');
    expect(h.sim.tokenCalls.map((c) => c.grantType)).toEqual(['authorization_code', 'refresh_token']);

    const { refresh_token } = eBay.OAuth2.getCredentials() as { refresh_token: string };
    expect((await control('POST', '/_sim/refresh-tokens/revoke', { refreshToken: refresh_token })).body).toEqual({
      revoked: true,
    });
    expect(await failure(eBay.sell.fulfillment.getOrder(ids[0]))).toBeInstanceOf(EBayInvalidGrant);

    await control('POST', '/_sim/observations/reset');
    expect((await control('GET', '/_sim/requests')).body).toEqual([]);
    expect((await control('PUT', '/_sim/quota', { dailyQuota: 5 })).body).toEqual({ dailyQuota: 5 });
    expect((await control('POST', '/_sim/access-tokens/expire')).body).toEqual({ expired: 0 });
    expect((await control('DELETE', '/_sim/faults')).body).toEqual({ cleared: true });
  });

  it('sends a signed account-deletion notification on request', async () => {
    let signature: string | undefined;
    const receiver = http.createServer((req, res) => {
      signature = req.headers['x-ebay-signature'] as string;
      req.resume();
      req.on('end', () => res.writeHead(200).end());
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    try {
      const targetUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/deletion`;
      const sent = await control('POST', '/_sim/account-deletion', {
        targetUrl,
        username: 'ovsim_bram',
        userId: 'u1',
        eiasToken: 'e1',
      });
      expect(sent.body).toEqual({ status: 200 });
      expect(JSON.parse(Buffer.from(signature!, 'base64').toString('utf8')).kid).toBe(h.sim.publicKeyId);
      expect((await control('GET', '/_sim/notifications')).body).toEqual([
        expect.objectContaining({ targetUrl, signature: 'valid', status: 200 }),
      ]);
    } finally {
      await new Promise<void>((r) => receiver.close(() => r()));
    }
  });

  it('answers bad control input with 400 and unknown control routes with 404', async () => {
    expect(await control('POST', '/_sim/faults', { count: 1, kind: 'meteor' })).toEqual({
      status: 400,
      body: { error: 'unknown fault kind meteor' },
    });
    expect(await control('POST', '/_sim/sellers/nobody/orders', { count: 1 })).toEqual({
      status: 400,
      body: { error: 'Unknown seller nobody' },
    });
    expect((await control('GET', '/_sim/orders/00-00000-00000')).status).toBe(404);
    expect((await control('POST', '/_sim/teleport')).status).toBe(404);
    // Control traffic is not mixed into the eBay request log.
    expect(h.sim.requests).toEqual([]);
  });
});
