import { Injectable } from '@nestjs/common';
import { notFound, validationFailed } from '../platform/errors/domain-error';
import { parseInstant } from '../platform/validation/instant';
import { DataKeyService, dataKeyRef } from '../crypto';
import type { BuyerPii } from '../marketplaces/canonical-order';
import { DomainError, ErrorCodes } from '../platform/errors/domain-error';
import type { Tx } from '../platform/database/transaction-manager';
import { ORDER_PII_PURPOSE } from './order-ingest.service';
import { toMaskedOrderView, toRevealedOrderView, type MaskedOrderView, type RevealedOrderView } from './order.mapper';
import { OrdersRepository } from './orders.repository';
import { OutboxRepository, type PendingOutboxEvent } from './outbox.repository';
import { isUuid } from '../platform/validation/uuid';
import { Clock } from '../platform/clock/clock';
import type { Principal } from '../auth';

export interface OrderPage {
  items: MaskedOrderView[];
  /** Pass as `cursor` to get the next page; absent on the last page. */
  nextCursor?: string;
}

/**
 * One order of a batch reveal as the store holds it: buyer data one `open()` away, or the
 * reason there is none (destroyed at the end of its window, or never received).
 */
export type SealedBatchItem =
  | { readonly state: 'present'; open(): RevealedOrderView }
  | { readonly state: 'destroyed'; readonly destroyedAt: Date | null }
  | { readonly state: 'absent' };

/** An order whose buyer data is one `open()` away (decryption fails closed). */
export interface SealedOrder {
  open(): RevealedOrderView;
}

/** One order of a buyer as an access or portability export holds it. */
export interface SubjectOrderExport {
  /** The order with its buyer data opened, or masked (`destroyed` / `none`) when none is held. */
  readonly order: MaskedOrderView | RevealedOrderView;
  /** The events announcing it (what delivery reads and hands on to the seller's endpoints). */
  readonly events: ReadonlyArray<{
    type: string;
    orderVersion: number;
    occurredAt: string;
    dispatchedAt: string | null;
  }>;
}

/** An order as a webhook carries it: the masked view, and the buyer data when asked for and still held. */
export interface OrderForDispatch {
  readonly order: MaskedOrderView;
  /** Opened buyer data; null when not asked for, never received or destroyed. */
  readonly pii: BuyerPii | null;
}

export interface OrderQuery {
  /** Only these orders (a staff member's grant may cover a subset of the tenant). */
  onlyOrderIds?: readonly string[] | null;
  status?: string;
  marketplace?: string;
  updatedSince?: Date;
  /** Only acknowledged (true) or not yet acknowledged (false) orders. */
  acknowledged?: boolean;
  cursor?: string;
  limit?: number;
}

/** Reading orders. Everything here is masked; revealing buyer data is a separate, audited path. */
@Injectable()
export class OrdersService {
  constructor(
    private readonly orders: OrdersRepository,
    private readonly outbox: OutboxRepository,
    private readonly dataKeys: DataKeyService,
    private readonly clock: Clock,
  ) {}

  async list(tenantId: string, query: OrderQuery): Promise<OrderPage> {
    const limit = Math.min(Math.max(query.limit ?? 50, 1), 200);
    const rows = await this.orders.list(tenantId, {
      status: query.status,
      marketplace: query.marketplace,
      updatedSince: query.updatedSince,
      acknowledged: query.acknowledged,
      after: query.cursor ? decodeCursor(query.cursor) : undefined,
      onlyOrderIds: query.onlyOrderIds ?? undefined,
      limit: limit + 1,
    });
    const items = rows.slice(0, limit).map(toMaskedOrderView);
    const last = rows.length > limit ? rows[limit - 1] : undefined;
    return last ? { items, nextCursor: encodeCursor(last.updatedAt, last.orderId) } : { items };
  }

  async get(tenantId: string, orderId: string, onlyOrderIds?: readonly string[] | null): Promise<MaskedOrderView> {
    const visible = isUuid(orderId) && (!onlyOrderIds || onlyOrderIds.includes(orderId));
    const order = visible ? await this.orders.findOne(tenantId, orderId) : null;
    if (!order) throw notFound('order');
    return toMaskedOrderView(order);
  }

  /**
   * Records that the seller's system took the order: when, with which key, at which
   * version. Idempotent: the first acknowledgement stands and every call answers with it.
   * Only a seller's key acknowledges (it is the seller's system speaking); not audited,
   * since it neither reaches buyer data nor changes who may (the row keeps the key id).
   */
  async acknowledge(caller: Principal, tenantId: string, orderId: string): Promise<MaskedOrderView> {
    if (caller.kind !== 'seller' || caller.tenantId !== tenantId) {
      throw new DomainError(ErrorCodes.FORBIDDEN, "only the seller's own keys acknowledge orders");
    }
    const order = isUuid(orderId)
      ? await this.orders.acknowledge(tenantId, orderId, caller.keyId, this.clock.now())
      : null;
    if (!order) throw notFound('order');
    return toMaskedOrderView(order);
  }

  /**
   * Loads an order and its data key inside the caller's transaction, for the
   * access module's reveal only (it decides the caller may, and writes the
   * access-log entry in the same transaction). Decryption waits for `open()`, so
   * the caller can put its log entry on the wire first and decrypt meanwhile.
   */
  async sealedInTx(tx: Tx, tenantId: string, orderId: string): Promise<SealedOrder> {
    // Locked FOR SHARE: a retention sweep skips the order rather than shredding its key mid-reveal.
    const order = isUuid(orderId) ? await this.orders.findOneShared(tx, tenantId, orderId) : null;
    if (!order) throw notFound('order');
    const ciphertext = order.piiCiphertext;
    if (order.piiState === 'destroyed') {
      const when = order.piiDestroyedAt ? ` on ${order.piiDestroyedAt.toISOString()}` : '';
      throw new DomainError(
        ErrorCodes.GONE,
        `the buyer data of this order was destroyed${when} at the end of its retention window`,
      );
    }
    if (order.piiState !== 'present' || !ciphertext) {
      throw new DomainError(ErrorCodes.PRECONDITION_FAILED, `no buyer data is held for this order (${order.piiState})`);
    }
    const key = await this.dataKeys.openDataKey(tx, tenantId, orderId);
    return { open: () => toRevealedOrderView(order, key.openJson<BuyerPii>(ORDER_PII_PURPOSE, ciphertext)) };
  }

  /**
   * A buyer's orders for a data-subject export, in the caller's transaction (which writes the
   * `pii.exported` entry): locked FOR SHARE, buyer data opened where held, with their events.
   */
  async subjectExportInTx(tx: Tx, tenantId: string, orderIds: readonly string[]): Promise<SubjectOrderExport[]> {
    // Locked in id order (as every locker of many orders does), listed in purchase order.
    const orders = (await this.orders.findManyShared(tx, tenantId, orderIds)).sort(
      (a, b) => a.purchasedAt.getTime() - b.purchasedAt.getTime() || a.orderId.localeCompare(b.orderId),
    );
    const held = orders.filter((o) => o.piiState === 'present' && o.piiCiphertext);
    const keys = await this.dataKeys.openDataKeys(
      tx,
      tenantId,
      held.map((o) => o.orderId),
    );
    const events = await this.outbox.listForOrders(
      tx,
      tenantId,
      orders.map((o) => o.orderId),
    );
    return orders.map((o) => {
      const key = keys.get(o.orderId);
      const view =
        key && o.piiCiphertext
          ? toRevealedOrderView(o, key.openJson<BuyerPii>(ORDER_PII_PURPOSE, o.piiCiphertext))
          : toMaskedOrderView(o);
      return {
        order: view,
        events: events
          .filter((e) => e.orderId === o.orderId)
          .map((e) => ({
            type: e.type,
            orderVersion: e.orderVersion,
            occurredAt: e.occurredAt.toISOString(),
            dispatchedAt: e.dispatchedAt ? e.dispatchedAt.toISOString() : null,
          })),
      };
    });
  }

  /**
   * The batch form of `sealedInTx`: every named order of the tenant locked FOR SHARE, with
   * its data key, in one statement each. An order missing from the map does not exist.
   */
  async sealedManyInTx(tx: Tx, tenantId: string, orderIds: readonly string[]): Promise<Map<string, SealedBatchItem>> {
    const ids = orderIds.filter(isUuid);
    const orders = ids.length ? await this.orders.findManyShared(tx, tenantId, ids) : [];
    const held = orders.filter((o) => o.piiState === 'present' && o.piiCiphertext);
    const keys: Awaited<ReturnType<DataKeyService['openDataKeys']>> = held.length
      ? await this.dataKeys.openDataKeys(
          tx,
          tenantId,
          held.map((o) => o.orderId),
        )
      : new Map();
    const items = new Map<string, SealedBatchItem>();
    for (const order of orders) {
      const ciphertext = order.piiCiphertext;
      if (order.piiState === 'destroyed') {
        items.set(order.orderId, { state: 'destroyed', destroyedAt: order.piiDestroyedAt });
      } else if (order.piiState !== 'present' || !ciphertext) {
        items.set(order.orderId, { state: 'absent' });
      } else {
        const key = keys.get(order.orderId);
        items.set(order.orderId, {
          state: 'present',
          open: () => {
            // Fail closed, as the single reveal does: a held order without its key is a crypto failure.
            if (!key) throw new DomainError(ErrorCodes.CRYPTO_FAILURE, 'the data key of an order is missing');
            return toRevealedOrderView(order, key.openJson<BuyerPii>(ORDER_PII_PURPOSE, ciphertext));
          },
        });
      }
    }
    return items;
  }

  /** Which of these ids are orders of the tenant (ids that are not uuids are none). */
  existingIds(tenantId: string, orderIds: readonly string[]): Promise<Set<string>> {
    return this.orders.existingIds(
      tenantId,
      orderIds.filter((id) => isUuid(id)),
    );
  }

  /**
   * Orders as a dispatcher sends them, of several tenants in one read (a claim spans tenants), keyed by
   * `dataKeyRef(tenantId, orderId)`: masked view, and the buyer data opened if `withPii` (rows locked FOR SHARE
   * meanwhile, so destruction waits until the sending transaction commits).
   */
  async forDispatchOfTenants(
    tx: Tx,
    pairs: ReadonlyArray<{ tenantId: string; orderId: string }>,
    withPii: boolean,
  ): Promise<Map<string, OrderForDispatch>> {
    const rows = await this.orders.findForDispatch(tx, pairs, withPii);
    const sealed = withPii ? rows.filter((o) => o.piiState === 'present' && o.piiCiphertext) : [];
    const keys = await this.dataKeys.openDataKeysOfTenants(
      tx,
      sealed.map((o) => ({ tenantId: o.tenantId, subjectId: o.orderId })),
    );
    const out = new Map<string, OrderForDispatch>();
    for (const o of rows) {
      const key = keys.get(dataKeyRef(o.tenantId, o.orderId));
      const pii = key && o.piiCiphertext ? key.openJson<BuyerPii>(ORDER_PII_PURPOSE, o.piiCiphertext) : null;
      out.set(dataKeyRef(o.tenantId, o.orderId), { order: toMaskedOrderView(o), pii });
    }
    return out;
  }

  /** Locks up to `limit` undispatched outbox events for the fan-out (see OutboxRepository.claimPending). */
  claimPendingEvents(tx: Tx, limit: number): Promise<PendingOutboxEvent[]> {
    return this.outbox.claimPending(tx, limit);
  }

  /** Dispatched events of a tenant since an instant, in commit-independent `seq` order, keyset-paged. */
  dispatchedEventsSince(
    tx: Tx,
    tenantId: string,
    since: Date,
    afterSeq: string,
    limit: number,
  ): Promise<Array<PendingOutboxEvent & { seq: string }>> {
    return this.outbox.dispatchedSince(tx, tenantId, since, afterSeq, limit);
  }

  markEventsDispatched(tx: Tx, events: readonly PendingOutboxEvent[], at: Date): Promise<void> {
    return this.outbox.markDispatched(tx, events, at);
  }

  countByMarketplace(tenantId?: string) {
    return this.orders.countByMarketplace(tenantId);
  }

  pendingEvents(tenantId?: string): Promise<number> {
    return this.outbox.countPending(tenantId);
  }

  eventsForOrder(tenantId: string, orderId: string) {
    return this.outbox.listForOrder(tenantId, orderId);
  }
}

function encodeCursor(updatedAt: Date, orderId: string): string {
  return Buffer.from(`${updatedAt.toISOString()}|${orderId}`).toString('base64url');
}

function decodeCursor(cursor: string): { updatedAt: Date; orderId: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const updatedAt = parseInstant(at ?? '');
  if (!id || !isUuid(id) || !updatedAt) {
    throw validationFailed('cursor is not one this API issued', [{ field: 'cursor', issue: 'invalid' }]);
  }
  return { updatedAt, orderId: id };
}
