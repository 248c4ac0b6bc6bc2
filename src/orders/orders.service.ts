import { Injectable } from '@nestjs/common';
import { notFound, validationFailed } from '../platform/errors/domain-error';
import { parseInstant } from '../platform/validation/instant';
import { DataKeyService } from '../crypto';
import type { BuyerPii } from '../marketplaces/canonical-order';
import { DomainError, ErrorCodes } from '../platform/errors/domain-error';
import type { Tx } from '../platform/database/transaction-manager';
import { ORDER_PII_PURPOSE } from './order-ingest.service';
import { toMaskedOrderView, toRevealedOrderView, type MaskedOrderView, type RevealedOrderView } from './order.mapper';
import { OrdersRepository } from './orders.repository';
import { OutboxRepository } from './outbox.repository';
import { isUuid } from '../platform/validation/uuid';

export interface OrderPage {
  items: MaskedOrderView[];
  /** Pass as `cursor` to get the next page; absent on the last page. */
  nextCursor?: string;
}

/** An order whose buyer data is one `open()` away (decryption fails closed). */
export interface SealedOrder {
  open(): RevealedOrderView;
}

export interface OrderQuery {
  /** Only these orders (a staff member's grant may cover a subset of the tenant). */
  onlyOrderIds?: readonly string[] | null;
  status?: string;
  marketplace?: string;
  updatedSince?: Date;
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
  ) {}

  async list(tenantId: string, query: OrderQuery): Promise<OrderPage> {
    const limit = Math.min(Math.max(query.limit ?? 50, 1), 200);
    const rows = await this.orders.list(tenantId, {
      status: query.status,
      marketplace: query.marketplace,
      updatedSince: query.updatedSince,
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

  /** Which of these ids are orders of the tenant (ids that are not uuids are none). */
  existingIds(tenantId: string, orderIds: readonly string[]): Promise<Set<string>> {
    return this.orders.existingIds(
      tenantId,
      orderIds.filter((id) => isUuid(id)),
    );
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
