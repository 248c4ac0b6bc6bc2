import { SellerUsersService } from '../../src/access/people/seller-users.service';
import { ConnectionsService } from '../../src/connections/connections.service';
import { randomUUID } from 'node:crypto';
import { TransactionManager } from '../../src/platform/database/transaction-manager';
import { LegalHoldsService, RetentionPolicyService, RetentionSweeper } from '../../src/retention';
import { DeadLetterRepository } from '../../src/sync/dead-letter.repository';
import { SyncStateRepository } from '../../src/sync/sync-state.repository';
import { acceptInvitation, enrolStaff, ORIGIN, signIn, type BrowserSession } from '../support/console-people';
import { seedOrders } from '../support/order-factory';
import { TEST_ACTOR } from '../support/test-actor';
import { startTestApp, type TestApp } from '../support/test-app';

const HOSTILE = '<script>alert(1)</script>';
const AMAZON_DE = 'A1PA6795UKMFR9';
const SEALED_MARKER = 'SEALED-PAYLOAD-BYTES';

type Role = 'owner' | 'admin' | 'member' | 'viewer';

/**
 * The seller's pages drawn from the JSON API's services: marketplace accounts with sync health, dead letters,
 * retention. Per page: who may see it, its headers, hostile text escaped, never buyer data.
 */
describe('console seller pages', () => {
  let t: TestApp;
  let tenant: string;
  const people = {} as Record<Role, BrowserSession>;
  let staffAdmin: BrowserSession;
  let connections: { onTime: string; failing: string; behind: string };

  beforeAll(async () => {
    t = await startTestApp();
    tenant = await t.tenant('Seller Pages');
    const users = t.app.get(SellerUsersService);
    for (const role of ['owner', 'admin', 'member', 'viewer'] as const) {
      const link = (await users.invite(TEST_ACTOR, tenant, role)).link;
      people[role] = await signIn(t, await acceptInvitation(t, link, `${role}@seller-pages.example`));
    }
    staffAdmin = await signIn(t, await enrolStaff(t, 'admin'));

    // Buyer data in the tenant: none of it may reach these pages.
    await seedOrders(t.app, tenant, 2);

    const service = t.app.get(ConnectionsService);
    const connect = async (marketplace: 'amazon' | 'ebay', accountId: string, displayName: string) =>
      (
        await service.connect(TEST_ACTOR, {
          tenantId: tenant,
          marketplace,
          region: marketplace === 'amazon' ? 'eu' : 'EBAY_DE',
          marketplaceIds: marketplace === 'amazon' ? [AMAZON_DE] : [],
          accountId,
          displayName,
          credentials: { refreshToken: `refresh-token-${accountId}` },
        })
      ).connectionId;
    connections = {
      onTime: await connect('amazon', 'A2SELLERONTIME', HOSTILE),
      failing: await connect('ebay', 'ebay-seller-failing', 'Shop on eBay'),
      behind: await connect('amazon', 'A2SELLERBEHIND', 'Second Amazon shop'),
    };
    const states = t.app.get(SyncStateRepository);
    const now = t.clock.nowMs();
    for (const id of Object.values(connections)) await states.ensure(tenant, id, new Date(now + 300_000));
    await states.update(undefined, tenant, connections.onTime, {
      cursor: new Date(now - 90_000),
      lastSuccessAt: new Date(now - 60_000),
    });
    await states.update(undefined, tenant, connections.behind, {
      cursor: new Date(now - 7_200_000),
      lastSuccessAt: new Date(now - 7_200_000),
      consecutiveFailures: 2,
      lastErrorCode: 'marketplace_unavailable',
    });
    await service.markAuthFailed(TEST_ACTOR, tenant, connections.failing, 'invalid_grant');

    // Dead letters: a hostile detail, a sealed payload that must never show, one of each marketplace.
    const letter = (connectionId: string, marketplace: string, orderId: string, code: string, detail: string) => ({
      deadLetterId: randomUUID(),
      connectionId,
      marketplace,
      marketplaceOrderId: orderId,
      reasonCode: code,
      reasonDetail: detail,
      payloadCiphertext: Buffer.from(SEALED_MARKER),
    });
    await t.app
      .get(TransactionManager)
      .run((tx) =>
        t.app
          .get(DeadLetterRepository)
          .insertMany(
            tx,
            tenant,
            [
              letter(connections.onTime, 'amazon', '302-1111111-2222222', 'missing_field', `buyer.name ${HOSTILE}`),
              letter(
                connections.failing,
                'ebay',
                '12-34567-89012',
                'invalid_value',
                'lineItems[0].quantity is negative',
              ),
            ],
            new Date(t.clock.nowMs()),
          ),
      );
  });
  afterAll(() => t?.close());

  const get = (path: string, s?: BrowserSession) => {
    const req = t.http().get(path);
    return s ? req.set('Cookie', s.cookie) : req;
  };
  const form = (path: string, s: BrowserSession, body: Record<string, unknown>) =>
    t
      .http()
      .post(path)
      .set('Origin', ORIGIN)
      .set('Cookie', s.cookie)
      .type('form')
      .send({ _csrf: s.csrf, ...body });

  /** Headers every console page carries, and nothing of a buyer. */
  function expectSafePage(res: { headers: Record<string, string>; text: string }) {
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.headers['content-security-policy']).not.toContain('unsafe-inline');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.text).not.toContain('Ovsim');
    expect(res.text).not.toContain(HOSTILE);
  }

  /** Not signed in: the sign-in form, as on every console page. */
  async function expectSignInForm(path: string) {
    const anonymous = await get(path);
    expect(anonymous.status).toBe(401);
    expect(anonymous.text).toContain('<form method="post" action="/console/sign-in"');
  }

  describe('marketplace accounts', () => {
    it('shows each account with its health in words, lag, last success, next run and reason', async () => {
      const res = await get('/console/accounts', people.owner);
      expect(res.status).toBe(200);
      expectSafePage(res);
      expect(res.text).toContain('&lt;script>alert(1)&lt;/script>');
      const row = (accountId: string) => {
        const at = res.text.indexOf(accountId);
        expect(at).toBeGreaterThan(-1);
        return res.text.slice(at, res.text.indexOf('</tr>', at));
      };
      expect(row('A2SELLERONTIME')).toContain('On time');
      expect(row('A2SELLERONTIME')).toContain('1 min');
      expect(row('ebay-seller-failing')).toContain('Action required');
      expect(row('ebay-seller-failing')).toContain('invalid_grant');
      expect(row('ebay-seller-failing')).toContain('not scheduled');
      expect(row('A2SELLERBEHIND')).toContain('Delayed');
      expect(row('A2SELLERBEHIND')).toContain('2 h');
      expect(row('A2SELLERBEHIND')).toContain('marketplace_unavailable');
      expect(res.text).toContain('Connect Amazon account');
      expect(res.text).toContain('Connect eBay account');
      expect(res.text).toContain('Reconnect');
      // The connect forms are sent on to the marketplaces: the page's form-action allows their origins only.
      expect(res.headers['content-security-policy']).toContain(
        `form-action 'self' ${t.config.amazon.sellerCentralUrl.origin} ${t.config.ebay.authUrl.origin}`,
      );
      // The same facts on the API, under the same permission.
      const key = await t.seller(tenant, ['connections:manage']);
      const api = await t.http().get('/v1/sync/health').set(key.auth).expect(200);
      expect(api.body).toHaveLength(3);
    });

    it('is for owners, admins and members (connections:manage), not viewers, staff without a grant or strangers', async () => {
      for (const role of ['admin', 'member'] as const) {
        expect((await get('/console/accounts', people[role])).status).toBe(200);
      }
      expect((await get('/console/accounts', people.viewer)).status).toBe(403);
      expect((await get('/console/accounts', staffAdmin).set('X-Tenant-Id', tenant)).status).toBe(403);
      await expectSignInForm('/console/accounts');
      const nav = (await get('/console', people.member)).text;
      expect(nav).toContain('href="/console/accounts"');
      expect((await get('/console', people.viewer)).text).not.toContain('href="/console/accounts"');
    });

    it('connect and reconnect post to the consent flows and send the browser to the marketplace', async () => {
      const amazon = await form('/console/accounts/connect/amazon', people.member, {
        region: 'eu',
        marketplaceIds: AMAZON_DE,
      });
      expect(amazon.status).toBe(303);
      const consent = new URL(amazon.headers.location);
      expect(consent.origin + consent.pathname).toBe(
        new URL('apps/authorize/consent', t.config.amazon.sellerCentralUrl).toString(),
      );
      expect(consent.searchParams.get('application_id')).toBe(t.config.amazon.appId);
      expect(consent.searchParams.get('state')).toBeTruthy();

      const ebay = await form('/console/accounts/connect/ebay', people.owner, { marketplaceId: 'EBAY_DE' });
      expect(ebay.status).toBe(303);
      expect(ebay.headers.location.startsWith(t.config.ebay.authUrl.toString())).toBe(true);
      expect(new URL(ebay.headers.location).searchParams.get('state')).toBeTruthy();

      // Refused: without the CSRF token, by a viewer, and a malformed marketplace id.
      const noToken = await t
        .http()
        .post('/console/accounts/connect/ebay')
        .set('Origin', ORIGIN)
        .set('Cookie', people.owner.cookie)
        .type('form')
        .send({ marketplaceId: 'EBAY_DE' });
      expect(noToken.status).toBe(403);
      expect((await form('/console/accounts/connect/ebay', people.viewer, { marketplaceId: 'EBAY_DE' })).status).toBe(
        403,
      );
      expect(
        (await form('/console/accounts/connect/amazon', people.owner, { region: 'eu', marketplaceIds: HOSTILE }))
          .status,
      ).toBe(400);
    });
  });

  describe('dead letters', () => {
    it('lists code, detail (escaped), attempts, replay and state; filters as the API takes them', async () => {
      const res = await get('/console/dead-letters', people.viewer);
      expect(res.status).toBe(200);
      expectSafePage(res);
      expect(res.text).toContain('buyer.name &lt;script>alert(1)&lt;/script>');
      expect(res.text).toContain('302-1111111-2222222');
      expect(res.text).toContain('12-34567-89012');
      expect(res.text).toContain('missing_field');
      expect(res.text).toContain('scheduled');
      expect(res.text).not.toContain(SEALED_MARKER);
      expect(res.text).not.toContain(Buffer.from(SEALED_MARKER).toString('base64'));

      const ebay = await get('/console/dead-letters?marketplace=ebay&reasonCode=&state=open', people.owner);
      expect(ebay.status).toBe(200);
      expect(ebay.text).toContain('12-34567-89012');
      expect(ebay.text).not.toContain('302-1111111-2222222');
      expect(ebay.text).toContain('<option value="ebay" selected');
      const byCode = await get('/console/dead-letters?reasonCode=missing_field', people.member);
      expect(byCode.text).toContain('302-1111111-2222222');
      expect(byCode.text).not.toContain('12-34567-89012');
      const resolved = await get('/console/dead-letters?state=resolved', people.admin);
      expect(resolved.text).toContain('No dead letters match these filters.');
      expect((await get('/console/dead-letters?marketplace=etsy', people.owner)).status).toBe(400);
    });

    it('is for every seller role (orders:read), not staff without a grant or strangers', async () => {
      expect((await get('/console/dead-letters', staffAdmin).set('X-Tenant-Id', tenant)).status).toBe(403);
      await expectSignInForm('/console/dead-letters');
      expect((await get('/console', people.viewer)).text).toContain('href="/console/dead-letters"');
    });
  });

  describe('retention', () => {
    it('shows windows with caps, status, receipts and legal holds; sets a window within its cap', async () => {
      // A sweep as of a year from now destroys the seeded orders' buyer data: its receipts are in the access log.
      const swept = await t.app
        .get(RetentionSweeper)
        .sweep(TEST_ACTOR, { tenantId: tenant, asOf: new Date(t.clock.nowMs() + 400 * 86_400_000) });
      expect(swept).toBeDefined();
      await t.app.get(LegalHoldsService).place(TEST_ACTOR, tenant, {
        reason: `litigation ${HOSTILE}`,
        requester: 'counsel@seller.example',
        expiresAt: new Date(t.clock.nowMs() + 30 * 86_400_000),
      });

      const set = await form('/console/retention', people.admin, { marketplace: 'amazon', piiWindowDays: '12' });
      expect(set.status).toBe(303);
      expect(set.headers.location).toBe('/console/retention');
      const policy = await t.app.get(RetentionPolicyService).view(tenant);
      expect(policy.marketplaces.find((m) => m.marketplace === 'amazon')?.piiWindowDays).toBe(12);
      // Above the cap, as on PUT /v1/retention.
      expect(
        (await form('/console/retention', people.owner, { marketplace: 'amazon', piiWindowDays: '31' })).status,
      ).toBe(400);

      const res = await get('/console/retention', people.owner);
      expect(res.status).toBe(200);
      expectSafePage(res);
      expect(res.text).toContain('litigation &lt;script>alert(1)&lt;/script>');
      expect(res.text).toContain('12 days');
      expect(res.text).toContain('30 days (');
      expect(res.text).toContain('90 days (');
      expect(res.text).toContain('Awaiting destruction');
      expect(res.text).toContain('Recent destruction receipts');
      expect(res.text).not.toContain('No buyer data has been destroyed yet.');
      expect(res.text).toContain('name="piiWindowDays"');
    });

    it('is for owners and admins (retention:manage), not members, viewers, staff or strangers', async () => {
      expect((await get('/console/retention', people.admin)).status).toBe(200);
      expect((await get('/console/retention', people.member)).status).toBe(403);
      expect((await get('/console/retention', people.viewer)).status).toBe(403);
      expect((await get('/console/retention', staffAdmin).set('X-Tenant-Id', tenant)).status).toBe(403);
      expect(
        (await form('/console/retention', people.member, { marketplace: 'ebay', piiWindowDays: '5' })).status,
      ).toBe(403);
      await expectSignInForm('/console/retention');
      expect((await get('/console', people.owner)).text).toContain('href="/console/retention"');
      expect((await get('/console', people.member)).text).not.toContain('href="/console/retention"');
    });
  });
});
