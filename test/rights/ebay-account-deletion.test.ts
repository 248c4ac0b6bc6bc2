import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { ALL_TENANTS, AuditVerifier } from '../../src/audit';
import { dumpAllRows } from '../../src/demo/database-dump';
import { DataSource } from 'typeorm';
import { EbayDeletionWorker } from '../../src/rights/ebay-deletion';
import { LegalHoldsService } from '../../src/retention';
import { TEST_ACTOR } from '../support/test-actor';
import {
  counter,
  ebayTenant,
  erasureSettled,
  NOTIFICATIONS_PATH,
  piiStates,
  REGISTERED_URL,
  sql,
  startEbayRightsEnv,
  syncNow,
  usernameOf,
  VERIFICATION_TOKEN,
  type EbayRightsEnv,
} from './ebay-support';

const EXAMPLES = path.join(__dirname, '../fixtures/ebay/account-deletion');
const METRIC = 'ordervault_ebay_deletion_notifications_total';
const DAY = 86_400_000;
const user = (username: string) => ({
  username,
  userId: `uid-${username.length}`,
  eiasToken: 'nY+sHZ2PrBmdj6wVnY+seQ==',
});

/** eBay's verification vectors, verbatim (reference examples; see SOURCES.md). */
function ebayVectors() {
  const file = path.join(EXAMPLES, 'account-deletion.sdk-test-vectors.json');
  return JSON.parse(readFileSync(file, 'utf8')) as Record<
    'VALID' | 'SIGNATURE_MISMATCH',
    {
      signature: string;
      message: unknown;
      response: { key: string; algorithm: string; digest: string };
      public_key: string;
    }
  >;
}

describe('eBay Marketplace Account Deletion', () => {
  let e: EbayRightsEnv;
  beforeAll(async () => {
    e = await startEbayRightsEnv();
  });
  afterAll(() => e.close());

  const notifications = () =>
    sql<{ notification_id: string }>(e.t, `SELECT notification_id FROM ebay_deletion_notifications`);

  it('answers the challenge with hex SHA-256(code + verification token + registered URL), as JSON', async () => {
    const code = '71745723-d031-455c-bfa5-f90d11b4f20a';
    const res = await e.t.http().get(NOTIFICATIONS_PATH).query({ challenge_code: code }).expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const expected = createHash('sha256').update(code).update(VERIFICATION_TOKEN).update(REGISTERED_URL).digest('hex');
    expect(res.body).toEqual({ challengeResponse: expected });
    expect(res.text.charCodeAt(0)).toBe('{'.charCodeAt(0)); // no BOM
    // Without a code (or with one that is not printable text): a 400 naming it.
    const missing = await e.t.http().get(NOTIFICATIONS_PATH).expect(400);
    expect(missing.body.error.message).toMatch(/challenge_code/);
    await e.t.http().get(NOTIFICATIONS_PATH).query({ challenge_code: 'a b' }).expect(400);
  });

  it('erases the named user’s buyer data in every tenant that holds it, in the background, with receipts naming the notification', async () => {
    const a = await ebayTenant(e, 'Deletion A');
    const b = await ebayTenant(e, 'Deletion B');
    const createdAt = new Date(e.m.clock.nowMs() - 3 * 3_600_000);
    // Buyer #900 bought from both sellers; the other buyers are bystanders.
    const deletedA = e.m.ebay.addOrders(a.seller.sellerId, 2, { createdAt, buyerIndex: 900 });
    const deletedB = e.m.ebay.addOrders(b.seller.sellerId, 1, { createdAt, buyerIndex: 900 });
    const othersA = e.m.ebay.addOrders(a.seller.sellerId, 3, { createdAt });
    const othersB = e.m.ebay.addOrders(b.seller.sellerId, 2, { createdAt });
    const outcomes = await syncNow(e);
    expect(outcomes.map((o) => o.result)).toEqual(['done', 'done']);
    const username = usernameOf(deletedA[0]);
    expect(usernameOf(deletedB[0])).toBe(username);
    expect((await dumpAllRows(e.t.app.get(DataSource))).text).not.toContain(username); // sealed, never clear

    const accepted = await counter(e.t, METRIC, { outcome: 'accepted' });
    expect(await e.m.ebay.sendAccountDeletion(e.endpoint, user(username))).toBe(204);
    const [sent] = e.m.ebay.sentNotifications.slice(-1);
    expect(await counter(e.t, METRIC, { outcome: 'accepted' })).toBe(accepted + 1);
    await erasureSettled(e.t);

    const ids = (orders: Array<{ orderId: string }>) => orders.map((o) => o.orderId);
    const destroyed = (orders: Array<{ orderId: string }>) =>
      Object.fromEntries(ids(orders).map((id) => [id, 'destroyed']));
    const present = (orders: Array<{ orderId: string }>) =>
      Object.fromEntries(ids(orders).map((id) => [id, 'present+sealed']));
    expect(await piiStates(e.t, a.tenantId, ids(deletedA))).toEqual(destroyed(deletedA));
    expect(await piiStates(e.t, b.tenantId, ids(deletedB))).toEqual(destroyed(deletedB));
    expect(await piiStates(e.t, a.tenantId, ids(othersA))).toEqual(present(othersA));
    expect(await piiStates(e.t, b.tenantId, ids(othersB))).toEqual(present(othersB));

    // One receipt per tenant, naming the notification and the orders; the username nowhere in the log.
    const receipts = await sql<{
      tenant_id: string;
      targets: { orderIds: string[]; notificationId: string };
      reason: string;
      actor_id: string;
    }>(e.t, `SELECT tenant_id, targets, reason, actor_id FROM audit_entries WHERE action = 'pii.erased' ORDER BY seq`);
    expect(receipts.map((r) => [r.tenant_id, r.targets.notificationId, r.targets.orderIds.length]).sort()).toEqual(
      [
        [a.tenantId, sent.notificationId, 2],
        [b.tenantId, sent.notificationId, 1],
      ].sort(),
    );
    for (const r of receipts) {
      expect(r.reason).toContain(sent.notificationId);
      expect(r.actor_id).toBe('job:ebay-account-deletion');
    }
    const [row] = await sql<{ tenants_erased: number; orders_erased: number; completed: boolean }>(
      e.t,
      `SELECT tenants_erased, orders_erased, completed_at IS NOT NULL AS completed FROM ebay_deletion_notifications
        WHERE notification_id = $1`,
      [sent.notificationId],
    );
    expect(row).toEqual({ tenants_erased: 2, orders_erased: 3, completed: true });
    // Nothing of that user is left: not the username, not a tenant's blind index of it.
    expect(await sql(e.t, `SELECT 1 FROM ebay_deletion_targets`)).toEqual([]);
    const dump = (await dumpAllRows(e.t.app.get(DataSource))).text;
    expect(dump).not.toContain(username);
    expect(e.t.logs.lines.join('\n')).not.toContain(username);
    expect((await e.t.app.get(AuditVerifier).verify(ALL_TENANTS)).ok).toBe(true);

    // eBay serves the orders again (shipped, so modified): the facts are updated, the buyer data stays erased.
    for (const o of [...deletedA, othersA[0]]) e.m.ebay.ship(o.orderId);
    e.m.ebay.ship(deletedB[0].orderId);
    const resync = await syncNow(e);
    expect(resync.map((o) => o.result)).toEqual(['done', 'done']);
    expect(resync.reduce((n, o) => n + o.updated, 0)).toBe(4);
    expect(await piiStates(e.t, a.tenantId, ids(deletedA))).toEqual(destroyed(deletedA));
    expect(await piiStates(e.t, b.tenantId, ids(deletedB))).toEqual(destroyed(deletedB));
    const statuses = await sql<{ status: string }>(
      e.t,
      `SELECT status FROM orders WHERE tenant_id = $1 AND marketplace_order_id = ANY($2::text[])`,
      [a.tenantId, ids(deletedA)],
    );
    expect(statuses.map((s) => s.status)).toEqual(['shipped', 'shipped']);
    expect((await dumpAllRows(e.t.app.get(DataSource))).text).not.toContain(username);
  });

  it('verifies eBay’s own test vector end to end (its key served by getPublicKey), and refuses its mismatch vector', async () => {
    const v = ebayVectors();
    const compact = readFileSync(path.join(EXAMPLES, 'account-deletion.notification.compact.txt'), 'utf8').trim();
    expect(compact).toBe(JSON.stringify(v.VALID.message));
    // getPublicKey answers with eBay's published key for the vector's kid (through the real client and token).
    e.m.ebay.answerNextRequests(1, { status: 200, body: JSON.stringify(v.VALID.response) });
    const post = (signature: string) =>
      e.t
        .http()
        .post(NOTIFICATIONS_PATH)
        .set('Content-Type', 'application/json')
        .set('X-EBAY-SIGNATURE', signature)
        .send(compact);
    const forged = await counter(e.t, METRIC, { outcome: 'forged' });
    await post(v.SIGNATURE_MISMATCH.signature).expect(412);
    expect(await counter(e.t, METRIC, { outcome: 'forged' })).toBe(forged + 1);
    await post(v.VALID.signature).expect(204);
    const keyCalls = e.m.ebay.requests.filter((r) => r.path.endsWith(`/public_key/${v.VALID.public_key}`));
    expect(keyCalls).toHaveLength(1); // fetched once, then cached per kid
    await erasureSettled(e.t);
    expect(
      await sql(e.t, `SELECT 1 FROM ebay_deletion_notifications WHERE notification_id = $1`, [
        (v.VALID.message as { notification: { notificationId: string } }).notification.notificationId,
      ]),
    ).toHaveLength(1);
    // The same signed bytes again: a replay, refused.
    await post(v.VALID.signature).expect(409);
  });

  it('refuses forged notifications (bad signature, unknown key, no signature) and erases nothing', async () => {
    const t = await ebayTenant(e, 'Forgery target');
    const orders = e.m.ebay.addOrders(t.seller.sellerId, 2, {
      createdAt: new Date(e.m.clock.nowMs() - 3_600_000),
      buyerIndex: 901,
    });
    await syncNow(e, t.tenantId);
    const username = usernameOf(orders[0]);
    const before = (await notifications()).length;
    const forged = await counter(e.t, METRIC, { outcome: 'forged' });
    const malformed = await counter(e.t, METRIC, { outcome: 'malformed' });
    expect(await e.m.ebay.sendAccountDeletion(e.endpoint, user(username), { signature: 'corrupt' })).toBe(412);
    expect(await e.m.ebay.sendAccountDeletion(e.endpoint, user(username), { signature: 'unknown-kid' })).toBe(412);
    expect(await e.m.ebay.sendAccountDeletion(e.endpoint, user(username), { signature: 'missing' })).toBe(400);
    expect(await counter(e.t, METRIC, { outcome: 'forged' })).toBe(forged + 2);
    expect(await counter(e.t, METRIC, { outcome: 'malformed' })).toBe(malformed + 1);
    await erasureSettled(e.t);
    expect((await notifications()).length).toBe(before);
    const ids = orders.map((o) => o.orderId);
    expect(await piiStates(e.t, t.tenantId, ids)).toEqual(Object.fromEntries(ids.map((id) => [id, 'present+sealed'])));
  });

  it('refuses a replayed notification; acknowledges eBay’s own resend (higher attempt count) without erasing twice', async () => {
    const t = await ebayTenant(e, 'Replay target');
    const first = e.m.ebay.addOrders(t.seller.sellerId, 1, {
      createdAt: new Date(e.m.clock.nowMs() - 3_600_000),
      buyerIndex: 902,
    });
    await syncNow(e, t.tenantId);
    const username = usernameOf(first[0]);
    const notificationId = 'a8056b59-5d45-43af-b235-d8707e9cd8f8_27d7b146-b03f-4b8a-846e-9aa1f750a969';
    expect(await e.m.ebay.sendAccountDeletion(e.endpoint, user(username), { notificationId })).toBe(204);
    await erasureSettled(e.t);
    const receipts = async () =>
      (
        await sql(e.t, `SELECT 1 FROM audit_entries WHERE action = 'pii.erased' AND targets->>'notificationId' = $1`, [
          notificationId,
        ])
      ).length;
    expect(await receipts()).toBe(1);

    // The buyer's next order arrives after the erasure (say the sync was late); a replay must not erase it.
    e.m.ebay.addOrders(t.seller.sellerId, 1, { buyerIndex: 902, createdAt: new Date(e.m.clock.nowMs() - 60_000) });
    await syncNow(e, t.tenantId);
    const replayed = await counter(e.t, METRIC, { outcome: 'replayed' });
    expect(await e.m.ebay.sendAccountDeletion(e.endpoint, user(username), { notificationId })).toBe(409);
    expect(await counter(e.t, METRIC, { outcome: 'replayed' })).toBe(replayed + 1);
    // eBay sends it again (our answer was lost): a higher attempt count, signed anew. Acknowledged, not re-run.
    expect(
      await e.m.ebay.sendAccountDeletion(e.endpoint, user(username), { notificationId, publishAttemptCount: 2 }),
    ).toBe(204);
    expect(
      await e.m.ebay.sendAccountDeletion(e.endpoint, user(username), { notificationId, publishAttemptCount: 2 }),
    ).toBe(409);
    await erasureSettled(e.t);
    expect(await receipts()).toBe(1);
    const [{ attempts }] = await sql<{ attempts: number }>(
      e.t,
      `SELECT publish_attempt_count AS attempts FROM ebay_deletion_notifications WHERE notification_id = $1`,
      [notificationId],
    );
    expect(attempts).toBe(2);
    const [{ n }] = await sql<{ n: number }>(
      e.t,
      `SELECT count(*)::int AS n FROM orders WHERE tenant_id = $1 AND pii_state = 'present'`,
      [t.tenantId],
    );
    expect(n).toBe(1);
  });

  it('refuses malformed notifications with a 400 naming the problem, before any key fetch, and counts them', async () => {
    const signature = readFileSync(path.join(EXAMPLES, 'account-deletion.x-ebay-signature.valid.txt'), 'utf8').trim();
    const body = (mutate: (n: Record<string, any>) => void) => {
      const n = JSON.parse(JSON.stringify(ebayVectors().VALID.message));
      mutate(n);
      return JSON.stringify(n);
    };
    const cases: Array<[string, string, string | undefined]> = [
      ['not JSON', '{"metadata":', signature],
      ['another topic', body((n) => (n.metadata.topic = 'ORDER_CONFIRMATION')), signature],
      ['no username', body((n) => delete n.notification.data.username), signature],
      ['bad notification id', body((n) => (n.notification.notificationId = 'a b')), signature],
      ['bad attempt count', body((n) => (n.notification.publishAttemptCount = 0)), signature],
      ['bad date', body((n) => (n.notification.eventDate = 'yesterday')), signature],
      ['array', '[]', signature],
      ['header not base64', body(() => undefined), '%%%'],
      ['header not JSON', body(() => undefined), Buffer.from('nope').toString('base64')],
      [
        'header alg',
        body(() => undefined),
        Buffer.from(JSON.stringify({ alg: 'rsa', kid: 'k', signature: 'AA==' })).toString('base64'),
      ],
    ];
    const before = await counter(e.t, METRIC, { outcome: 'malformed' });
    const keyCalls = e.m.ebay.requests.filter((r) => r.operation === 'getPublicKey').length;
    const known = (await notifications()).length;
    for (const [name, text, sig] of cases) {
      const req = e.t.http().post(NOTIFICATIONS_PATH).set('Content-Type', 'application/json');
      const res = await (sig === undefined ? req : req.set('X-EBAY-SIGNATURE', sig)).send(text);
      expect({ name, status: res.status }).toEqual({ name, status: 400 });
      expect(res.body.error.message).toEqual(expect.any(String));
    }
    expect(await counter(e.t, METRIC, { outcome: 'malformed' })).toBe(before + cases.length);
    expect(e.m.ebay.requests.filter((r) => r.operation === 'getPublicKey').length).toBe(keyCalls);
    expect((await notifications()).length).toBe(known);
    const errors = e.t.logs.lines.filter((l) =>
      ['error', 'fatal'].includes((JSON.parse(l) as { level: string }).level),
    );
    expect(errors).toEqual([]);
  });

  it('does not acknowledge while eBay’s key cannot be fetched (503), so eBay sends the notification again', async () => {
    const t = await ebayTenant(e, 'Key outage');
    e.m.clock.advance(2 * DAY); // every cached key is stale
    const orders = e.m.ebay.addOrders(t.seller.sellerId, 1, {
      createdAt: new Date(e.m.clock.nowMs() - 3_600_000),
      buyerIndex: 903,
    });
    await syncNow(e, t.tenantId);
    e.m.ebay.failNextRequests(1, '500');
    const notificationId = 'outage-0001';
    expect(await e.m.ebay.sendAccountDeletion(e.endpoint, user(usernameOf(orders[0])), { notificationId })).toBe(503);
    expect(
      await sql(e.t, `SELECT 1 FROM ebay_deletion_notifications WHERE notification_id = $1`, [notificationId]),
    ).toEqual([]);
    expect(
      await e.m.ebay.sendAccountDeletion(e.endpoint, user(usernameOf(orders[0])), {
        notificationId,
        publishAttemptCount: 2,
      }),
    ).toBe(204);
    await erasureSettled(e.t);
    expect(await piiStates(e.t, t.tenantId, [orders[0].orderId])).toEqual({ [orders[0].orderId]: 'destroyed' });
  });
  it('keeps the user’s orders under a legal hold (GDPR Art. 17(3)(e)) and erases them once the hold ends', async () => {
    const c = await ebayTenant(e, 'Deletion Held');
    const createdAt = new Date(e.m.clock.nowMs() - 3 * 3_600_000);
    const orders = e.m.ebay.addOrders(c.seller.sellerId, 2, { createdAt, buyerIndex: 950 });
    await syncNow(e, c.tenantId);
    const [held] = await sql<{ order_id: string }>(
      e.t,
      `SELECT order_id FROM orders WHERE tenant_id = $1 AND marketplace_order_id = $2`,
      [c.tenantId, orders[0].orderId],
    );
    const hold = await e.t.app.get(LegalHoldsService).place(TEST_ACTOR, c.tenantId, {
      orderIds: [held.order_id],
      reason: 'payment dispute',
      requester: 'Legal',
      expiresAt: new Date(e.m.clock.nowMs() + 30 * DAY),
    });
    expect(await e.m.ebay.sendAccountDeletion(e.endpoint, user(usernameOf(orders[0])))).toBe(204);
    await e.t.app.get(EbayDeletionWorker).idle();
    expect(await piiStates(e.t, c.tenantId, [orders[0].orderId, orders[1].orderId])).toEqual({
      [orders[0].orderId]: 'present+sealed',
      [orders[1].orderId]: 'destroyed',
    });
    // The job waits for the hold (looked at again hourly); the tenant's target row stays until then.
    const [job] = await sql<{ last_error: string }>(
      e.t,
      `SELECT last_error FROM jobs WHERE queue = 'ebay-account-deletion'`,
    );
    expect(job.last_error).toBe('legal_hold');
    expect(await sql(e.t, `SELECT 1 FROM ebay_deletion_targets WHERE tenant_id = $1`, [c.tenantId])).toHaveLength(1);

    await e.t.app.get(LegalHoldsService).release(TEST_ACTOR, c.tenantId, hold.holdId);
    e.m.clock.advance(61 * 60_000);
    await erasureSettled(e.t);
    expect(await piiStates(e.t, c.tenantId, [orders[0].orderId])).toEqual({ [orders[0].orderId]: 'destroyed' });
    expect(await sql(e.t, `SELECT 1 FROM ebay_deletion_targets`)).toEqual([]);
    expect((await e.t.app.get(AuditVerifier).verify(ALL_TENANTS)).ok).toBe(true);
  });
});
