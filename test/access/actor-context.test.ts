import { DataSource } from 'typeorm';
import { SELLER_SCOPES } from '../../src/auth';
import { seedOrders } from '../support/order-factory';
import { startTestApp, type AuthHeader, type TestApp } from '../support/test-app';

const DAY = 86_400_000;

interface Caller {
  readonly auth: AuthHeader;
  readonly actor: { actor_kind: string; actor_id: string; actor_role: string | null };
}

/**
 * One property for every audited route: the entry names the caller the request
 * authenticated as and carries the request's id (the actor context reaches the
 * service whole, from the one `@Actor()` decorator, never a default).
 */
describe('every audited route records its caller and request id', () => {
  let t: TestApp;
  let ds: DataSource;
  const sent = new Map<string, Caller['actor']>();
  let n = 0;

  /** A request with a fresh id, remembered with the caller it was sent as. */
  const as = (caller: Caller, method: 'get' | 'post' | 'delete', url: string, tenantId?: string) => {
    const requestId = `rq-actor-${String(++n).padStart(4, '0')}`;
    sent.set(requestId, caller.actor);
    const r = t.http()[method](url).set(caller.auth).set('x-request-id', requestId);
    return tenantId ? r.set('X-Tenant-Id', tenantId) : r;
  };

  beforeAll(async () => {
    t = await startTestApp();
    ds = t.app.get(DataSource);
  });
  afterAll(() => t.close());

  it('tenants, keys, staff, grants, connections, reveals (allowed and denied), checkpoints and exports', async () => {
    const admin: Caller = {
      auth: t.admin,
      actor: { actor_kind: 'staff', actor_id: t.adminStaffId, actor_role: 'admin' },
    };
    const tenantId = (await as(admin, 'post', '/v1/tenants').send({ name: 'Actor Seller' }).expect(201)).body.tenantId;
    const orderIds = await seedOrders(t.app, tenantId, 1);
    const sellerKey = await t.seller(tenantId, [...SELLER_SCOPES]);
    const seller: Caller = {
      auth: sellerKey.auth,
      actor: { actor_kind: 'seller', actor_id: `key:${sellerKey.keyId}`, actor_role: null },
    };
    const supportMember = await t.staff('support', 'Sam Support');
    const support: Caller = {
      auth: supportMember.auth,
      actor: { actor_kind: 'staff', actor_id: supportMember.staffId, actor_role: 'support' },
    };
    const auditorMember = await t.staff('auditor', 'Audrey Auditor');
    const auditor: Caller = {
      auth: auditorMember.auth,
      actor: { actor_kind: 'staff', actor_id: auditorMember.staffId, actor_role: 'auditor' },
    };

    const key = (
      await as(seller, 'post', '/v1/api-keys')
        .send({ label: 'erp', scopes: ['orders:read'] })
        .expect(201)
    ).body;
    const rotated = (await as(seller, 'post', `/v1/api-keys/${key.keyId}/rotate`).expect(201)).body;
    await as(seller, 'delete', `/v1/api-keys/${rotated.keyId}`).expect(200);

    const staff = (await as(admin, 'post', '/v1/staff').send({ name: 'Stan Staff', role: 'support' }).expect(201)).body;
    // A person's keys are theirs: the member adds and rotates their own; an admin may only revoke them.
    const stan: Caller = {
      auth: { Authorization: `Bearer ${staff.key.key}` },
      actor: { actor_kind: 'staff', actor_id: staff.staff.staffId, actor_role: 'support' },
    };
    const staffKey = (await as(stan, 'post', '/v1/me/keys').send({ label: 'laptop' }).expect(201)).body;
    const staffRotated = (await as(stan, 'post', `/v1/me/keys/${staffKey.keyId}/rotate`).expect(201)).body;
    await as(admin, 'delete', `/v1/staff/${staff.staff.staffId}/keys/${staffRotated.keyId}`).expect(200);

    const grant = (
      await as(seller, 'post', '/v1/grants')
        .send({ granteeRole: 'support', expiresAt: new Date(t.clock.nowMs() + DAY).toISOString() })
        .expect(201)
    ).body;
    await as(support, 'post', `/v1/orders/${orderIds[0]}/reveal`, tenantId)
      .set('X-Access-Reason', 'ticket 17: delivery address check')
      .expect(200);
    await as(seller, 'delete', `/v1/grants/${grant.grantId}`).expect(200);
    // Refused by the reveal policy (no grant any more): the denial is recorded with the same context.
    await as(support, 'post', `/v1/orders/${orderIds[0]}/reveal`, tenantId)
      .set('X-Access-Reason', 'ticket 17: delivery address check')
      .expect(403);
    await as(seller, 'post', `/v1/orders/${orderIds[0]}/reveal`)
      .set('X-Access-Reason', 'buyer asked for a copy')
      .expect(200);

    const connection = (
      await as(seller, 'post', '/v1/connections')
        .send({
          marketplace: 'amazon',
          region: 'eu',
          marketplaceIds: ['A1PA6795UKMFR9'],
          accountId: 'A3ACTORCONTEXT',
          refreshToken: 'Atzr|actor-context-refresh-token',
        })
        .expect(201)
    ).body;
    await as(seller, 'delete', `/v1/connections/${connection.connectionId}`).expect(200);

    await as(auditor, 'post', '/v1/audit/checkpoints').expect(201);
    await as(auditor, 'get', '/v1/audit/export').expect(200);
    await as(seller, 'get', '/v1/audit/export').expect(200);

    const entries: Array<Caller['actor'] & { action: string; request_id: string | null; outcome: string }> =
      await ds.query(
        `SELECT action, actor_kind, actor_id, actor_role, request_id, outcome FROM audit_entries
         WHERE request_id LIKE 'rq-actor-%' OR actor_id <> 'test-setup' ORDER BY occurred_at, chain_id, seq`,
      );
    const actions = new Set(entries.map((e) => `${e.action}/${e.outcome}`));
    for (const expected of [
      'tenant.created/allowed',
      'key.created/allowed',
      'key.rotated/allowed',
      'key.revoked/allowed',
      'staff.created/allowed',
      'grant.created/allowed',
      'grant.revoked/allowed',
      'pii.revealed/allowed',
      'pii.revealed/denied',
      'connection.created/allowed',
      'connection.disconnected/allowed',
      'audit.checkpoint.requested/allowed',
      'audit.exported/allowed',
    ]) {
      expect(actions).toContain(expected);
    }
    for (const e of entries) {
      expect(e.request_id).not.toBeNull();
      expect({ action: e.action, ...sent.get(e.request_id!) }).toEqual({
        action: e.action,
        actor_kind: e.actor_kind,
        actor_id: e.actor_id,
        actor_role: e.actor_role,
      });
    }
    // Every request above wrote at least one entry.
    expect(new Set(entries.map((e) => e.request_id))).toEqual(new Set(sent.keys()));
  });
});
