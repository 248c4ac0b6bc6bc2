import { Injectable } from '@nestjs/common';
import { notFound, validationFailed } from '../platform/errors/domain-error';
import { toMaskedOrderView, type MaskedOrderView } from './order.mapper';
import { OrdersRepository } from './orders.repository';
import { OutboxRepository } from './outbox.repository';

export interface OrderPage {
  items: MaskedOrderView[];
  /** Pass as `cursor` to get the next page; absent on the last page. */
  nextCursor?: string;
}

export interface OrderQuery {
  status?: string;
  marketplace?: string;
  updatedSince?: Date;
  cursor?: string;
  limit?: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Reading orders. Everything here is masked; revealing buyer data is a separate, audited path. */
@Injectable()
export class OrdersService {
  constructor(
    private readonly orders: OrdersRepository,
    private readonly outbox: OutboxRepository,
  ) {}

  async list(tenantId: string, query: OrderQuery): Promise<OrderPage> {
    const limit = Math.min(Math.max(query.limit ?? 50, 1), 200);
    const rows = await this.orders.list(tenantId, {
      status: query.status,
      marketplace: query.marketplace,
      updatedSince: query.updatedSince,
      after: query.cursor ? decodeCursor(query.cursor) : undefined,
      limit: limit + 1,
    });
    const items = rows.slice(0, limit).map(toMaskedOrderView);
    const last = rows.length > limit ? rows[limit - 1] : undefined;
    return last ? { items, nextCursor: encodeCursor(last.updatedAt, last.orderId) } : { items };
  }

  async get(tenantId: string, orderId: string): Promise<MaskedOrderView> {
    const order = UUID.test(orderId) ? await this.orders.findOne(tenantId, orderId) : null;
    if (!order) throw notFound('order');
    return toMaskedOrderView(order);
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
  const updatedAt = new Date(at ?? '');
  if (!id || !UUID.test(id) || Number.isNaN(updatedAt.getTime())) {
    throw validationFailed('cursor is not one this API issued', [{ field: 'cursor', issue: 'invalid' }]);
  }
  return { updatedAt, orderId: id };
}
