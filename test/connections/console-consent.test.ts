import { SellerUsersService } from '../../src/access/people/seller-users.service';
import { AMAZON_DE } from '../support/marketplace-harness';
import { acceptInvitation, ORIGIN, signIn, type BrowserSession } from '../support/console-people';
import { TEST_ACTOR } from '../support/test-actor';
import {
  asSeller,
  decodeState,
  listConnections,
  newTenant,
  query,
  tamperPayload,
  startOAuthEnv,
  type OAuthEnv,
} from './oauth-support';

const CALLBACK = '/v1/connect/amazon/callback';

/**
 * A consent started in the console comes back to the console: the API's callback finishes the connection as for
 * any client, then sends the browser on to a landing page with the outcome as a code, which forwards it (from our
 * own origin, so the SameSite=Strict session comes along) to the accounts page saying what happened.
 */
describe('marketplace consent started in the console', () => {
  let env: OAuthEnv;
  let tenantId: string;
  let owner: BrowserSession;

  beforeAll(async () => {
    env = await startOAuthEnv();
    tenantId = await newTenant(env.t, 'Console Consent Seller');
    const users = env.t.app.get(SellerUsersService);
    const link = (await users.invite(TEST_ACTOR, tenantId, 'owner')).link;
    owner = await signIn(env.t, await acceptInvitation(env.t, link, 'owner@consent.example'));
  });
  afterAll(() => env.close());

  /** Clicks "Connect Amazon account" and follows the 303 to the consent URL: the state it carries. */
  async function startInConsole(): Promise<string> {
    const res = await env.t
      .http()
      .post('/console/accounts/connect/amazon')
      .set('Origin', ORIGIN)
      .set('Cookie', owner.cookie)
      .type('form')
      .send({ _csrf: owner.csrf, region: 'eu', marketplaceIds: AMAZON_DE })
      .expect(303);
    return new URL(res.headers.location).searchParams.get('state')!;
  }

  const callback = (params: Record<string, string>) => env.t.http().get(`${CALLBACK}?${query(params)}`);
  const landing = (location: string) => {
    expect(location.startsWith('/console/accounts/consent-result?')).toBe(true);
    return new URL(location, ORIGIN).searchParams;
  };

  it('connects, lands on the console with the outcome, and the accounts page names the account', async () => {
    const state = await startInConsole();
    expect(decodeState(state)).toMatchObject({ tenantId, marketplace: 'amazon', landing: 'console' });

    const seller = env.m.amazon.addSeller({ marketplaceIds: [AMAZON_DE] });
    const code = env.m.amazon.issueAuthorizationCode(seller.sellingPartnerId);
    const back = await callback({ state, selling_partner_id: seller.sellingPartnerId, spapi_oauth_code: code });
    expect(back.status).toBe(303);
    expect(back.headers['cache-control']).toBe('no-store');
    expect(back.headers['referrer-policy']).toBe('no-referrer');
    const [connection] = await listConnections(env.t, tenantId);
    expect(connection.accountId).toBe(seller.sellingPartnerId);
    const params = landing(back.headers.location);
    expect(Object.fromEntries(params)).toEqual({
      marketplace: 'amazon',
      outcome: 'connected',
      tenant: tenantId,
      connection: connection.connectionId,
    });

    // The landing page needs no session and shows nothing of the seller: it forwards at once, from our origin.
    const page = await env.t.http().get(back.headers.location).expect(200);
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.text).not.toContain(seller.sellingPartnerId);
    const next = `/console/accounts?consent=connected&amp;marketplace=amazon&amp;connection=${connection.connectionId}&amp;tenant=${tenantId}`;
    expect(page.text).toContain(`<meta http-equiv="refresh" content="0;url=${next}"/>`);
    expect(page.text).toContain(`<a href="${next}">Continue to your marketplace accounts</a>`);

    const accounts = await env.t.http().get(next.replace(/&amp;/g, '&')).set('Cookie', owner.cookie).expect(200);
    expect(accounts.text).toContain(`Your Amazon account ${seller.sellingPartnerId} is connected.`);
  });

  it('says in words why a consent failed: declined, a used link, a refused code', async () => {
    const declined = await callback({ state: await startInConsole(), error: 'access_denied' }).expect(303);
    expect(landing(declined.headers.location).get('outcome')).toBe('declined');

    const seller = env.m.amazon.addSeller({ marketplaceIds: [AMAZON_DE] });
    const state = await startInConsole();
    const first = {
      state,
      selling_partner_id: seller.sellingPartnerId,
      spapi_oauth_code: env.m.amazon.issueAuthorizationCode(seller.sellingPartnerId),
    };
    await callback(first).expect(303);
    const again = await callback(first).expect(303);
    expect(landing(again.headers.location).get('outcome')).toBe('link_expired');

    const refused = await callback({ ...first, state: await startInConsole(), spapi_oauth_code: 'ANnotAcode' });
    expect(landing(refused.headers.location).get('outcome')).toBe('code_rejected');

    const page = await env.t.http().get(refused.headers.location).expect(200);
    expect(page.text).toContain('refused the authorisation code');
    const accounts = await env.t
      .http()
      .get(`/console/accounts?consent=declined&marketplace=amazon`)
      .set('Cookie', owner.cookie)
      .expect(200);
    expect(accounts.text).toContain('was not connected: the authorisation was declined at the marketplace.');
  });

  it('keeps the JSON answer for flows a client started, and a state we did not sign lands nowhere', async () => {
    // A client's state with the landing added by someone else is not ours: answered as the API answers, 400.
    const started = await env.t
      .http()
      .get(`/v1/connect/amazon/start?${query({ region: 'eu', marketplaceIds: AMAZON_DE })}`)
      .set(asSeller(env.t, tenantId))
      .expect(200);
    const state = new URL(started.body.consentUrl).searchParams.get('state')!;
    expect(decodeState(state).landing).toBeUndefined();
    const forged = tamperPayload(state, { landing: 'console' });
    const res = await callback({ state: forged, selling_partner_id: 'A1', spapi_oauth_code: 'code' });
    expect(res.status).toBe(400);
    expect(res.headers.location).toBeUndefined();
    expect(res.body.error).toMatchObject({ code: 'validation_failed', message: 'the state parameter is not valid' });

    // The client's own flow still ends in the connection as JSON.
    const seller = env.m.amazon.addSeller({ marketplaceIds: [AMAZON_DE] });
    const code = env.m.amazon.issueAuthorizationCode(seller.sellingPartnerId);
    const done = await callback({ state, selling_partner_id: seller.sellingPartnerId, spapi_oauth_code: code });
    expect(done.status).toBe(201);
    expect(done.body).toMatchObject({ tenantId, accountId: seller.sellingPartnerId, status: 'active' });
  });

  it('turns anything unexpected on the landing page into a plain "not connected", never into its text', async () => {
    const page = await env.t
      .http()
      .get('/console/accounts/consent-result?outcome=<b>call+us</b>&marketplace=evil&tenant=x&connection=y')
      .expect(200);
    expect(page.text).not.toContain('call');
    expect(page.text).not.toContain('evil');
    expect(page.text).toContain('was not connected. Start the connection again.');
    expect(page.text).toContain('content="0;url=/console/accounts?consent=failed"');
    // On the accounts page itself an unknown outcome is refused like any bad filter.
    await env.t.http().get('/console/accounts?consent=whatever').set('Cookie', owner.cookie).expect(400);
  });
});
