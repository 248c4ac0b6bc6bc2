import { DataSource } from 'typeorm';
import { ALL_TENANTS, AuditVerifier } from '../../src/audit';
import { jobActor } from '../../src/auth';
import { ConnectionsService } from '../../src/connections/connections.service';
import { dumpAllRows } from '../../src/demo/database-dump';
import { RetentionScheduler, RetentionSweeper } from '../../src/retention';
import {
  ebayTenant,
  piiStates,
  reauthorise,
  sql,
  startEbayRightsEnv,
  syncNow,
  type EbayRightsEnv,
} from './ebay-support';

const DAY = 86_400_000;
const HOUR = 3_600_000;

describe('disconnection and revoked authorisation end a connection’s buyer data', () => {
  let e: EbayRightsEnv;
  beforeAll(async () => {
    e = await startEbayRightsEnv();
  });
  afterAll(() => e.close());

  const sweep = (tenantId: string) => e.t.app.get(RetentionSweeper).sweep(jobActor('retention-sweep'), { tenantId });
  const ids = (orders: Array<{ orderId: string }>) => orders.map((o) => o.orderId);
  const all = (orders: Array<{ orderId: string }>, state: string) =>
    Object.fromEntries(ids(orders).map((id) => [id, state]));
  const receipts = (tenantId: string, connectionId: string) =>
    sql<{ order_ids: string[]; reason: string }>(
      e.t,
      `SELECT targets->'orderIds' AS order_ids, reason FROM audit_entries
        WHERE tenant_id = $1 AND action = 'pii.destroyed' AND targets->>'connectionId' = $2 ORDER BY seq`,
      [tenantId, connectionId],
    );

  /** A tenant with two eBay connections (two seller accounts), each with synced orders. */
  async function tenantWithTwoConnections(name: string) {
    const first = await ebayTenant(e, name);
    const other = e.m.ebay.addSeller({ marketplaceId: 'EBAY_DE' });
    const second = await reauthorise(e, first.tenantId, other); // a second account of the same seller
    const createdAt = new Date(e.m.clock.nowMs() - 3 * HOUR);
    const ended = e.m.ebay.addOrders(first.seller.sellerId, 4, { createdAt });
    const kept = e.m.ebay.addOrders(other.sellerId, 2, { createdAt });
    await syncNow(e, first.tenantId);
    expect(await piiStates(e.t, first.tenantId, ids(ended))).toEqual(all(ended, 'present+sealed'));
    const auth = (await e.t.seller(first.tenantId, ['connections:manage'])).auth;
    return { ...first, ended, kept, auth, other, secondConnectionId: second.connectionId };
  }

  it('DELETE destroys the connection’s buyer data at once by default, leaves its other connections alone, and a re-served order stays destroyed', async () => {
    const t = await tenantWithTwoConnections('Disconnect now');
    const res = await e.t.http().delete(`/v1/connections/${t.connectionId}`).set(t.auth).expect(200);
    expect(res.body).toMatchObject({ status: 'disabled', statusReason: 'disconnected' });
    expect(res.body.buyerDataDueAt).toBe(e.m.clock.now().toISOString());
    await e.t.app.get(RetentionScheduler).endedConnectionsIdle();

    expect(await piiStates(e.t, t.tenantId, ids(t.ended))).toEqual(all(t.ended, 'destroyed'));
    expect(await piiStates(e.t, t.tenantId, ids(t.kept))).toEqual(all(t.kept, 'present+sealed'));
    const [receipt] = await receipts(t.tenantId, t.connectionId);
    expect(receipt.order_ids.sort()).toEqual(
      (
        await sql<{ order_id: string }>(
          e.t,
          `SELECT order_id FROM orders WHERE tenant_id = $1 AND connection_id = $2`,
          [t.tenantId, t.connectionId],
        )
      )
        .map((r) => r.order_id)
        .sort(),
    );
    expect(receipt.reason).toMatch(/disconnected by the seller/);
    const view = await e.t.http().get(`/v1/connections/${t.connectionId}`).set(t.auth).expect(200);
    expect(view.body).toMatchObject({ buyerDataDueAt: null, buyerDataDestroyedAt: e.m.clock.now().toISOString() });
    const disconnected = await sql<{ reason: string }>(
      e.t,
      `SELECT reason FROM audit_entries WHERE action = 'connection.disconnected' AND targets->>'connectionId' = $1`,
      [t.connectionId],
    );
    expect(disconnected.map((d) => d.reason)).toEqual(['credentials destroyed; buyer data due for destruction now']);

    // The seller connects the account again and eBay serves the same orders (modified): no buyer data comes back.
    for (const o of t.ended) e.m.ebay.ship(o.orderId);
    await reauthorise(e, t.tenantId, t.seller);
    const [outcome] = (await syncNow(e, t.tenantId)).filter((o) => o.connectionId === t.connectionId);
    expect(outcome).toMatchObject({ result: 'done', updated: 4 });
    expect(await piiStates(e.t, t.tenantId, ids(t.ended))).toEqual(all(t.ended, 'destroyed'));
    const dump = (await dumpAllRows(e.t.app.get(DataSource))).text;
    for (const o of t.ended) expect(dump).not.toContain(e.m.ebay.buyerOf(o.orderId).email);
    expect((await e.t.app.get(AuditVerifier).verify(ALL_TENANTS)).ok).toBe(true);
  });

  it('with a grace period the data waits; a re-authorisation within it cancels the destruction', async () => {
    const t = await tenantWithTwoConnections('Disconnect with grace');
    const res = await e.t.http().delete(`/v1/connections/${t.connectionId}?graceDays=7`).set(t.auth).expect(200);
    expect(res.body.buyerDataDueAt).toBe(new Date(e.m.clock.nowMs() + 7 * DAY).toISOString());
    await e.t.app.get(RetentionScheduler).endedConnectionsIdle();
    e.m.clock.advance(6 * DAY);
    await sweep(t.tenantId);
    expect(await piiStates(e.t, t.tenantId, ids(t.ended))).toEqual(all(t.ended, 'present+sealed'));

    const back = await reauthorise(e, t.tenantId, t.seller);
    expect(back).toMatchObject({ status: 'active', buyerDataDueAt: null });
    const [updated] = await sql<{ reason: string }>(
      e.t,
      `SELECT reason FROM audit_entries WHERE action = 'connection.updated' AND targets->>'connectionId' = $1
        ORDER BY seq DESC LIMIT 1`,
      [t.connectionId],
    );
    expect(updated.reason).toMatch(/buyer-data destruction due .* cancelled/);
    e.m.clock.advance(2 * DAY);
    await sweep(t.tenantId);
    expect(await piiStates(e.t, t.tenantId, ids(t.ended))).toEqual(all(t.ended, 'present+sealed'));
    expect(await receipts(t.tenantId, t.connectionId)).toEqual([]);
  });

  it('with a grace period and no reconnection the sweep destroys the data once the grace ends', async () => {
    const t = await tenantWithTwoConnections('Grace runs out');
    await e.t.http().delete(`/v1/connections/${t.connectionId}?graceDays=3`).set(t.auth).expect(200);
    e.m.clock.advance(3 * DAY - 60_000);
    await sweep(t.tenantId);
    expect(await piiStates(e.t, t.tenantId, ids(t.ended))).toEqual(all(t.ended, 'present+sealed'));
    e.m.clock.advance(60_000);
    // The scheduled path: the tick plans a job for the tenant and drains it.
    await e.t.app.get(RetentionScheduler).tick();
    expect(await piiStates(e.t, t.tenantId, ids(t.ended))).toEqual(all(t.ended, 'destroyed'));
    expect(await piiStates(e.t, t.tenantId, ids(t.kept))).toEqual(all(t.kept, 'present+sealed'));
    expect(await receipts(t.tenantId, t.connectionId)).toHaveLength(1);
    // A second disconnection cannot push a due date later; an earlier one may bring it forward.
    await e.t.http().delete(`/v1/connections/${t.secondConnectionId}?graceDays=10`).set(t.auth).expect(200);
    const later = await e.t.http().delete(`/v1/connections/${t.secondConnectionId}?graceDays=30`).set(t.auth);
    expect(later.body.buyerDataDueAt).toBe(new Date(e.m.clock.nowMs() + 10 * DAY).toISOString());
  });

  it('refuses a grace period that is not 0 to 30 whole days, changing nothing', async () => {
    const t = await tenantWithTwoConnections('Bad grace');
    for (const bad of ['31', '-1', 'x', '1.5', '100']) {
      const res = await e.t.http().delete(`/v1/connections/${t.connectionId}?graceDays=${bad}`).set(t.auth);
      expect({ bad, status: res.status }).toEqual({ bad, status: 400 });
      expect(res.body.error.message).toMatch(/graceDays|grace/);
    }
    const view = await e.t.http().get(`/v1/connections/${t.connectionId}`).set(t.auth).expect(200);
    expect(view.body).toMatchObject({ status: 'active', buyerDataDueAt: null });
  });

  it('an explicit revocation (invalid_grant) starts a 30-day grace; a 403 does not; re-authorisation cancels; else it is destroyed', async () => {
    const t = await tenantWithTwoConnections('Revoked');
    // A 403 (scope or transient access problem) parks the connection but schedules nothing.
    e.m.ebay.addOrders(t.seller.sellerId, 1);
    // Both of the tenant's connections sync in one run, in no promised order: each one's first call is refused,
    // and whatever is left unanswered is cleared before the next step.
    e.m.ebay.answerNextRequests(2, {
      status: 403,
      body: JSON.stringify({
        errors: [{ errorId: 1100, domain: 'ACCESS', category: 'REQUEST', message: 'Access denied' }],
      }),
    });
    const [denied] = (await syncNow(e, t.tenantId)).filter((o) => o.connectionId === t.connectionId);
    e.m.ebay.clearFaults();
    expect(denied).toMatchObject({ result: 'auth_failed', errorCode: '1100' });
    let view = await e.t.http().get(`/v1/connections/${t.connectionId}`).set(t.auth).expect(200);
    expect(view.body).toMatchObject({ status: 'auth_failed', buyerDataDueAt: null });
    await reauthorise(e, t.tenantId, t.seller);

    // The seller removes the app on eBay: the renewal's invalid_grant schedules destruction in 30 days.
    const revokedAt = e.m.clock.nowMs() + 3 * HOUR + 10 * 60_000;
    e.m.ebay.revokeRefreshToken(await currentRefreshToken(t.tenantId, t.connectionId));
    e.m.clock.advance(3 * HOUR);
    const [revoked] = (await syncNow(e, t.tenantId)).filter((o) => o.connectionId === t.connectionId);
    expect(revoked).toMatchObject({ result: 'auth_failed', errorCode: 'invalid_grant' });
    view = await e.t.http().get(`/v1/connections/${t.connectionId}`).set(t.auth).expect(200);
    expect(view.body.buyerDataDueAt).toBe(new Date(revokedAt + 30 * DAY).toISOString());
    const logged = await sql<{ reason: string; actor_id: string }>(
      e.t,
      `SELECT reason, actor_id FROM audit_entries WHERE action = 'connection.updated' AND targets->>'connectionId' = $1
        AND reason LIKE 'the marketplace revoked%'`,
      [t.connectionId],
    );
    expect(logged).toHaveLength(1);
    expect(logged[0].actor_id).toBe('job:sync');

    // Re-authorised within the grace: cancelled, nothing destroyed after it would have been due.
    await reauthorise(e, t.tenantId, t.seller);
    e.m.clock.advance(31 * DAY);
    await sweep(t.tenantId);
    expect(await piiStates(e.t, t.tenantId, ids(t.ended))).toEqual(all(t.ended, 'present+sealed'));

    // Revoked again and never re-authorised: destroyed when the 30 days end, receipt naming the revocation.
    e.m.ebay.revokeRefreshToken(await currentRefreshToken(t.tenantId, t.connectionId));
    e.m.clock.advance(3 * HOUR);
    await syncNow(e, t.tenantId);
    e.m.clock.advance(29 * DAY);
    await sweep(t.tenantId);
    expect(await piiStates(e.t, t.tenantId, ids(t.ended))).toEqual(all(t.ended, 'present+sealed'));
    e.m.clock.advance(DAY);
    await sweep(t.tenantId);
    expect(await piiStates(e.t, t.tenantId, ids(t.ended))).toEqual(all(t.ended, 'destroyed'));
    const [receipt] = await receipts(t.tenantId, t.connectionId);
    expect(receipt.reason).toMatch(/authorisation revoked \(invalid_grant\)/);
    expect((await e.t.app.get(AuditVerifier).verify(ALL_TENANTS)).ok).toBe(true);
  });

  async function currentRefreshToken(tenantId: string, connectionId: string): Promise<string> {
    return (await e.t.app.get(ConnectionsService).connectorContext(tenantId, connectionId)).context.credentials
      .refreshToken;
  }
});
