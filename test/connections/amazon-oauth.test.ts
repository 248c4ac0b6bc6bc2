import { TEST_ACTOR } from '../support/test-actor';
import { AmazonClientFactory } from '../../src/marketplaces/amazon/amazon-client.factory';
import { ConnectionsService } from '../../src/connections/connections.service';
import { AMAZON_APP, AMAZON_DE, AMAZON_FR } from '../support/marketplace-harness';
import {
  asSeller,
  decodeState,
  expectNowhereInDatabase,
  listConnections,
  newTenant,
  openCredentials,
  query,
  respellSignature,
  startOAuthEnv,
  tamperPayload,
  tamperSignature,
  type OAuthEnv,
} from './oauth-support';

const START = '/v1/connect/amazon/start';
const CALLBACK = '/v1/connect/amazon/callback';
const APP_ID = 'amzn1.sp.solution.ordervault-test';

describe('Amazon seller connection (website authorisation workflow) through the LWA simulator', () => {
  let env: OAuthEnv;
  beforeAll(async () => {
    env = await startOAuthEnv();
  });
  afterAll(() => env.close());

  async function begin(tenantId: string, marketplaceIds = `${AMAZON_DE},${AMAZON_FR}`): Promise<string> {
    const res = await env.t
      .http()
      .get(`${START}?${query({ region: 'eu', marketplaceIds })}`)
      .set(asSeller(env.t, tenantId))
      .expect(200);
    return new URL(res.body.consentUrl).searchParams.get('state')!;
  }

  function seller() {
    const s = env.m.amazon.addSeller({ marketplaceIds: [AMAZON_DE, AMAZON_FR] });
    return { ...s, code: () => env.m.amazon.issueAuthorizationCode(s.sellingPartnerId) };
  }

  const callback = (params: Record<string, string>) => env.t.http().get(`${CALLBACK}?${query(params)}`);

  const tokenCalls = () => env.m.amazon.requests.filter((r) => r.operation === 'lwaToken');

  it('start → consent → callback stores an active connection with the refresh token sealed', async () => {
    const { t, m } = env;
    const tenantId = await newTenant(t);

    const started = await t
      .http()
      .get(`${START}?region=eu&marketplaceIds=${AMAZON_DE},${AMAZON_FR}`)
      .set(asSeller(t, tenantId))
      .expect(200);

    expect(started.headers['cache-control']).toBe('no-store');
    expect(started.headers['referrer-policy']).toBe('no-referrer');
    expect(started.body.expiresAt).toBe('2026-11-20T12:10:00.000Z');
    const state = new URL(started.body.consentUrl).searchParams.get('state')!;
    expect(started.body.consentUrl).toBe(
      `https://sellercentral.amazon.com/apps/authorize/consent?application_id=${encodeURIComponent(APP_ID)}` +
        `&state=${state}&redirect_uri=${encodeURIComponent('http://localhost:3000/v1/connect/amazon/callback')}`,
    );
    // The state names the flow and nothing secret: ids, a nonce, an expiry.
    expect(decodeState(state)).toEqual({
      tenantId,
      marketplace: 'amazon',
      region: 'eu',
      marketplaceIds: [AMAZON_DE, AMAZON_FR],
      nonce: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
      exp: Date.parse('2026-11-20T12:10:00Z') / 1000,
    });

    const s = seller();
    const code = s.code();
    m.amazon.resetObservations();
    const res = await callback({ state, selling_partner_id: s.sellingPartnerId, spapi_oauth_code: code }).expect(201);

    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({
      connectionId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      tenantId,
      marketplace: 'amazon',
      region: 'eu',
      marketplaceIds: [AMAZON_DE, AMAZON_FR],
      accountId: s.sellingPartnerId,
      displayName: `amazon eu ${s.sellingPartnerId}`,
      status: 'active',
      statusReason: null,
      buyerDataDueAt: null,
      buyerDataDestroyedAt: null,
      // Row timestamps come from the database (CreateDateColumn), not the injected clock.
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(JSON.stringify(res.body)).not.toMatch(/Atzr|refresh/i);
    // One LWA call: the code exchange, through the real client, to the real host name.
    expect(tokenCalls().map((r) => [r.method, r.host, r.path, r.grantType, r.status])).toEqual([
      ['POST', 'api.amazon.com', '/auth/o2/token', 'authorization_code', 200],
    ]);
    expect(await listConnections(t, tenantId)).toEqual([res.body]);

    const credentials = await openCredentials(t, tenantId, res.body.connectionId);
    expect(credentials).toEqual({ refreshToken: expect.stringMatching(/^Atzr\|/) });
    await expectNowhereInDatabase(t, credentials.refreshToken);
    await expectNowhereInDatabase(t, code);

    // The sealed token is the live one LWA issued: a client built from it refreshes an access token.
    const sp = t.app.get(AmazonClientFactory).create('eu', credentials);
    m.amazon.resetObservations();
    await sp.refreshAccessToken();
    expect(tokenCalls().map((r) => [r.grantType, r.status])).toEqual([['refresh_token', 200]]);
  });

  it('re-authorising the same seller updates the same connection and reactivates it after auth_failed', async () => {
    const { t } = env;
    const tenantId = await newTenant(t);
    const s = seller();
    const first = await callback({
      state: await begin(tenantId, AMAZON_DE),
      selling_partner_id: s.sellingPartnerId,
      spapi_oauth_code: s.code(),
    }).expect(201);
    const firstToken = (await openCredentials(t, tenantId, first.body.connectionId)).refreshToken;
    await t.app.get(ConnectionsService).markAuthFailed(TEST_ACTOR, tenantId, first.body.connectionId, 'auth_revoked');
    expect((await listConnections(t, tenantId))[0]).toMatchObject({
      status: 'auth_failed',
      statusReason: 'auth_revoked',
    });

    env.m.clock.advance(60_000);
    const again = await callback({
      state: await begin(tenantId, `${AMAZON_DE},${AMAZON_FR}`),
      selling_partner_id: s.sellingPartnerId,
      spapi_oauth_code: s.code(),
    }).expect(201);

    expect(again.body).toMatchObject({
      connectionId: first.body.connectionId,
      status: 'active',
      statusReason: null,
      marketplaceIds: [AMAZON_DE, AMAZON_FR],
    });
    const connections = await listConnections(t, tenantId);
    expect(connections.map((c) => [c.connectionId, c.status])).toEqual([[first.body.connectionId, 'active']]);
    const secondToken = (await openCredentials(t, tenantId, first.body.connectionId)).refreshToken;
    expect(secondToken).toMatch(/^Atzr\|/);
    expect(secondToken).not.toBe(firstToken);
    await expectNowhereInDatabase(t, firstToken);
    await expectNowhereInDatabase(t, secondToken);
  });

  it('refuses a tampered, truncated, foreign-payload or missing state with 400 and exchanges nothing', async () => {
    const tenantId = await newTenant(env.t);
    const otherTenant = await newTenant(env.t, 'Other');
    const state = await begin(tenantId);
    const s = seller();
    const code = s.code();
    env.m.amazon.resetObservations();

    const variants = [
      tamperSignature(state),
      respellSignature(state),
      tamperPayload(state, { tenantId: otherTenant }),
      tamperPayload(state, { exp: Math.floor(Date.parse('2030-01-01T00:00:00Z') / 1000) }),
      state.split('.')[0],
      `${state}.x`,
      'not-a-state',
    ];
    for (const bad of variants) {
      const res = await callback({ state: bad, selling_partner_id: s.sellingPartnerId, spapi_oauth_code: code }).expect(
        400,
      );
      expect(res.body.error).toMatchObject({ code: 'validation_failed', message: 'the state parameter is not valid' });
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['cache-control']).toBe('no-store');
    }
    const missing = await callback({ selling_partner_id: s.sellingPartnerId, spapi_oauth_code: code }).expect(400);
    expect(missing.body.error.message).toBe('the state parameter is missing');

    expect(tokenCalls()).toEqual([]);
    expect(await listConnections(env.t, tenantId)).toEqual([]);
    expect(await listConnections(env.t, otherTenant)).toEqual([]);
    // The untouched state and code still work afterwards: nothing above consumed them.
    await callback({ state, selling_partner_id: s.sellingPartnerId, spapi_oauth_code: code }).expect(201);
  });

  it('refuses an expired state (10 minutes by the injected clock) with 400', async () => {
    const tenantId = await newTenant(env.t);
    const state = await begin(tenantId);
    env.m.clock.advance(600_000);
    const s = seller(); // a fresh, valid code: only the state is stale
    env.m.amazon.resetObservations();

    const res = await callback({ state, selling_partner_id: s.sellingPartnerId, spapi_oauth_code: s.code() }).expect(
      400,
    );

    expect(res.body.error).toMatchObject({
      code: 'validation_failed',
      message: 'the authorisation took too long and its state has expired',
    });
    expect(tokenCalls()).toEqual([]);
    expect(await listConnections(env.t, tenantId)).toEqual([]);
  });

  it('refuses a replayed state, even with a fresh code, after it connected once', async () => {
    const tenantId = await newTenant(env.t);
    const state = await begin(tenantId);
    const s = seller();
    await callback({ state, selling_partner_id: s.sellingPartnerId, spapi_oauth_code: s.code() }).expect(201);
    const other = seller();
    env.m.amazon.resetObservations();

    const replay = await callback({
      state,
      selling_partner_id: other.sellingPartnerId,
      spapi_oauth_code: other.code(),
    }).expect(400);

    expect(replay.body.error).toMatchObject({
      code: 'validation_failed',
      message: 'this authorisation link was already used',
    });
    expect(tokenCalls()).toEqual([]);
    expect((await listConnections(env.t, tenantId)).map((c) => c.accountId)).toEqual([s.sellingPartnerId]);
  });

  it('lets exactly one of two concurrent callbacks with the same state through', async () => {
    const tenantId = await newTenant(env.t);
    const state = await begin(tenantId);
    const [a, b] = [seller(), seller()];

    const results = await Promise.all(
      [a, b].map((s) => callback({ state, selling_partner_id: s.sellingPartnerId, spapi_oauth_code: s.code() })),
    );

    expect(results.map((r) => r.status).sort()).toEqual([201, 400]);
    expect(results.find((r) => r.status === 400)!.body.error.message).toBe('this authorisation link was already used');
    expect(await listConnections(env.t, tenantId)).toHaveLength(1);
  });

  it("refuses another tenant's eBay state on the Amazon callback (and an Amazon state on eBay's)", async () => {
    const tenantA = await newTenant(env.t, 'A');
    const tenantB = await newTenant(env.t, 'B');
    const ebayStart = await env.t
      .http()
      .get('/v1/connect/ebay/start?marketplaceId=EBAY_DE')
      .set(asSeller(env.t, tenantB))
      .expect(200);
    const ebayState = new URL(ebayStart.body.consentUrl).searchParams.get('state')!;
    const amazonState = await begin(tenantA);
    const s = seller();
    env.m.amazon.resetObservations();

    const wrongFlow = await callback({
      state: ebayState,
      selling_partner_id: s.sellingPartnerId,
      spapi_oauth_code: s.code(),
    }).expect(400);
    expect(wrongFlow.body.error.message).toBe('the state was issued for the eBay flow, not Amazon');

    const ebaySeller = env.m.ebay.addSeller({ marketplaceId: 'EBAY_DE' });
    const reverse = await env.t
      .http()
      .get(
        `/v1/connect/ebay/callback?${query({
          code: env.m.ebay.issueAuthorizationCode(ebaySeller.sellerId, {
            clientId: 'OrderVau-test-PRD-0123456789-abcdef01',
            ruName: 'OrderVault-OrderVau-test-PRD-abcdefghi',
            scopes: ['https://api.ebay.com/oauth/api_scope/commerce.identity.readonly'],
          }),
          state: amazonState,
        })}`,
      )
      .expect(400);
    expect(reverse.body.error.message).toBe('the state was issued for the Amazon flow, not eBay');

    expect(tokenCalls()).toEqual([]);
    expect(env.m.ebay.tokenCalls).toEqual([]);
    expect(await listConnections(env.t, tenantA)).toEqual([]);
    expect(await listConnections(env.t, tenantB)).toEqual([]);
  });

  it('answers an expired (older than 5 minutes) or unknown code with 400 "invalid or expired"', async () => {
    const tenantId = await newTenant(env.t);
    const s = seller();
    env.m.amazon.resetObservations();

    const stale = s.code();
    env.m.clock.advance(5 * 60_000 + 1_000); // past the code's 5 minutes, well inside the state's 10
    const expired = await callback({
      state: await begin(tenantId),
      selling_partner_id: s.sellingPartnerId,
      spapi_oauth_code: stale,
    }).expect(400);
    expect(expired.body.error).toEqual({
      code: 'validation_failed',
      message:
        'the authorisation code is invalid or expired (Amazon codes are single-use and valid for 5 minutes); start the connection again',
      details: [{ field: 'spapi_oauth_code', issue: 'invalid or expired' }],
      requestId: expect.any(String),
    });

    const unknown = await callback({
      state: await begin(tenantId),
      selling_partner_id: s.sellingPartnerId,
      spapi_oauth_code: 'ANnotARealCode',
    }).expect(400);
    expect(unknown.body.error.message).toMatch(/^the authorisation code is invalid or expired/);

    expect(tokenCalls().map((r) => [r.grantType, r.status])).toEqual([
      ['authorization_code', 400],
      ['authorization_code', 400],
    ]);
    expect(await listConnections(env.t, tenantId)).toEqual([]);
  });

  it('answers a declined consent (error parameter) with 400 and calls nothing', async () => {
    const tenantId = await newTenant(env.t);
    const state = await begin(tenantId);
    env.m.amazon.resetObservations();

    const res = await callback({
      state,
      error: 'access_denied',
      error_description: 'The user denied the request',
    }).expect(400);

    expect(res.body.error).toEqual({
      code: 'validation_failed',
      message: 'the seller declined the authorisation on Amazon; nothing was connected',
      details: [{ field: 'error', issue: 'access_denied' }],
      requestId: expect.any(String),
    });
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(tokenCalls()).toEqual([]);
    expect(await listConnections(env.t, tenantId)).toEqual([]);
  });

  it('answers an unreachable or broken LWA with 502 and stores nothing', async () => {
    const tenantId = await newTenant(env.t);
    const s = seller();
    for (const fault of ['reset', 'html-502', '500'] as const) {
      env.m.amazon.failNextRequests(1, fault, 'lwa');
      const res = await callback({
        state: await begin(tenantId),
        selling_partner_id: s.sellingPartnerId,
        spapi_oauth_code: s.code(),
      }).expect(502);
      expect(res.body.error.code).toBe('marketplace_error');
      expect(res.headers['cache-control']).toBe('no-store');
    }
    expect(await listConnections(env.t, tenantId)).toEqual([]);
  });

  it('answers missing or malformed callback parameters with 400 before consuming the state', async () => {
    const tenantId = await newTenant(env.t);
    const state = await begin(tenantId);
    const s = seller();
    const code = s.code();

    const noCode = await callback({ state, selling_partner_id: s.sellingPartnerId }).expect(400);
    expect(noCode.body.error.message).toBe('the spapi_oauth_code parameter is missing or malformed');
    const noSeller = await callback({ state, spapi_oauth_code: code }).expect(400);
    expect(noSeller.body.error.message).toBe('the selling_partner_id parameter is missing or malformed');
    await callback({ state, selling_partner_id: 'A1 B2', spapi_oauth_code: code }).expect(400);
    const extra = await callback({
      state,
      selling_partner_id: s.sellingPartnerId,
      spapi_oauth_code: code,
      x: '1',
    }).expect(400);
    expect(extra.body.error.message).toMatch(/property x should not exist/);

    // Amazon's optional mws_auth_token is accepted (and ignored).
    await callback({
      state,
      selling_partner_id: s.sellingPartnerId,
      spapi_oauth_code: code,
      mws_auth_token: 'amzn.mws.x',
    }).expect(201);
  });

  it('validates the start request: permission, tenant, region and marketplace ids', async () => {
    const { t } = env;
    const tenantId = await newTenant(t);
    await t.http().get(`${START}?region=eu&marketplaceIds=${AMAZON_DE}`).expect(401);
    await t.http().get(`${START}?region=eu&marketplaceIds=${AMAZON_DE}`).set(t.admin).expect(400); // no X-Tenant-Id
    const unknownTenant = await t
      .http()
      .get(`${START}?region=eu&marketplaceIds=${AMAZON_DE}`)
      .set({ ...asSeller(t, tenantId), 'X-Tenant-Id': '00000000-0000-4000-8000-000000000000' })
      .expect(404);
    expect(unknownTenant.body.error.message).toBe('tenant not found');
    const region = await t
      .http()
      .get(`${START}?region=us&marketplaceIds=${AMAZON_DE}`)
      .set(asSeller(t, tenantId))
      .expect(400);
    expect(region.body.error.message).toMatch(/region/);
    const ids = await t.http().get(`${START}?region=eu&marketplaceIds=de`).set(asSeller(t, tenantId)).expect(400);
    expect(ids.body.error.message).toBe('marketplaceIds must be Amazon marketplace ids');
    await t.http().get(`${START}?region=eu&marketplaceIds=`).set(asSeller(t, tenantId)).expect(400);
    // Repeated parameters work like the comma list.
    const repeated = await t
      .http()
      .get(`${START}?region=eu&marketplaceIds=${AMAZON_DE}&marketplaceIds=${AMAZON_FR}`)
      .set(asSeller(t, tenantId))
      .expect(200);
    expect(decodeState(new URL(repeated.body.consentUrl).searchParams.get('state')!).marketplaceIds).toEqual([
      AMAZON_DE,
      AMAZON_FR,
    ]);
    expect(AMAZON_APP.clientId).toBe(t.config.amazon.lwaClientId);
  });
});
