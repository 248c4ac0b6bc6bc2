import { createPublicKey, verify } from 'node:crypto';
import { crypto_box_keypair, crypto_box_seal_open, ready as sodiumReady } from 'libsodium-wrappers';
import { Webhook } from 'standardwebhooks';
import { DataSource } from 'typeorm';
import { Dispatcher } from '../../src/delivery/dispatch/dispatcher.service';
import { FanOutService } from '../../src/delivery/dispatch/fan-out.service';
import { OrderIngestService } from '../../src/orders';
import { ManualClock } from '../../src/platform/clock/clock';
import { TransactionManager } from '../../src/platform/database/transaction-manager';
import { BUYER_MARKER } from '../../src/sandbox/buyers';
import { canonicalOrder } from '../../src/sandbox/canonical-orders';
import { startTestApp, type AuthHeader, type TestApp } from '../support/test-app';
import { Receiver, waitFor } from './support/receiver';

const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

describe('forwarding orders: fan-out and dispatch', () => {
  let t: TestApp;
  let db: DataSource;
  let owner: AuthHeader;
  let tenantId: string;
  let receiver: Receiver;
  let fanOut: FanOutService;
  let dispatcher: Dispatcher;
  const connectionId = '5b0c8a3e-1f0e-4c55-9d0e-2a8f3c1d7e01';
  let nextIndex = 1000;

  const ingest = (orders: ReturnType<typeof canonicalOrder>[]) =>
    t.app
      .get(TransactionManager)
      .run((tx) => t.app.get(OrderIngestService).ingestPage(tx, { tenantId, connectionId }, orders));

  const newOrders = async (n: number) => {
    const orders = Array.from({ length: n }, () => canonicalOrder(nextIndex++));
    const summary = await ingest(orders);
    return { orders, ids: [...summary.orderIds] };
  };

  const endpoint = async (fields: Record<string, unknown> = {}) => {
    const res = await t
      .http()
      .post('/v1/endpoints')
      .set(owner)
      .send({ url: receiver.url, ...fields })
      .expect(201);
    return res.body as { endpointId: string; secret: string; signingPublicKey: string | null };
  };

  const disableAll = () => db.query(`UPDATE webhook_endpoints SET enabled = false WHERE tenant_id = $1`, [tenantId]);

  const deliver = async () => {
    await fanOut.fanOutAll();
    return dispatcher.dispatchAllDue();
  };

  beforeAll(async () => {
    await sodiumReady;
    t = await startTestApp({
      env: { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true', WEBHOOK_TIMEOUT_MS: '4000' },
      // Near real time: receivers' libraries check webhook-timestamp against their own clock.
      clock: new ManualClock(Date.now()),
    });
    db = t.app.get(DataSource);
    tenantId = await t.tenant('Forwarder');
    owner = (await t.seller(tenantId, ['endpoints:manage'])).auth;
    receiver = await Receiver.start();
    fanOut = t.app.get(FanOutService);
    dispatcher = t.app.get(Dispatcher);
  });
  afterAll(async () => {
    await receiver.close();
    await t.close();
  });
  beforeEach(async () => {
    await disableAll();
    await fanOut.fanOutAll();
    receiver.received.length = 0;
    receiver.answer = () => ({ status: 200, body: 'ok' });
  });

  it('fans each event out to every enabled endpoint whose filter matches, once, and marks it dispatched', async () => {
    const all = await endpoint();
    const cancelledOnly = await endpoint({ eventTypes: ['order.cancelled'] });
    const { ids } = await newOrders(3);
    const first = await fanOut.fanOutAll();
    expect(first).toEqual({ events: 3, deliveries: 3 });
    expect(await fanOut.fanOutAll()).toEqual({ events: 0, deliveries: 0 });
    const rows = await db.query(
      `SELECT endpoint_id, order_id, status, event_type FROM deliveries WHERE order_id = ANY($1::uuid[])`,
      [ids],
    );
    expect(rows).toHaveLength(3);
    expect(rows.every((r: { endpoint_id: string }) => r.endpoint_id === all.endpointId)).toBe(true);
    expect(rows.some((r: { endpoint_id: string }) => r.endpoint_id === cancelledOnly.endpointId)).toBe(false);
    const [pending] = await db.query(
      `SELECT count(*)::int AS n FROM outbox_events WHERE order_id = ANY($1::uuid[]) AND dispatched_at IS NULL`,
      [ids],
    );
    expect(pending.n).toBe(0);
  });

  it('sends thin payloads signed per Standard Webhooks (verified by the standardwebhooks package)', async () => {
    const ep = await endpoint({ staticHeaders: { 'x-receiver-token': 'tok-123' } });
    const { ids, orders } = await newOrders(2);
    const summary = await deliver();
    expect(summary).toMatchObject({ succeeded: 2, retrying: 0, givenUp: 0 });
    expect(receiver.received).toHaveLength(2);
    const wh = new Webhook(ep.secret);
    for (const r of receiver.received) {
      const payload = wh.verify(r.body, r.headers as Record<string, string>) as Record<string, any>;
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.headers['user-agent']).toMatch(/^ordervault\/\d+\.\d+\.\d+/);
      expect(r.headers['x-receiver-token']).toBe('tok-123');
      expect(r.headers['webhook-id']).toBe(payload.id);
      expect(payload).toMatchObject({ schemaVersion: 1, type: 'order.created' });
      expect(Object.keys(payload.data).sort()).toEqual(
        ['link', 'marketplace', 'marketplaceOrderId', 'orderId', 'status', 'version'].sort(),
      );
      expect(ids).toContain(payload.data.orderId);
      expect(r.body).not.toContain(BUYER_MARKER);
    }
    expect(
      receiver
        .bodies()
        .map((b) => b.data.marketplaceOrderId)
        .sort(),
    ).toEqual(orders.map((o) => o.marketplaceOrderId).sort());
    // Thin payloads carry no buyer data: no pii.forwarded entry.
    const [entries] = await db.query(
      `SELECT count(*)::int AS n FROM audit_entries WHERE action = 'pii.forwarded' AND targets->>'endpointId' = $1`,
      [ep.endpointId],
    );
    expect(entries.n).toBe(0);
  });

  it('signs with both secrets during a rotation overlap and with the new one after it; v1a verifies with Ed25519', async () => {
    const ep = await endpoint({ signingKeyPair: true });
    expect(ep.signingPublicKey).toMatch(/^whpk_[A-Za-z0-9+/]{43}=$/);
    const rotated = await t
      .http()
      .post(`/v1/endpoints/${ep.endpointId}/rotate-secret`)
      .set(owner)
      .send({ overlapSeconds: 60 })
      .expect(201);
    await newOrders(1);
    await deliver();
    const during = receiver.received.at(-1)!;
    const sigs = String(during.headers['webhook-signature']).split(' ');
    expect(sigs.filter((s) => s.startsWith('v1,'))).toHaveLength(2);
    expect(sigs.filter((s) => s.startsWith('v1a,'))).toHaveLength(1);
    const headers = during.headers as Record<string, string>;
    expect(() => new Webhook(ep.secret).verify(during.body, headers)).not.toThrow();
    expect(() => new Webhook(rotated.body.secret).verify(during.body, headers)).not.toThrow();

    const publicKey = createPublicKey({
      key: Buffer.concat([ED25519_SPKI_PREFIX, Buffer.from(ep.signingPublicKey!.slice(5), 'base64')]),
      format: 'der',
      type: 'spki',
    });
    const signed = Buffer.from(`${headers['webhook-id']}.${headers['webhook-timestamp']}.${during.body}`);
    const v1a = sigs.find((s) => s.startsWith('v1a,'))!.slice(4);
    expect(verify(null, signed, publicKey, Buffer.from(v1a, 'base64'))).toBe(true);
    expect(verify(null, Buffer.concat([signed, Buffer.from(' ')]), publicKey, Buffer.from(v1a, 'base64'))).toBe(false);

    t.clock.advance(61_000);
    await newOrders(1);
    await deliver();
    const after = receiver.received.at(-1)!;
    const afterHeaders = after.headers as Record<string, string>;
    expect(
      String(afterHeaders['webhook-signature'])
        .split(' ')
        .filter((s) => s.startsWith('v1,')),
    ).toHaveLength(1);
    expect(() => new Webhook(rotated.body.secret).verify(after.body, afterHeaders)).not.toThrow();
    expect(() => new Webhook(ep.secret).verify(after.body, afterHeaders)).toThrow(/signature/i);
  });

  it('full payloads carry buyer data opened at send time, after a pii.forwarded entry; none of it is stored', async () => {
    const ep = await endpoint({ payloadMode: 'full' });
    // The receiver echoes the request in its error body, as many do.
    receiver.answer = (r, i) => (i === 0 ? { status: 500, body: r.body } : { status: 200 });
    const { ids, orders } = await newOrders(2);
    await fanOut.fanOutAll();
    const first = await dispatcher.dispatchAllDue();
    expect(first.succeeded + first.retrying).toBe(2);
    const bodies = receiver.bodies();
    expect(bodies.map((b) => b.data.buyer.pii)).toEqual(['included', 'included']);
    const names = orders.map((o) => o.pii!.buyerName);
    for (const b of bodies) expect(names).toContain(b.data.buyer.data.buyerName);

    const entries = await db.query(
      `SELECT targets, occurred_at FROM audit_entries WHERE action = 'pii.forwarded' AND targets->>'endpointId' = $1`,
      [ep.endpointId],
    );
    expect(entries).toHaveLength(1);
    expect([...entries[0].targets.orderIds].sort()).toEqual([...ids].sort());

    // The echoed error body is kept sealed; nothing of the buyer appears in clear in delivery tables or logs.
    const [sealed] = await db.query(
      `SELECT count(*)::int AS n FROM delivery_attempts WHERE response_ciphertext IS NOT NULL AND order_id = ANY($1::uuid[])`,
      [ids],
    );
    expect(sealed.n).toBe(1);
    const dump = JSON.stringify(
      await db.query(
        `SELECT row_to_json(d)::text AS d FROM deliveries d UNION ALL
         SELECT (row_to_json(a)::jsonb || jsonb_build_object('body', encode(coalesce(a.response_ciphertext, ''), 'escape')))::text
           FROM delivery_attempts a`,
      ),
    );
    expect(dump).not.toContain(BUYER_MARKER);
    for (const o of orders) expect(dump).not.toContain(o.pii!.email!);
    expect(t.logs.text()).not.toContain(BUYER_MARKER);
  });

  it('sealed payloads open with the endpoint secret key; the rest of the order is in clear', async () => {
    const pair = crypto_box_keypair();
    await endpoint({ payloadMode: 'sealed', sealingPublicKey: Buffer.from(pair.publicKey).toString('base64') });
    const { orders } = await newOrders(1);
    await deliver();
    const [body] = receiver.bodies();
    expect(body.data.buyer.pii).toBe('sealed');
    expect(JSON.stringify(body)).not.toContain(BUYER_MARKER);
    const opened = JSON.parse(
      Buffer.from(
        crypto_box_seal_open(Buffer.from(body.data.buyer.sealed, 'base64'), pair.publicKey, pair.privateKey),
      ).toString('utf8'),
    );
    expect(opened.buyerName).toBe(orders[0].pii!.buyerName);
    expect(body.data.marketplaceOrderId).toBe(orders[0].marketplaceOrderId);
  });

  it('refuses a sealed endpoint without a sealing key', async () => {
    await t.http().post('/v1/endpoints').set(owner).send({ url: receiver.url, payloadMode: 'sealed' }).expect(400);
  });

  it('retries a 500 on schedule with the same webhook-id, then succeeds', async () => {
    await endpoint();
    receiver.answer = (_r, i) => (i < 2 ? { status: 500 } : { status: 200 });
    const { ids } = await newOrders(1);
    await deliver();
    const [row] = await db.query(
      `SELECT status, attempt_count, next_attempt_at, last_status_code FROM deliveries WHERE order_id = $1`,
      [ids[0]],
    );
    expect(row).toMatchObject({ status: 'failed_retrying', attempt_count: 1, last_status_code: 500 });
    const delay = new Date(row.next_attempt_at).getTime() - t.clock.nowMs();
    expect(delay).toBeGreaterThanOrEqual(4_000);
    expect(delay).toBeLessThanOrEqual(6_000);
    expect(await dispatcher.dispatchAllDue()).toMatchObject({ claimed: 0 });
    t.clock.advance(6_001);
    await dispatcher.dispatchAllDue();
    t.clock.advance(72_001);
    await dispatcher.dispatchAllDue();
    const ids3 = receiver.received.map((r) => r.headers['webhook-id']);
    expect(ids3).toHaveLength(3);
    expect(new Set(ids3).size).toBe(1);
    const attempts = await db.query(
      `SELECT a.attempt_number, a.status_code, a.result, a.next_attempt_at FROM delivery_attempts a
         JOIN deliveries d USING (tenant_id, delivery_id) WHERE d.order_id = $1 ORDER BY attempt_number`,
      [ids[0]],
    );
    expect(attempts.map((a: { result: string }) => a.result)).toEqual(['http_status', 'http_status', 'ok']);
    expect(attempts[2].next_attempt_at).toBeNull();
  });

  it('honours Retry-After on 429 and 503 within [1 min, 24 h]; a timeout waits at least a minute', async () => {
    await endpoint();
    const answers: Array<() => any> = [
      () => ({ status: 429, headers: { 'retry-after': '120' } }),
      () => ({ status: 503, headers: { 'retry-after': '5' } }),
      () => ({ status: 429, headers: { 'retry-after': String(3 * 86400) } }),
      () => 'hang',
    ];
    receiver.answer = (_r, i) => answers[i]();
    const { ids } = await newOrders(4);
    await fanOut.fanOutAll();
    // One at a time, so each order meets its answer.
    for (let i = 0; i < 4; i++) await dispatcher.dispatchOnce();
    const rows = await db.query(
      `SELECT d.order_id, d.next_attempt_at, d.last_error_class, a.attempted_at FROM deliveries d
         JOIN delivery_attempts a USING (tenant_id, delivery_id) WHERE d.order_id = ANY($1::uuid[])`,
      [ids],
    );
    const byClass = new Map<string, number>(
      rows.map((r: any) => [
        r.last_error_class + (r.last_error_class === 'rate_limited' ? `:${rows.indexOf(r)}` : ''),
        new Date(r.next_attempt_at).getTime() - new Date(r.attempted_at).getTime(),
      ]),
    );
    const delays = [...byClass.entries()];
    const rate = delays
      .filter(([k]) => k.startsWith('rate_limited'))
      .map(([, v]) => v)
      .sort((a, b) => a - b);
    expect(rate).toEqual([120_000, 86_400_000]);
    expect(delays.find(([k]) => k === 'unavailable')![1]).toBe(60_000);
    expect(delays.find(([k]) => k === 'timeout')![1]).toBeGreaterThanOrEqual(60_000);
  });

  it('treats a redirect as a failure and does not follow it', async () => {
    await endpoint();
    receiver.answer = (_r, i) =>
      i === 0 ? { status: 301, headers: { location: 'http://10.0.0.1/x' } } : { status: 200 };
    const { ids } = await newOrders(1);
    await deliver();
    expect(receiver.received).toHaveLength(1);
    const [row] = await db.query(`SELECT status, last_error_class FROM deliveries WHERE order_id = $1`, [ids[0]]);
    expect(row).toEqual({ status: 'failed_retrying', last_error_class: 'redirect' });
  });

  it('disables an endpoint that answers 410 Gone at once, in the access log, and sends it nothing more', async () => {
    const ep = await endpoint();
    receiver.answer = () => ({ status: 410 });
    await newOrders(2);
    await fanOut.fanOutAll();
    await dispatcher.dispatchAllDue();
    const got = receiver.received.length;
    expect(got).toBeGreaterThanOrEqual(1);
    const view = (await t.http().get(`/v1/endpoints/${ep.endpointId}`).set(owner).expect(200)).body;
    expect(view).toMatchObject({ enabled: false, disabledReason: 'gone' });
    const [entry] = await db.query(
      `SELECT reason FROM audit_entries WHERE action = 'endpoint.updated' AND targets->>'endpointId' = $1`,
      [ep.endpointId],
    );
    expect(entry.reason).toContain('410');
    t.clock.advance(3600_000);
    await newOrders(1);
    await deliver();
    expect(receiver.received.length).toBe(got);
  });

  it('keeps FIFO per order: version n+1 waits for n while other orders flow past', async () => {
    await endpoint();
    const stuck = canonicalOrder(nextIndex++);
    const free = canonicalOrder(nextIndex++);
    await ingest([stuck, free]);
    const later = new Date(stuck.lastUpdatedAt.getTime() + 60_000);
    await ingest([{ ...stuck, status: 'shipped', rawStatus: 'Shipped', lastUpdatedAt: later }]);
    await ingest([{ ...free, status: 'shipped', rawStatus: 'Shipped', lastUpdatedAt: later }]);
    receiver.answer = (r) =>
      JSON.parse(r.body).data.marketplaceOrderId === stuck.marketplaceOrderId ? { status: 500 } : { status: 200 };
    await deliver();
    const seen = () => receiver.bodies().map((b) => `${b.data.marketplaceOrderId}@${b.data.version}`);
    // The free order's two versions went, in order; the stuck order's first version was tried, its second held back.
    expect(seen().filter((s) => s.startsWith(free.marketplaceOrderId))).toEqual([
      `${free.marketplaceOrderId}@2`,
      `${free.marketplaceOrderId}@2`,
    ]);
    const stuckRows = await db.query(
      `SELECT d.order_version, d.status, d.attempt_count FROM deliveries d JOIN orders o USING (tenant_id, order_id)
        WHERE o.marketplace_order_id = $1 ORDER BY d.order_version`,
      [stuck.marketplaceOrderId],
    );
    expect(stuckRows.map((r: any) => [r.order_version, r.status, r.attempt_count])).toEqual([
      [1, 'failed_retrying', 1],
      [2, 'pending', 0],
    ]);
    receiver.answer = () => ({ status: 200 });
    t.clock.advance(10_000);
    await dispatcher.dispatchAllDue();
    const order = receiver.received
      .map((r) => JSON.parse(r.body))
      .filter((b) => b.data.marketplaceOrderId === stuck.marketplaceOrderId)
      .map((b) => b.type);
    expect(order).toEqual(['order.created', 'order.created', 'order.updated']);
  });

  it('three dispatchers at once send each delivery once and keep per-order order', async () => {
    const ep = await endpoint();
    const orders = Array.from({ length: 12 }, () => canonicalOrder(nextIndex++));
    await ingest(orders);
    const later = new Date(orders[0].lastUpdatedAt.getTime() + 3600_000);
    await ingest(orders.map((o) => ({ ...o, status: 'shipped' as const, rawStatus: 'Shipped', lastUpdatedAt: later })));
    await fanOut.fanOutAll();
    // Each runs until nothing is due or in flight; a failed send (due again only later on the test clock) ends the
    // runs too and shows below as a delivery not succeeded, with its error class, instead of a run that never ends.
    const run = async () => {
      for (let idleRounds = 0; idleRounds < 1000;) {
        const s = await dispatcher.dispatchOnce();
        if (s.claimed) continue;
        const open = await db.query(
          `SELECT 1 FROM deliveries WHERE endpoint_id = $1 AND status IN ('pending', 'failed_retrying')
              AND (next_attempt_at <= $2 OR lease_token IS NOT NULL) LIMIT 1`,
          [ep.endpointId, t.clock.now()],
        );
        if (!open.length) return;
        idleRounds++;
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    await Promise.all([run(), run(), run()]);
    const notSucceeded = await db.query(
      `SELECT status, last_error_class FROM deliveries WHERE endpoint_id = $1 AND status <> 'succeeded'`,
      [ep.endpointId],
    );
    expect(notSucceeded).toEqual([]);
    const ids = receiver.received.map((r) => r.headers['webhook-id']);
    expect(ids).toHaveLength(24);
    expect(new Set(ids).size).toBe(24);
    for (const o of orders) {
      const types = receiver
        .bodies()
        .filter((b) => b.data.marketplaceOrderId === o.marketplaceOrderId)
        .map((b) => b.type);
      expect(types).toEqual(['order.created', 'order.updated']);
    }
  });

  it('one claim spans tenants; a tenant whose endpoint cannot be opened sends nothing and holds no other back', async () => {
    const a = await endpoint({ payloadMode: 'full' });
    const tenantB = await t.tenant('Forwarder B');
    const ownerB = (await t.seller(tenantB, ['endpoints:manage'])).auth;
    const b = (
      await t
        .http()
        .post('/v1/endpoints')
        .set(ownerB)
        .send({ url: receiver.url, payloadMode: 'full', staticHeaders: { 'x-tenant': 'b' } })
        .expect(201)
    ).body as { endpointId: string };
    const { ids: idsA } = await newOrders(1);
    const summaryB = await t.app
      .get(TransactionManager)
      .run((tx) =>
        t.app
          .get(OrderIngestService)
          .ingestPage(tx, { tenantId: tenantB, connectionId }, [canonicalOrder(nextIndex++)]),
      );
    // B's endpoint secret can no longer be opened (its wrapped data key is damaged): B's share cannot be prepared.
    await db.query(`UPDATE data_keys SET wrapped_key = decode(repeat('00', 72), 'hex') WHERE subject_id = $1`, [
      b.endpointId,
    ]);
    try {
      await fanOut.fanOutAll();
      const s = await dispatcher.dispatchOnce();
      expect(s).toMatchObject({ claimed: 2, succeeded: 1, retrying: 1 });
      expect(receiver.received).toHaveLength(1);
      expect(receiver.received[0].headers['x-tenant']).toBeUndefined();
      const rows = await db.query(
        `SELECT endpoint_id, status, last_error_class FROM deliveries WHERE endpoint_id = ANY($1::uuid[])`,
        [[a.endpointId, b.endpointId]],
      );
      expect(rows).toEqual(
        expect.arrayContaining([
          { endpoint_id: a.endpointId, status: 'succeeded', last_error_class: null },
          { endpoint_id: b.endpointId, status: 'failed_retrying', last_error_class: 'internal' },
        ]),
      );
      // No entry, no send, both ways: A's order is in a pii.forwarded entry, B has none.
      const forwarded = await db.query(
        `SELECT tenant_id, targets FROM audit_entries WHERE action = 'pii.forwarded' AND tenant_id = ANY($1::uuid[])
            AND (targets->'orderIds') ?| $2::text[]`,
        [
          [tenantId, tenantB],
          [...idsA, ...summaryB.orderIds],
        ],
      );
      expect(forwarded).toEqual([{ tenant_id: tenantId, targets: { orderIds: idsA, endpointId: a.endpointId } }]);
    } finally {
      await db.query(`UPDATE webhook_endpoints SET enabled = false WHERE tenant_id = $1`, [tenantB]);
    }
  });

  it('a dispatcher that dies mid-delivery loses its lease; the delivery goes again with the same webhook-id', async () => {
    await endpoint();
    await newOrders(1);
    await fanOut.fanOutAll();
    const abandoned = await dispatcher.claim();
    expect(abandoned).toHaveLength(1);
    // Within the lease nobody else takes it.
    expect(await dispatcher.dispatchOnce()).toMatchObject({ claimed: 0 });
    t.clock.advance(4_000 + 30_001);
    const taken = await dispatcher.dispatchOnce();
    expect(taken).toMatchObject({ claimed: 1, succeeded: 1 });
    // The first dispatcher comes back and sends: the receiver sees the same id; its outcome no longer counts.
    const late = await dispatcher.sendClaimed(abandoned);
    expect(late).toMatchObject({ succeeded: 0, uncounted: 1 });
    const ids = receiver.received.map((r) => r.headers['webhook-id']);
    expect(ids).toEqual([abandoned[0].eventId, abandoned[0].eventId]);
    const [row] = await db.query(`SELECT status, attempt_count FROM deliveries WHERE delivery_id = $1`, [
      abandoned[0].deliveryId,
    ]);
    expect(row).toEqual({ status: 'succeeded', attempt_count: 1 });
    // Both attempts are in its log; only the one made under the live lease counts.
    const attempts = await db.query(`SELECT counted FROM delivery_attempts WHERE delivery_id = $1`, [
      abandoned[0].deliveryId,
    ]);
    expect(attempts.map((a: { counted: boolean }) => a.counted).sort()).toEqual([false, true]);
  });

  it('sends the order as it is at send time: destroyed buyer data is sent without it', async () => {
    await endpoint({ payloadMode: 'full' });
    const { ids } = await newOrders(1);
    await fanOut.fanOutAll();
    await db.query(
      `UPDATE orders SET pii_state = 'destroyed', pii_ciphertext = NULL, pii_destroyed_at = now() WHERE order_id = $1`,
      [ids[0]],
    );
    await waitFor(async () => (await dispatcher.dispatchAllDue()).succeeded === 1, 'the delivery');
    const [body] = receiver.bodies();
    expect(body.data.buyer).toEqual({ pii: 'destroyed' });
  });
});
