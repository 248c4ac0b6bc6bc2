import { AccessGuard } from '../../src/access/access.guard';
import { startTestApp, type TestApp } from '../support/test-app';
import { expressRoutes, routeInventory } from '../support/route-inventory';

describe('every route declares who may call it', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('finds every route Express serves and each one is public or names a permission', () => {
    const inventory = routeInventory(t.app);
    // /docs* is the OpenAPI UI and document, served by Swagger outside the controllers (public by design).
    const served = expressRoutes(t.app).filter((r) => !r.path.startsWith('/docs'));
    // The inventory is complete: it lists exactly what Express routes.
    const key = (r: { method: string; path: string }) => `${r.method} ${r.path}`;
    expect(inventory.map(key).sort()).toEqual(served.map(key).sort());
    expect(inventory.length).toBeGreaterThan(25);

    const undeclared = inventory.filter((r) => !r.isPublic && !r.permission).map((r) => `${key(r)} (${r.handler})`);
    expect(undeclared).toEqual([]);
    const both = inventory.filter((r) => r.isPublic && r.permission).map(key);
    expect(both).toEqual([]);
    // The public surface is small and known: anything new here must be a deliberate choice.
    expect(
      inventory
        .filter((r) => r.isPublic)
        .map(key)
        .sort(),
    ).toEqual([
      // The console's front door, sign-in and sign-out (they establish or end the session themselves), and its assets.
      'GET /console',
      // Where a marketplace's consent sends the browser back: a code in words, nothing of a seller (see there).
      'GET /console/accounts/consent-result',
      'GET /console/assets/:name',
      // Accepting an invitation: the link's one-time token is the credential (page and API alike).
      'GET /console/invitations/:token',
      // A person's own passkeys: the session is required in the handler (no role grants or withholds them).
      'GET /console/passkeys',
      'GET /console/sign-in',
      'GET /health/live',
      'GET /health/ready',
      'GET /metrics',
      'GET /v1/audit/public-key',
      'GET /v1/connect/amazon/callback',
      'GET /v1/connect/ebay/callback',
      // The event catalog: documentation of the wire contract, no tenant data.
      'GET /v1/event-types',
      // eBay's Marketplace Account Deletion endpoint: the challenge, and notifications that carry eBay's signature.
      'GET /v1/marketplace-notifications/ebay',
      'POST /console/invitations/:token',
      'POST /console/invitations/:token/confirm',
      'POST /console/passkeys',
      'POST /console/passkeys/:passkeyId/remove',
      'POST /console/passkeys/options',
      'POST /console/sign-in',
      // Signing in with a passkey: options with a challenge, then the authenticator's answer.
      'POST /console/sign-in/passkey',
      'POST /console/sign-in/passkey/options',
      'POST /console/sign-out',
      'POST /v1/invitation-acceptances',
      'POST /v1/invitation-acceptances/confirm',
      'POST /v1/marketplace-notifications/ebay',
    ]);
  });

  it('denies a route that forgot its declaration (the guard fails closed)', async () => {
    const guard = t.app.get(AccessGuard, { strict: false });
    const handler = () => undefined;
    class Bare {}
    const context = {
      getHandler: () => handler,
      getClass: () => Bare,
      switchToHttp: () => ({ getRequest: () => ({ header: () => undefined, socket: {} }) }),
    };
    await expect(guard.canActivate(context as never)).rejects.toMatchObject({ code: 'forbidden' });
  });
});
