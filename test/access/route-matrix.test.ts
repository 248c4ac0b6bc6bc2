import { GRANT_GATED, holdsForRoute, TENANT_SCOPED } from '../../src/access/access-policy';
import { SELLER_SCOPES, type Permission } from '../../src/auth';
import type { Principal, StaffRole } from '../../src/auth';
import { ConnectionsService } from '../../src/connections/connections.service';
import { startTestApp, type AuthHeader, type TestApp } from '../support/test-app';
import { seedOrders } from '../support/order-factory';
import { routeInventory, type RouteInfo } from '../support/route-inventory';
import { TEST_ACTOR } from '../support/test-actor';

interface Tenantish {
  tenantId: string;
  orderId: string;
  connectionId: string;
  grantId: string;
  keyId: string;
}

type Caller =
  { name: string; auth: null } | { name: string; auth: AuthHeader; principal: Principal; grantsFor?: string[] };

/**
 * Every registered route × every kind of caller × own and other tenant. The
 * expectation comes from the declared permission and the policy, so a new
 * route is covered the moment it exists.
 */
describe('route × principal × tenant matrix', () => {
  let t: TestApp;
  let A: Tenantish;
  let B: Tenantish;
  let callers: Caller[];
  let routes: RouteInfo[];

  /** Each tenant's own grant names a bystander, so it gives none of the callers access. */
  let bystander: string;

  async function tenantWithData(name: string): Promise<Tenantish> {
    const tenantId = await t.tenant(name);
    const [orderId] = await seedOrders(t.app, tenantId, 2);
    const conn = await t.app.get(ConnectionsService).connect(TEST_ACTOR, {
      tenantId,
      marketplace: 'ebay',
      region: 'EBAY_DE',
      marketplaceIds: [],
      accountId: `${name.toLowerCase()}-seller`,
      credentials: { refreshToken: `refresh-token-of-${name}` },
    });
    const owner = await t.seller(tenantId, [...SELLER_SCOPES]);
    const grant = await t
      .http()
      .post('/v1/grants')
      .set(owner.auth)
      .send({ granteeStaffId: bystander, expiresAt: new Date(t.clock.nowMs() + 86_400_000).toISOString() })
      .expect(201);
    const spare = await t.seller(tenantId, ['orders:read']);
    return { tenantId, orderId, connectionId: conn.connectionId, grantId: grant.body.grantId, keyId: spare.keyId };
  }

  beforeAll(async () => {
    t = await startTestApp();
    bystander = (await t.staff('support', 'Bystander')).staffId;
    A = await tenantWithData('Alpha');
    B = await tenantWithData('Bravo');
    const ownerB = await t.seller(B.tenantId, ['grants:manage']);
    await t
      .http()
      .post('/v1/grants')
      .set(ownerB.auth)
      .send({ granteeRole: 'support', expiresAt: new Date(t.clock.nowMs() + 86_400_000).toISOString() })
      .expect(201);
    const sellerA = await t.seller(A.tenantId, [...SELLER_SCOPES]);
    const sellerAReadOnly = await t.seller(A.tenantId, ['orders:read']);
    // dsr:manage is usable only with orders:read_pii: alone it opens nothing.
    const sellerADsrOnly = await t.seller(A.tenantId, ['dsr:manage']);
    const staff = async (role: StaffRole) => {
      const s = await t.staff(role);
      return { auth: s.auth, principal: { kind: 'staff', id: s.staffId, role, keyId: '' } as Principal };
    };
    const admin = await staff('admin');
    const support = await staff('support');
    const auditor = await staff('auditor');
    // A support member named in a grant of tenant A only.
    const granted = await staff('support');
    const ownerA = await t.seller(A.tenantId, ['grants:manage']);
    await t
      .http()
      .post('/v1/grants')
      .set(ownerA.auth)
      .send({ granteeStaffId: granted.principal.id, expiresAt: new Date(t.clock.nowMs() + 86_400_000).toISOString() })
      .expect(201);
    const seller = (scopes: string[], id: string): Principal => ({
      kind: 'seller',
      id,
      tenantId: A.tenantId,
      scopes,
      keyId: '',
    });
    callers = [
      { name: 'anonymous', auth: null },
      { name: 'seller A (all scopes)', auth: sellerA.auth, principal: seller([...SELLER_SCOPES], 'a') },
      { name: 'seller A (orders:read)', auth: sellerAReadOnly.auth, principal: seller(['orders:read'], 'b') },
      { name: 'seller A (dsr:manage alone)', auth: sellerADsrOnly.auth, principal: seller(['dsr:manage'], 'c') },
      { name: 'admin (no grant)', ...admin },
      // Tenant B granted every support member (by role); tenant A named one of them.
      { name: 'support (role grant of B)', ...support, grantsFor: [B.tenantId] },
      { name: 'support (named grant of A)', ...granted, grantsFor: [A.tenantId, B.tenantId] },
      { name: 'auditor', ...auditor },
    ];
    routes = routeInventory(t.app);
  });
  afterAll(() => t.close());

  function fill(path: string, target: Tenantish): string {
    return path
      .replace(':orderId', target.orderId)
      .replace(':connectionId', target.connectionId)
      .replace(':grantId', target.grantId)
      .replace(':keyId', target.keyId)
      .replace(':tenantId', target.tenantId)
      .replace(':staffId', t.adminStaffId);
  }

  /** What the policy says must happen; 'allowed' means any status but 401/403 (validation may still answer 400). */
  function expected(route: RouteInfo, caller: Caller, target: Tenantish): 401 | 403 | 404 | 'allowed' {
    if (route.isPublic) return 'allowed';
    if (caller.auth === null) return 401;
    const p = caller.principal;
    const perm = route.permission as Permission;
    if (!holdsForRoute(p, perm)) return 403;
    const tenantScoped = TENANT_SCOPED.has(perm) || (perm === 'audit:read' && p.kind === 'seller');
    if (p.kind === 'seller' && tenantScoped && target === B) return 404;
    const granted = (caller.grantsFor ?? []).includes(target.tenantId);
    if (p.kind === 'staff' && GRANT_GATED.has(perm) && !granted) return 403;
    // Revealing: support needs a grant covering the order; an admin passes by break-glass (the
    // matrix sends a 40-character reason); sellers need the scope, checked above.
    if (p.kind === 'staff' && perm === 'orders:read_pii' && p.role === 'support' && !granted) return 403;
    return 'allowed';
  }

  /** `{}` for every change, except where a route's decision needs its body (a batch reveal names its orders). */
  function bodyFor(route: RouteInfo, target: Tenantish): object {
    return route.method === 'POST' && route.path === '/v1/orders/reveal' ? { orderIds: [target.orderId] } : {};
  }

  it('covers every route with at least one allowed and one denied caller', () => {
    expect(routes.length).toBeGreaterThan(20);
    for (const route of routes.filter((r) => !r.isPublic)) {
      const outcomes = callers.flatMap((c) => [A, B].map((target) => expected(route, c, target)));
      expect([route.path, outcomes.includes('allowed')]).toEqual([route.path, true]);
      expect([route.path, outcomes.some((o) => o !== 'allowed')]).toEqual([route.path, true]);
    }
  });

  it('answers exactly as the policy says, and never shows another tenant its records', async () => {
    const mismatches: string[] = [];
    // Reads first, changes last, so the requests do not pull resources from under each other.
    const ordered = [...routes].sort((a, b) => Number(a.method !== 'GET') - Number(b.method !== 'GET'));
    for (const route of ordered) {
      for (const caller of callers) {
        for (const target of [A, B]) {
          const want = expected(route, caller, target);
          const verb = route.method.toLowerCase() as 'get' | 'post' | 'delete' | 'put' | 'patch';
          const req = t.http()[verb](fill(route.path, target));
          if (caller.auth) req.set(caller.auth);
          if (caller.auth && caller.principal.kind === 'staff') req.set('X-Tenant-Id', target.tenantId);
          if (caller.auth && caller.principal.kind === 'seller' && target === B) req.set('X-Tenant-Id', B.tenantId);
          req.set('X-Access-Reason', 'matrix test checking access control rules');
          const res =
            route.method === 'GET' || route.method === 'DELETE' ? await req : await req.send(bodyFor(route, target));
          const got = res.status;
          const ok = want === 'allowed' ? got !== 401 && got !== 403 && got < 500 : got === want;
          if (!ok)
            mismatches.push(
              `${route.method} ${route.path} as ${caller.name} on ${target === A ? 'A' : 'B'}: want ${want}, got ${got}`,
            );
          // Whatever the status, a caller with no right to tenant B never sees B's identifiers.
          const entitledToB = want === 'allowed' && target === B;
          if (!entitledToB && target === B) {
            const text = JSON.stringify(res.body);
            for (const secret of [B.orderId, B.connectionId, B.grantId, 'refresh-token-of-Bravo']) {
              if (text.includes(secret) && !fill(route.path, B).includes(secret))
                mismatches.push(`${route.method} ${route.path} as ${caller.name} leaked ${secret}`);
            }
          }
        }
      }
    }
    expect(mismatches).toEqual([]);
  }, 300_000); // every route × principal × tenant: about 10 s alone, several times that on a loaded machine
});
