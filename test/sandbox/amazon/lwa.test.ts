import {
  APP,
  HOUR,
  MINUTE,
  US,
  errorList,
  rawRequest,
  rejection,
  searchOrders,
  startHarness,
  type Harness,
} from './support';

const REVOKED = {
  error_description:
    "The request has an invalid grant parameter : refresh_token. User may have revoked or didn't grant the permission.",
  error: 'invalid_grant',
};

describe('Amazon simulator: Login with Amazon', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('exchanges a refresh token sent as JSON by amazon-sp-api, at api.amazon.com, without logging the token', async () => {
    const { refreshToken } = h.sim.addSeller({ marketplaceIds: [US] });
    const sp = h.client(refreshToken);
    await sp.refreshAccessToken();

    expect(sp.access_token).toMatch(/^Atza\|[A-Za-z0-9_-]{90,}$/);
    expect(h.sim.lwaCalls).toBe(1);
    expect(h.sim.requests).toEqual([
      expect.objectContaining({
        method: 'POST',
        path: '/auth/o2/token',
        host: 'api.amazon.com',
        operation: 'lwaToken',
        grantType: 'refresh_token',
        status: 200,
      }),
    ]);
    const log = JSON.stringify(h.sim.requests);
    expect(log).not.toContain(refreshToken);
    expect(log).not.toContain(sp.access_token);
    expect(log).not.toContain(APP.clientSecret);
  });

  it('accepts the documented form encoding and answers like LWA, with no-store caching', async () => {
    const { refreshToken } = h.sim.addSeller({ marketplaceIds: [US] });
    const form = new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: APP.clientId,
      client_secret: APP.clientSecret,
    });
    const res = await rawRequest(h, {
      host: 'api.amazon.com',
      method: 'POST',
      path: '/auth/o2/token',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded;charset=UTF-8' },
      body: form.toString(),
    });
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/);
    const body = JSON.parse(res.body) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(['access_token', 'token_type', 'expires_in', 'refresh_token']);
    expect(body).toMatchObject({ token_type: 'bearer', expires_in: 3600, refresh_token: refreshToken });
  });

  it('rejects a wrong client secret with 401 invalid_client', async () => {
    const { refreshToken } = h.sim.addSeller({ marketplaceIds: [US] });
    const err = await rejection(h.client(refreshToken, { clientSecret: 'not-the-secret' }).refreshAccessToken());
    expect(err).toMatchObject({ code: 'invalid_client', message: 'Client authentication failed' });
    expect(h.sim.requests[0].status).toBe(401);
  });

  it('exchanges a website-authorization code once, within 5 minutes, via sp.exchange', async () => {
    const seller = h.sim.addSeller({ marketplaceIds: [US] });
    h.sim.addOrders(seller.sellingPartnerId, 2, { createdAt: '2026-03-01T10:00:00Z' });
    const code = h.sim.issueAuthorizationCode(seller.sellingPartnerId);
    expect(code).toMatch(/^AN[A-Za-z0-9]{20}$/);

    // The client needs some refresh token to be constructed; the one exchanged is what matters.
    const onboarding = h.client('Atzr|placeholder');
    h.clock.advance(4 * MINUTE);
    const tokens = await onboarding.exchange(code);
    expect(tokens).toMatchObject({ token_type: 'bearer', expires_in: 3600 });
    expect(tokens.refresh_token).toMatch(/^Atzr\|/);
    expect(tokens.refresh_token).not.toBe(seller.refreshToken);
    expect(h.sim.requests[0]).toMatchObject({ grantType: 'authorization_code', status: 200 });

    const page = await searchOrders(h.client(tokens.refresh_token), { createdAfter: '2026-03-01T00:00:00Z' });
    expect(page.orders).toHaveLength(2);

    const reused = await rejection(onboarding.exchange(code));
    expect(reused).toMatchObject({
      code: 'invalid_grant',
      message: 'The request has an invalid grant parameter : code',
    });

    const late = h.sim.issueAuthorizationCode(seller.sellingPartnerId);
    h.clock.advance(5 * MINUTE);
    expect(await rejection(onboarding.exchange(late))).toMatchObject({ code: 'invalid_grant' });
  });

  it('surfaces a revoked refresh token as invalid_grant, with the LWA wording', async () => {
    const { refreshToken } = h.sim.addSeller({ marketplaceIds: [US] });
    h.sim.revokeRefreshToken(refreshToken);
    const err = await rejection(searchOrders(h.client(refreshToken), { createdAfter: '2026-03-01T00:00:00Z' }));
    expect(err).toMatchObject({ code: 'invalid_grant', message: REVOKED.error_description });

    const res = await rawRequest(h, {
      host: 'api.amazon.com',
      method: 'POST',
      path: '/auth/o2/token',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'refresh_token',
        refresh_token: refreshToken,
        client_id: APP.clientId,
        client_secret: APP.clientSecret,
      }),
    });
    expect(res.status).toBe(400);
    expect(res.body).toBe(JSON.stringify(REVOKED));
  });

  it('lets the client refresh an expired access token and retry (clock-driven expiry after 1 h)', async () => {
    const seller = h.sim.addSeller({ marketplaceIds: [US] });
    h.sim.addOrders(seller.sellingPartnerId, 3, { createdAt: '2026-03-01T10:00:00Z' });
    const sp = h.client(seller.refreshToken);
    await searchOrders(sp, { createdAfter: '2026-03-01T00:00:00Z' });
    expect(h.sim.lwaCalls).toBe(1);

    h.clock.advance(HOUR);
    const page = await searchOrders(sp, { createdAfter: '2026-03-01T00:00:00Z' });
    expect(page.orders).toHaveLength(3);
    expect(h.sim.lwaCalls).toBe(2);
    expect(h.sim.requests.map((r) => [r.operation, r.status])).toEqual([
      ['lwaToken', 200],
      ['searchOrders', 200],
      ['searchOrders', 403],
      ['lwaToken', 200],
      ['searchOrders', 200],
    ]);

    h.sim.expireAccessTokens();
    await searchOrders(sp, { createdAfter: '2026-03-01T00:00:00Z' });
    expect(h.sim.lwaCalls).toBe(3);
  });

  it('answers SP-API calls without, or with an unknown, access token with the documented 403 bodies', async () => {
    const missing = await rawRequest(h, {
      host: 'sellingpartnerapi-na.amazon.com',
      path: `/orders/2026-01-01/orders?createdAfter=2026-03-01T00%3A00%3A00Z&marketplaceIds=${US}`,
    });
    expect(missing.status).toBe(403);
    expect(errorList(missing.body)).toEqual({
      errors: [
        {
          message: 'Access to requested resource is denied.',
          code: 'Unauthorized',
          details: 'Access token is missing in the request header.',
        },
      ],
    });
    expect(missing.headers['x-amzn-ratelimit-limit']).toBeUndefined();
    expect(missing.headers['x-amzn-requestid']).toBeDefined();

    const forged = await rawRequest(h, {
      host: 'sellingpartnerapi-na.amazon.com',
      path: '/orders/2026-01-01/orders/111-0000000-0000000',
      headers: { 'x-amz-access-token': 'Atza|forged' },
    });
    expect(forged.status).toBe(403);
    expect(forged.body).toBe(
      '{"errors":[{"code":"Unauthorized","message":"Access to requested resource is denied.","details":"The access token you provided is revoked, malformed or invalid."}]}',
    );
  });

  it('invalidates the access tokens of a revoked authorization, which the client does not retry', async () => {
    const seller = h.sim.addSeller({ marketplaceIds: [US] });
    const sp = h.client(seller.refreshToken);
    await searchOrders(sp, { createdAfter: '2026-03-01T00:00:00Z' });
    h.sim.revokeRefreshToken(seller.refreshToken);
    const err = await rejection(searchOrders(sp, { createdAfter: '2026-03-01T00:00:00Z' }));
    expect(err).toMatchObject({
      code: 'Unauthorized',
      details: 'The access token you provided is revoked, malformed or invalid.',
    });
    expect(h.sim.lwaCalls).toBe(1);
  });
});
