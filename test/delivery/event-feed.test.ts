import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { OrderIngestService, OutboxFeedService } from '../../src/orders';
import { TransactionManager } from '../../src/platform/database/transaction-manager';
import { BUYER_MARKER } from '../../src/sandbox/buyers';
import { canonicalOrder } from '../support/order-factory';
import { usingServer } from '../support/test-database';
import { startTestApp, type AuthHeader, type TestApp } from '../support/test-app';

const DAY = 86_400_000;

interface ThinEventBody {
  schemaVersion: number;
  id: string;
  type: string;
  timestamp: string;
  data: Record<string, unknown> & { orderId: string; version: number };
}

describe('pull feed: GET /v1/events', () => {
  let t: TestApp;
  let ds: DataSource;
  let tenantId: string;
  let reader: AuthHeader;
  const connectionId = randomUUID();

  /** Ingests orders in their own transaction (the real path: rows, sealed PII, outbox events). */
  const ingest = (tenant: string, indexes: number[], overrides = {}) =>
    t.app.get(TransactionManager).run((tx) =>
      t.app.get(OrderIngestService).ingestPage(
        tx,
        { tenantId: tenant, connectionId },
        indexes.map((i) => canonicalOrder(i, overrides)),
      ),
    );

  const page = (after?: string, extra: Record<string, string> = {}, auth = reader) =>
    t
      .http()
      .get('/v1/events')
      .query({ ...(after ? { after } : {}), ...extra })
      .set(auth);

  /** Pages through the feed from a cursor to its current end; returns the events and the last cursor. */
  const drain = async (after?: string, extra: Record<string, string> = {}) => {
    const events: ThinEventBody[] = [];
    let cursor = after;
    for (;;) {
      const res = await page(cursor, extra).expect(200);
      events.push(...res.body.events);
      cursor = res.body.nextCursor;
      if (!res.body.hasMore) return { events, cursor: cursor! };
    }
  };

  beforeAll(async () => {
    t = await startTestApp();
    ds = t.app.get(DataSource);
    tenantId = await t.tenant('Feed');
    reader = (await t.seller(tenantId, ['orders:read'])).auth;
  });
  afterAll(() => t.close());

  it('serves thin events in order, cursor-paged, with no buyer data', async () => {
    const first = await drain();
    expect(first.events).toEqual([]);
    const { orderIds } = await ingest(tenantId, [1, 2, 3, 4, 5]);
    const res = await page(first.cursor, { limit: '2' }).expect(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body.events).toHaveLength(2);
    expect(res.body.hasMore).toBe(true);
    const rest = await drain(res.body.nextCursor);
    const all: ThinEventBody[] = [...res.body.events, ...rest.events];
    expect(all.map((e) => e.data.orderId)).toEqual(orderIds);
    const [order] = await ds.query(`SELECT marketplace_order_id FROM orders WHERE order_id = $1`, [orderIds[0]]);
    expect(all[0]).toEqual({
      schemaVersion: 1,
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      type: 'order.created',
      timestamp: '2026-11-02T10:00:00.000Z',
      data: {
        orderId: orderIds[0],
        marketplace: 'amazon',
        marketplaceOrderId: order.marketplace_order_id,
        status: 'unshipped',
        version: 1,
        link: `/v1/orders/${orderIds[0]}`,
      },
    });
    expect(JSON.stringify(all)).not.toContain(BUYER_MARKER);
    // The end of the feed: nothing new, the same cursor handed back.
    const end = await page(rest.cursor).expect(200);
    expect(end.body).toEqual({ events: [], nextCursor: rest.cursor, hasMore: false });
  });

  it('filters by type and keeps going past filtered-out events; versions of one order come in order', async () => {
    const start = (await drain()).cursor;
    await ingest(tenantId, [20, 21]);
    t.clock.advance(60_000);
    await ingest(tenantId, [20], {
      status: 'cancelled',
      rawStatus: 'CANCELED',
      lastUpdatedAt: new Date(Date.UTC(2026, 10, 2)),
    });
    await ingest(tenantId, [21], {
      status: 'shipped',
      rawStatus: 'SHIPPED',
      lastUpdatedAt: new Date(Date.UTC(2026, 10, 2)),
    });
    const cancelled = await drain(start, { types: 'order.cancelled' });
    expect(cancelled.events.map((e) => e.type)).toEqual(['order.cancelled']);
    expect(cancelled.events[0].data).toMatchObject({ status: 'cancelled', version: 2 });
    // The filtered read advanced past everything it scanned: nothing repeats from its cursor.
    expect((await drain(cancelled.cursor, { types: 'order.cancelled' })).events).toEqual([]);
    const everything = await drain(start, { types: 'order.created,order.updated,order.cancelled' });
    expect(everything.events.map((e) => `${e.type}@${e.data.version}`)).toEqual([
      'order.created@1',
      'order.created@1',
      'order.cancelled@2',
      'order.updated@2',
    ]);
  });

  it('refuses bad cursors, types, limits and waits with a 400 naming the field', async () => {
    const other = await t.tenant('Other Feed');
    const otherReader = (await t.seller(other, ['orders:read'])).auth;
    await ingest(other, [90]);
    const foreign = (await page(undefined, {}, otherReader).expect(200)).body.nextCursor;
    const ahead = Buffer.from(`ev1.${tenantId.replace(/-/g, '').slice(0, 8)}.999999`).toString('base64url');
    const cases: Array<[Record<string, string>, string]> = [
      [{ after: 'garbage!' }, 'after'],
      [{ after: Buffer.from('ev1.zz.1').toString('base64url') }, 'after'],
      [{ after: Buffer.from(`ev1.${tenantId.slice(0, 8)}.99999999999999999999`).toString('base64url') }, 'after'],
      [{ after: foreign }, 'after'],
      [{ after: ahead }, 'after'],
      [{ types: 'order.created,order.exploded' }, 'types'],
      [{ types: ',' }, 'types'],
      [{ limit: '0' }, 'limit'],
      [{ limit: '501' }, 'limit'],
      [{ wait: '31' }, 'wait'],
      [{ wait: '-1' }, 'wait'],
      [{ wait: '1.5' }, 'wait'],
    ];
    for (const [query, field] of cases) {
      const res = await t.http().get('/v1/events').query(query).set(reader);
      expect({ query, status: res.status }).toEqual({ query, status: 400 });
      expect(JSON.stringify(res.body)).toContain(field);
    }
  });

  it('long-polls: a waiting request answers as soon as an event commits', async () => {
    const { cursor } = await drain();
    const waiting = page(cursor, { wait: '30' }).then((r) => r);
    // The request is waiting (it has read the empty feed at least once) before the event is written.
    await new Promise((r) => setTimeout(r, 200));
    const { orderIds } = await ingest(tenantId, [40]);
    const res = await waiting;
    expect(res.status).toBe(200);
    expect(res.body.events.map((e: ThinEventBody) => e.data.orderId)).toEqual(orderIds);
    // A wait that nothing ends comes back empty with the same cursor.
    const quiet = await page(res.body.nextCursor, { wait: '1' }).expect(200);
    expect(quiet.body).toEqual({ events: [], nextCursor: res.body.nextCursor, hasMore: false });
  });

  it('staff need a grant, and see only the orders it covers', async () => {
    const support = await t.staff('support', 'Feed Support');
    await t.http().get('/v1/events').set(support.auth).set('X-Tenant-Id', tenantId).expect(403);
    const owner = (await t.seller(tenantId, ['grants:manage'])).auth;
    const { orderIds } = await ingest(tenantId, [60, 61]);
    await t
      .http()
      .post('/v1/grants')
      .set(owner)
      .send({
        granteeStaffId: support.staffId,
        orderIds: [orderIds[1]],
        expiresAt: new Date(t.clock.nowMs() + DAY).toISOString(),
      })
      .expect(201);
    const res = await t
      .http()
      .get('/v1/events')
      .query({ limit: '500' })
      .set(support.auth)
      .set('X-Tenant-Id', tenantId)
      .expect(200);
    expect(res.body.events.map((e: ThinEventBody) => e.data.orderId)).toEqual([orderIds[1]]);
    // Auditors never read orders, feed included.
    const auditor = await t.staff('auditor', 'Feed Auditor');
    await t.http().get('/v1/events').set(auditor.auth).set('X-Tenant-Id', tenantId).expect(403);
  });

  (usingServer() ? it : it.skip)(
    'never skips a late commit: the lower seq committing last is seen exactly once, after the higher',
    async () => {
      const tm = t.app.get(TransactionManager);
      const ingestSvc = t.app.get(OrderIngestService);
      const { cursor: start } = await drain();
      let releaseSlow!: () => void;
      const slowMayCommit = new Promise<void>((r) => (releaseSlow = r));
      let slowWrote!: () => void;
      const slowHasWritten = new Promise<void>((r) => (slowWrote = r));
      // Transaction A writes its event first (lower seq) and stays open.
      const slow = tm.run(async (tx) => {
        const s = await ingestSvc.ingestPage(tx, { tenantId, connectionId }, [canonicalOrder(70)]);
        slowWrote();
        await slowMayCommit;
        return s;
      });
      await slowHasWritten;
      // Transaction B writes later (higher seq) and commits first.
      const fast = await ingest(tenantId, [71]);
      const seqs = await ds.query(
        `SELECT order_id, seq::bigint AS seq FROM outbox_events WHERE tenant_id = $1 AND order_id = $2`,
        [tenantId, fast.orderIds[0]],
      );
      // A consumer pages meanwhile: it sees B, and its cursor moves past B.
      const meanwhile = await drain(start);
      expect(meanwhile.events.map((e) => e.data.orderId)).toEqual(fast.orderIds);
      releaseSlow();
      const slowDone = await slow;
      const [slowSeq] = await ds.query(`SELECT seq::bigint AS seq FROM outbox_events WHERE order_id = $1`, [
        slowDone.orderIds[0],
      ]);
      // The case a "seq > cursor" reader gets wrong: A's seq is below B's.
      expect(BigInt(slowSeq.seq)).toBeLessThan(BigInt(seqs[0].seq));
      const after = await drain(meanwhile.cursor);
      expect(after.events.map((e) => e.data.orderId)).toEqual(slowDone.orderIds);
      // Exactly once each, from the start.
      const whole = (await drain(start)).events.map((e) => e.data.orderId);
      expect(whole).toEqual([...fast.orderIds, ...slowDone.orderIds]);
    },
  );

  (usingServer() ? it : it.skip)(
    'concurrent writers committing out of seq order and a consumer paging meanwhile: every event exactly once, versions in order',
    async () => {
      const tenant = await t.tenant('Feed Stress');
      const auth = (await t.seller(tenant, ['orders:read'])).auth;
      const tm = t.app.get(TransactionManager);
      const ingestSvc = t.app.get(OrderIngestService);
      // Orders 0-9 exist before the writers start (two syncs never create one order at once).
      await ingest(tenant, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      const seen: ThinEventBody[] = [];
      let cursor: string | undefined;
      let writing = true;
      const readOnce = async () => {
        const res = await t
          .http()
          .get('/v1/events')
          .query({ ...(cursor ? { after: cursor } : {}), limit: '7' })
          .set(auth)
          .expect(200);
        seen.push(...res.body.events);
        cursor = res.body.nextCursor;
      };
      const consumer = (async () => {
        while (writing) await readOnce();
      })();
      // Six writers, each holding its transaction open for a while after writing, so commits interleave
      // against seq order; orders 0-9 are written by several writers in turn (new versions).
      const writers = Array.from({ length: 6 }, (_, w) =>
        (async () => {
          for (let round = 0; round < 5; round++) {
            await tm.run(async (tx) => {
              const orders = [w * 100 + round + 1000, (w + round) % 10].map((i) =>
                canonicalOrder(i, {
                  status: round % 2 ? 'shipped' : 'unshipped',
                  rawStatus: round % 2 ? 'SHIPPED' : 'UNSHIPPED',
                  lastUpdatedAt: new Date(Date.UTC(2026, 10, 1, 12, w, round)),
                }),
              );
              await ingestSvc.ingestPage(tx, { tenantId: tenant, connectionId }, orders);
              await new Promise((r) => setTimeout(r, ((w * 7 + round * 3) % 5) * 15));
            });
          }
        })(),
      );
      await Promise.all(writers);
      writing = false;
      await consumer;
      // Read to the end once all have committed.
      for (let more = true; more;) {
        const before = seen.length;
        await readOnce();
        more = seen.length > before;
      }
      const outbox: Array<{ event_id: string }> = await ds.query(
        `SELECT event_id FROM outbox_events WHERE tenant_id = $1`,
        [tenant],
      );
      const ids = seen.map((e) => e.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(new Set(ids)).toEqual(new Set(outbox.map((r) => r.event_id)));
      expect(ids.length).toBeGreaterThan(30);
      // Per order, versions only grow along the feed.
      const lastVersion = new Map<string, number>();
      for (const e of seen) {
        expect(e.data.version).toBeGreaterThan(lastVersion.get(e.data.orderId) ?? 0);
        lastVersion.set(e.data.orderId, e.data.version);
      }
    },
    60_000,
  );

  it('sequences every committed event of a backlog without a reader racing it', async () => {
    const tenant = await t.tenant('Feed Backlog');
    await ingest(
      tenant,
      Array.from({ length: 30 }, (_, i) => 500 + i),
    );
    const feed = t.app.get(OutboxFeedService);
    expect(await feed.sequence(tenant)).toBe(30);
    expect(await feed.sequence(tenant)).toBe(0);
    expect(await feed.head(tenant)).toBe('30');
  });
});
