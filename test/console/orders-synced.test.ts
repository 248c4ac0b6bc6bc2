import { SellerUsersService } from '../../src/access/people/seller-users.service';
import { ConnectionsService } from '../../src/connections/connections.service';
import { BUYER_MARKER } from '../../src/sandbox/buyers';
import { SyncWorker } from '../../src/sync/sync-worker';
import { TenantsService } from '../../src/tenants/tenants.service';
import { acceptInvitation, ORIGIN, signIn, type BrowserSession } from '../support/console-people';
import {
  connectedTenant,
  startMarketplaces,
  type MarketplaceHarness,
  type SyncApp,
} from '../support/marketplace-harness';
import { TEST_ACTOR } from '../support/test-actor';
import { startTestApp, type TestApp } from '../support/test-app';

const ORDER_LINK = /href="\/console\/orders\/([0-9a-f-]{36})"/g;

/**
 * The orders pages over orders a real sync pulled from both marketplace
 * simulators (the product's Amazon and eBay clients): every simulated buyer
 * string carries a marker, and no masked page shows one; a reveal does.
 */
describe('console orders over a real sync', () => {
  let m: MarketplaceHarness;
  let t: TestApp;
  let tenantId: string;
  let owner: BrowserSession;

  beforeAll(async () => {
    m = await startMarketplaces();
    t = await startTestApp({ env: m.env, clock: m.clock });
    const asSyncApp = {
      tenants: t.app.get(TenantsService),
      connections: t.app.get(ConnectionsService),
    } as unknown as SyncApp;
    const world = await connectedTenant(m, asSyncApp, 'Synced Seller');
    tenantId = world.tenant.tenantId;
    const createdAt = m.clock.nowMs() - 3600_000;
    m.amazon.addOrders(world.amazonSeller.sellingPartnerId, 2, { createdAt });
    m.ebay.addOrders(world.ebaySeller.sellerId, 2, { createdAt });
    m.clock.advance(10 * 60_000);
    await t.app.get(SyncWorker).runOnce(tenantId);
    const invitation = await t.app.get(SellerUsersService).invite(TEST_ACTOR, tenantId, 'owner');
    owner = await signIn(t, await acceptInvitation(t, invitation.link, 'owner@synced.example'));
  });
  afterAll(async () => {
    await t?.close();
    await m?.close();
  });

  const get = (path: string) => t.http().get(path).set('Cookie', owner.cookie);

  it('lists and shows synced orders of both marketplaces masked; only a reveal shows the buyer', async () => {
    const list = await get('/console/orders').expect(200);
    const ids = [...list.text.matchAll(ORDER_LINK)].map((x) => x[1]);
    expect(ids).toHaveLength(4);
    expect(list.text).not.toContain(BUYER_MARKER);
    const ebay = await get('/console/orders?marketplace=ebay').expect(200);
    expect([...ebay.text.matchAll(ORDER_LINK)]).toHaveLength(2);
    const amazon = await get('/console/orders?marketplace=amazon').expect(200);
    expect([...amazon.text.matchAll(ORDER_LINK)]).toHaveLength(2);
    for (const id of ids) {
      const detail = await get(`/console/orders/${id}`).expect(200);
      expect(detail.text).toContain('sealed (reveal with a reason)');
      expect(detail.text).not.toContain(BUYER_MARKER);
    }
    // The marker is there to be found: the revealed fragment carries it.
    const revealed = await t
      .http()
      .post(`/console/orders/${ids[0]}/reveal`)
      .set('Cookie', owner.cookie)
      .set('Origin', ORIGIN)
      .set('HX-Request', 'true')
      .type('form')
      .send({ _csrf: owner.csrf, reason: 'checking the synced address' })
      .expect(200);
    expect(revealed.text).toContain(BUYER_MARKER);
  });
});
