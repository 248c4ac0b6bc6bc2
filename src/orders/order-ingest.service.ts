import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { BlindIndexService, DataKeyService, type DataKeyHandle, type TenantIndexer } from '../crypto';
import type { BuyerPii, CanonicalOrder } from '../marketplaces/canonical-order';
import { Clock } from '../platform/clock/clock';
import type { Tx } from '../platform/database/transaction-manager';
import { NO_BUYER_DATA } from './content-digest';
import { orderFactsJson, piiJson } from './order-content';
import type { OrderRowWrite, StoredOrderState } from './order-rows';
import type { OrderEventType } from './outbox-event.entity';
import { OrdersRepository } from './orders.repository';
import { OutboxRepository, type NewOutboxEvent } from './outbox.repository';
import { isEmptyPii, mergePii } from './pii-merge';
import { firstSeen, nextRetentionAnchor } from './retention-anchor';
import {
  isCryptoFailure,
  MAX_UNREADABLE_PER_PAGE,
  openKeysIsolating,
  tooManyUnreadable,
  type UnreadableOrder,
} from './unreadable-pii';

/** Purpose bound into every order PII ciphertext and its data key. */
export const ORDER_PII_PURPOSE = 'order.pii';

export interface IngestScope {
  readonly tenantId: string;
  readonly connectionId: string;
}

export interface IngestSummary {
  readonly created: number;
  readonly updated: number;
  readonly cancelled: number;
  readonly unchanged: number;
  /** Older than what we hold (an out-of-order or repeated page): ignored. */
  readonly stale: number;
  readonly events: number;
  readonly orderIds: readonly string[];
  /** Orders whose stored sealed PII would not open: not written at all (see UnreadableOrder). */
  readonly unreadable: readonly UnreadableOrder[];
}

interface Planned {
  readonly order: CanonicalOrder;
  readonly stored?: StoredOrderState;
  readonly orderId: string;
  readonly nonPiiHash: Buffer;
  /** PII to seal (merged with what we hold), or null to keep the stored blob as is. */
  pii: BuyerPii | null;
  /** The exact JSON whose digest is piiHash (sealed as is, so it is encoded once). */
  piiText: string | null;
  piiHash: Buffer;
  piiChanged: boolean;
}

/**
 * Turns a page of canonical orders into stored rows and outbox events inside
 * the caller's transaction (so the sync can commit orders, events and its
 * cursor together). Change detection uses keyed digests: the non-PII part and
 * the PII part are compared separately, so a marketplace withholding fields of
 * an ageing order is not mistaken for a change, and PII is opened only when its
 * digest differs.
 */
@Injectable()
export class OrderIngestService {
  constructor(
    private readonly orders: OrdersRepository,
    private readonly outbox: OutboxRepository,
    private readonly dataKeys: DataKeyService,
    private readonly blindIndex: BlindIndexService,
    private readonly clock: Clock,
  ) {}

  async ingestPage(tx: Tx, scope: IngestScope, page: readonly CanonicalOrder[]): Promise<IngestSummary> {
    const { tenantId } = scope;
    const latest = latestPerOrder(page);
    if (!latest.length)
      return { created: 0, updated: 0, cancelled: 0, unchanged: 0, stale: 0, events: 0, orderIds: [], unreadable: [] };
    const marketplace = latest[0].marketplace;
    const now = this.clock.now();
    // Keys derived once per page; every digest below is synchronous.
    const indexer = await this.blindIndex.indexerFor(tenantId, tx);
    // The lock query goes out first; the digests are computed while it runs.
    const locking = this.orders.lockExisting(
      tx,
      tenantId,
      marketplace,
      latest.map((o) => o.marketplaceOrderId),
    );
    const digests = latest.map((order) => {
      const pii = isEmptyPii(order.pii) ? null : order.pii;
      const piiText = pii ? piiJson(pii) : null;
      return {
        nonPiiHash: indexer.content(Buffer.from(orderFactsJson(order))),
        pii,
        piiText,
        piiHash: piiText ? indexer.content(Buffer.from(piiText)) : NO_BUYER_DATA,
      };
    });
    const stored = await locking;

    let stale = 0;
    let unchanged = 0;
    const plans: Planned[] = [];
    latest.forEach((order, i) => {
      const prior = stored.get(order.marketplaceOrderId);
      if (prior && order.lastUpdatedAt.getTime() < prior.marketplaceUpdatedAt.getTime()) {
        stale++;
        return;
      }
      const d = digests[i];
      // PII already destroyed is never stored again, whatever the marketplace still sends.
      const incoming = prior?.piiState === 'destroyed' ? null : d.pii;
      plans.push({
        order,
        stored: prior,
        orderId: prior?.orderId ?? randomUUID(),
        nonPiiHash: d.nonPiiHash,
        pii: incoming,
        piiText: incoming ? d.piiText : null,
        piiHash: prior && !incoming ? prior.contentDigest.buyer : incoming ? d.piiHash : NO_BUYER_DATA,
        piiChanged: prior ? incoming !== null && !d.piiHash.equals(prior.contentDigest.buyer) : incoming !== null,
      });
    });

    const unreadable = await this.mergeWithStoredPii(tx, tenantId, plans, indexer);
    // Set aside whole: a half-applied change (facts without the buyer data that came with it) would
    // move the row's version and digest past a change we never stored.
    const kept = unreadable.length ? plans.filter((p) => !unreadable.includes(p)) : plans;

    const changed = kept.filter((p) => !p.stored || p.piiChanged || !p.nonPiiHash.equals(p.stored.contentDigest.facts));
    unchanged += kept.length - changed.length;

    const needKeys = changed.filter((p) => p.piiChanged && p.pii && (!p.stored || p.stored.piiState !== 'present'));
    const reuseKeys = changed.filter((p) => p.piiChanged && p.pii && p.stored?.piiState === 'present');
    const handles = await this.dataKeys.openDataKeys(
      tx,
      tenantId,
      reuseKeys.map((p) => p.orderId),
    );
    // Rows (sealing included) are built while the new data keys' INSERT is in flight.
    let rows: OrderRowWrite[] = [];
    await this.dataKeys.createDataKeys(
      tx,
      tenantId,
      needKeys.map((p) => ({ subjectId: p.orderId, purpose: ORDER_PII_PURPOSE })),
      (fresh) => {
        for (const [id, h] of fresh) handles.set(id, h);
        rows = changed.map((p) => this.toRow(p, scope.connectionId, handles, indexer, now));
      },
    );
    if (!needKeys.length) rows = changed.map((p) => this.toRow(p, scope.connectionId, handles, indexer, now));

    const inserts: OrderRowWrite[] = [];
    const updates: OrderRowWrite[] = [];
    const events: NewOutboxEvent[] = [];
    let created = 0;
    let updated = 0;
    let cancelled = 0;
    for (const [i, p] of changed.entries()) {
      const row = rows[i];
      const type = eventType(p);
      events.push({ orderId: p.orderId, type, orderVersion: row.version, payload: eventPayload(p, row) });
      if (p.stored) {
        updates.push(row);
        if (type === 'order.cancelled') cancelled++;
        else updated++;
      } else {
        inserts.push(row);
        created++;
      }
    }
    await this.orders.insertMany(tx, tenantId, inserts, now);
    await this.orders.updateMany(tx, tenantId, updates, now);
    await this.outbox.append(tx, tenantId, events, now);
    return {
      created,
      updated,
      cancelled,
      unchanged,
      stale,
      events: events.length,
      orderIds: changed.map((p) => p.orderId),
      unreadable: unreadable.map((p) => ({ orderId: p.orderId, order: p.order })),
    };
  }

  /**
   * For orders whose incoming PII differs from what we hold, merge field by field.
   * Returns the plans whose stored PII (or its data key) fails to open: one tampered or
   * damaged row must not fail the page of every run forever.
   */
  private async mergeWithStoredPii(
    tx: Tx,
    tenantId: string,
    plans: Planned[],
    indexer: TenantIndexer,
  ): Promise<Planned[]> {
    const toMerge = plans.filter((p) => p.piiChanged && p.stored?.piiState === 'present' && p.stored.piiCiphertext);
    if (!toMerge.length) return [];
    const keys = await openKeysIsolating(
      this.dataKeys,
      tx,
      tenantId,
      toMerge.map((p) => p.orderId),
    );
    const unreadable: Planned[] = [];
    for (const p of toMerge) {
      const handle = keys.handles.get(p.orderId);
      if (keys.unreadable.has(p.orderId)) {
        unreadable.push(p);
        continue;
      }
      // A missing data key means the PII was shredded concurrently: hold nothing new either.
      if (!handle) {
        p.pii = null;
        p.piiChanged = false;
        continue;
      }
      let held: BuyerPii;
      try {
        held = handle.openJson<BuyerPii>(ORDER_PII_PURPOSE, p.stored!.piiCiphertext!);
      } catch (err) {
        if (!isCryptoFailure(err)) throw err;
        unreadable.push(p);
        continue;
      }
      const merged = mergePii(held, p.pii, new Set(p.stored!.piiOverrides));
      const mergedText = merged ? piiJson(merged) : null;
      const mergedHash = mergedText ? indexer.content(Buffer.from(mergedText)) : NO_BUYER_DATA;
      p.pii = merged;
      p.piiText = mergedText;
      p.piiHash = mergedHash;
      p.piiChanged = !mergedHash.equals(p.stored!.contentDigest.buyer);
    }
    if (unreadable.length > MAX_UNREADABLE_PER_PAGE) throw tooManyUnreadable(unreadable.length);
    return unreadable;
  }

  private toRow(
    p: Planned,
    connectionId: string,
    handles: Map<string, DataKeyHandle>,
    indexer: TenantIndexer,
    seenAt: Date,
  ): OrderRowWrite {
    const o = p.order;
    // The first sighting of a delivery or cancellation is when it happened; later updates do not move it.
    const deliveredAt = firstSeen(p.stored?.deliveredAt, o.deliveredAt);
    const cancelledAt = firstSeen(p.stored?.cancelledAt, o.cancelledAt);
    let piiState = p.stored?.piiState ?? 'absent';
    let piiCiphertext = p.stored?.piiCiphertext ?? null;
    let emailIndex = p.stored?.emailIndex ?? null;
    let buyerIndex = p.stored?.buyerIndex ?? null;
    if (p.piiChanged && p.pii) {
      const handle = handles.get(p.orderId);
      if (!handle) throw new Error('data key missing for an order being sealed');
      piiCiphertext = handle.seal(ORDER_PII_PURPOSE, Buffer.from(p.piiText ?? piiJson(p.pii)));
      piiState = 'present';
      emailIndex = p.pii.email ? indexer.email(p.pii.email) : null;
      buyerIndex = p.pii.buyerMarketplaceId ? indexer.buyerId(o.marketplace, p.pii.buyerMarketplaceId) : null;
    }
    return {
      orderId: p.orderId,
      connectionId,
      marketplace: o.marketplace,
      marketplaceOrderId: o.marketplaceOrderId,
      salesChannel: o.salesChannel,
      status: o.status,
      rawStatus: o.rawStatus,
      purchasedAt: o.purchasedAt,
      marketplaceUpdatedAt: o.lastUpdatedAt,
      shippedAt: o.shippedAt,
      deliveredAt,
      cancelledAt,
      latestDeliveryAt: o.latestDeliveryAt,
      fulfilmentChannel: o.fulfilmentChannel,
      retentionAnchorAt: nextRetentionAnchor(
        p.stored?.retentionAnchorAt ?? null,
        { ...o, deliveredAt, cancelledAt },
        seenAt,
      ),
      currency: o.currency,
      totalAmount: o.totalAmount,
      lineItems: o.lineItems,
      shipToCountry: o.shipToCountry,
      piiState,
      piiCiphertext,
      contentDigest: { facts: p.nonPiiHash, buyer: p.piiHash },
      emailIndex,
      buyerIndex,
      version: (p.stored?.version ?? 0) + 1,
    };
  }
}

/** A page may list one order twice (it changed while we paged): keep the newest. */
function latestPerOrder(page: readonly CanonicalOrder[]): CanonicalOrder[] {
  const byId = new Map<string, CanonicalOrder>();
  for (const o of page) {
    const seen = byId.get(o.marketplaceOrderId);
    if (!seen || o.lastUpdatedAt.getTime() >= seen.lastUpdatedAt.getTime()) byId.set(o.marketplaceOrderId, o);
  }
  return [...byId.values()];
}

function eventType(p: Planned): OrderEventType {
  if (!p.stored) return 'order.created';
  return p.order.status === 'cancelled' && p.stored.status !== 'cancelled' ? 'order.cancelled' : 'order.updated';
}

function eventPayload(p: Planned, row: OrderRowWrite): Record<string, unknown> {
  return {
    orderId: row.orderId,
    marketplace: row.marketplace,
    marketplaceOrderId: row.marketplaceOrderId,
    status: row.status,
    ...(p.stored && p.stored.status !== row.status ? { previousStatus: p.stored.status } : {}),
    version: row.version,
    lastUpdatedAt: row.marketplaceUpdatedAt.toISOString(),
  };
}
