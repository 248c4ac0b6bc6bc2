import { randomUUID } from 'node:crypto';
import { SELLER_SCOPES } from '../../src/auth';
import {
  OPERATIONAL_EVENT_TYPES,
  ORDER_EVENT_TYPES,
  PING_EVENT_TYPE,
  SUBSCRIBABLE_EVENT_TYPES,
} from '../../src/delivery/event-types';
import { FEED_EVENT_TYPES } from '../../src/delivery/feed/event-feed.service';
import { OrderIngestService, PiiDestructionService } from '../../src/orders';
import { TransactionManager } from '../../src/platform/database/transaction-manager';
import { schemaErrors } from '../support/json-schema-check';
import { canonicalOrder } from '../support/order-factory';
import { startTestApp, type AuthHeader, type TestApp } from '../support/test-app';

interface Payload {
  schema: Record<string, unknown>;
  example: Record<string, unknown>;
}
interface Entry {
  type: string;
  category: string;
  channels: string[];
  payloads: Record<'thin' | 'full' | 'sealed', Payload>;
}

describe('event catalog: GET /v1/event-types', () => {
  let t: TestApp;
  let catalog: { schemaVersion: number; payloadModes: string[]; eventTypes: Entry[] };
  let tenantId: string;
  let owner: AuthHeader;
  const byType = (type: string) => catalog.eventTypes.find((e) => e.type === type)!;

  beforeAll(async () => {
    t = await startTestApp();
    tenantId = await t.tenant('Catalog');
    owner = (await t.seller(tenantId, [...SELLER_SCOPES])).auth;
    // Public: the catalog is documentation, no key needed.
    catalog = (await t.http().get('/v1/event-types').expect(200)).body;
  });
  afterAll(() => t.close());

  it('describes every event type, in every payload mode, with an example that fits its schema', () => {
    expect(catalog.schemaVersion).toBe(1);
    expect(catalog.payloadModes).toEqual(['thin', 'full', 'sealed']);
    const types = catalog.eventTypes.map((e) => e.type).sort();
    expect(types).toEqual(
      [...new Set([...ORDER_EVENT_TYPES, ...OPERATIONAL_EVENT_TYPES, PING_EVENT_TYPE, ...FEED_EVENT_TYPES])].sort(),
    );
    for (const e of catalog.eventTypes) {
      for (const mode of ['thin', 'full', 'sealed'] as const) {
        const p = e.payloads[mode];
        expect({ type: e.type, mode, errors: schemaErrors(p.schema, p.example) }).toEqual({
          type: e.type,
          mode,
          errors: [],
        });
        expect(p.example).toMatchObject({ schemaVersion: 1, type: e.type });
      }
      expect(e.channels.includes('webhook')).toBe(SUBSCRIBABLE_EVENT_TYPES.includes(e.type) || e.type === 'ping');
      expect(e.channels.includes('feed')).toBe(FEED_EVENT_TYPES.includes(e.type));
    }
    // Only full carries buyer data in clear; sealed carries it sealed; thin not at all.
    const created = byType('order.created').payloads;
    expect(JSON.stringify(created.thin.example)).not.toContain('erika');
    expect(JSON.stringify(created.full.example)).toContain('erika.example@example.com');
    expect(JSON.stringify(created.sealed.example)).not.toContain('erika');
    expect(JSON.stringify(created.sealed.example)).toContain('sealedBuyer');
  });

  it('refuses what is not in the contract (the schemas are closed)', () => {
    const thin = byType('order.created').payloads.thin;
    const withBuyer = { ...thin.example, data: { ...(thin.example.data as object), buyerName: 'x' } };
    expect(schemaErrors(thin.schema, withBuyer)).toEqual(['$.data.buyerName: not allowed']);
    expect(schemaErrors(thin.schema, { ...thin.example, type: 'order.updated' })).toEqual(['$.type: not the const']);
    const full = byType('order.updated').payloads.full;
    const order = (full.example.data as { order: Record<string, unknown> }).order;
    const { version: _v, ...withoutVersion } = order;
    expect(
      schemaErrors(full.schema, { ...full.example, data: { ...(full.example.data as object), order: withoutVersion } }),
    ).toEqual(['$.data.order.version: missing']);
  });

  it('matches what the service produces: feed events (thin), revealed and masked order views (full, sealed)', async () => {
    const connectionId = randomUUID();
    const ingest = (overrides = {}) =>
      t.app
        .get(TransactionManager)
        .run((tx) =>
          t.app
            .get(OrderIngestService)
            .ingestPage(tx, { tenantId, connectionId }, [canonicalOrder(7, overrides), canonicalOrder(8)]),
        );
    const { orderIds } = await ingest();
    await ingest({ status: 'cancelled', rawStatus: 'CANCELED', lastUpdatedAt: new Date(Date.UTC(2026, 10, 3)) });
    const [row] = await t.app
      .get(TransactionManager)
      .manager.query(
        `SELECT order_id, connection_id, marketplace, marketplace_order_id, retention_anchor_at FROM orders WHERE order_id = $1`,
        [orderIds[1]],
      );
    await t.app.get(TransactionManager).run((tx) =>
      t.app.get(PiiDestructionService).destroy(
        tx,
        tenantId,
        [
          {
            orderId: row.order_id,
            connectionId: row.connection_id,
            marketplace: row.marketplace,
            marketplaceOrderId: row.marketplace_order_id,
            retentionAnchorAt: row.retention_anchor_at,
          },
        ],
        t.clock.now(),
        'retention',
      ),
    );
    await t.http().post(`/v1/orders/${orderIds[0]}/acknowledge`).set(owner).expect(200);

    const feed = (await t.http().get('/v1/events').set(owner).expect(200)).body.events as Array<
      Record<string, unknown>
    >;
    expect(feed.map((e) => e.type)).toEqual([
      'order.created',
      'order.created',
      'order.cancelled',
      'order.pii_destroyed',
    ]);
    for (const e of feed) expect(schemaErrors(byType(e.type as string).payloads.thin.schema, e)).toEqual([]);

    // A full payload is the thin data plus the order as the mappers produce it.
    const revealed = (
      await t
        .http()
        .post(`/v1/orders/${orderIds[0]}/reveal`)
        .set(owner)
        .set('X-Access-Reason', 'catalog check')
        .expect(200)
    ).body;
    const destroyedView = (await t.http().get(`/v1/orders/${orderIds[1]}`).set(owner).expect(200)).body;
    expect(destroyedView.buyer).toEqual({ pii: 'destroyed' });
    const cancelled = feed[2];
    const destroyed = feed[3];
    const fullOf = (e: Record<string, unknown>, order: unknown) => ({ ...e, data: { ...(e.data as object), order } });
    expect(schemaErrors(byType('order.cancelled').payloads.full.schema, fullOf(cancelled, revealed))).toEqual([]);
    expect(schemaErrors(byType('order.pii_destroyed').payloads.full.schema, fullOf(destroyed, destroyedView))).toEqual(
      [],
    );
    // Sealed: the same with the buyer data replaced by the sealed box.
    const sealedView = { ...revealed, buyer: { pii: 'sealed', sealedBuyer: Buffer.alloc(80, 7).toString('base64') } };
    expect(schemaErrors(byType('order.cancelled').payloads.sealed.schema, fullOf(cancelled, sealedView))).toEqual([]);
    expect(schemaErrors(byType('order.cancelled').payloads.sealed.schema, fullOf(cancelled, revealed))).not.toEqual([]);
    expect(
      schemaErrors(byType('order.pii_destroyed').payloads.sealed.schema, fullOf(destroyed, destroyedView)),
    ).toEqual([]);
  });
});
