import { Injectable } from '@nestjs/common';
import { DataKeyService } from '../crypto';
import type { Tx } from '../platform/database/transaction-manager';
import type { DestroyedOrderRef } from './buyer-data-copies';
import { OrderRecordsRepository, type ExpiredOrder } from './order-records.repository';

export type { ExpiredOrder } from './order-records.repository';

/**
 * Something outside the orders table that keeps rows about an order (dead letters in sync/, delivery attempts
 * in delivery/ once they exist). When the order record expires, each holder deletes its rows in the same
 * transaction, so an expired order leaves nothing behind. Registered by the holder's module on start.
 */
export interface OrderRecordHolder {
  /** Short, stable name (a key of the expiry summary and the receipt). */
  readonly name: string;
  /** Deletes the rows about these orders; returns how many it deleted. */
  deleteRecords(tx: Tx, tenantId: string, orders: readonly DestroyedOrderRef[]): Promise<number>;
}

@Injectable()
export class OrderRecordHolders {
  private readonly holders = new Map<string, OrderRecordHolder>();

  register(holder: OrderRecordHolder): void {
    if (this.holders.has(holder.name)) throw new Error(`order-record holder "${holder.name}" registered twice`);
    this.holders.set(holder.name, holder);
  }

  list(): readonly OrderRecordHolder[] {
    return [...this.holders.values()];
  }
}

/** What one expiry batch deleted (ids and counts). */
export interface RecordExpiryResult {
  readonly deleted: ReadonlyArray<{ readonly orderId: string; readonly marketplace: string }>;
  readonly outboxEvents: number;
  /** Rows deleted per registered holder. */
  readonly related: Readonly<Record<string, number>>;
}

/**
 * Deleting order records (ids, dates, amounts, SKUs, country) whose bookkeeping period has ended, in the
 * caller's transaction: the order row, its outbox events, any data key left, and every registered holder's rows.
 * Only orders whose buyer data is already gone (destroyed or never received) are taken: buyer data leaves by
 * its own, shorter window and receipt first.
 */
@Injectable()
export class OrderRecordExpiry {
  constructor(
    private readonly repository: OrderRecordsRepository,
    private readonly dataKeys: DataKeyService,
    private readonly holders: OrderRecordHolders,
  ) {}

  /** Up to `limit` orders of one marketplace purchased at or before `purchasedBefore`, locked (SKIP LOCKED). */
  claimExpired(
    tx: Tx,
    tenantId: string,
    cutoff: { marketplace: string; purchasedBefore: Date },
    options: { skip?: readonly string[]; limit: number },
  ): Promise<ExpiredOrder[]> {
    return this.repository.claimExpired(
      tx,
      tenantId,
      cutoff.marketplace,
      cutoff.purchasedBefore,
      options.skip ?? [],
      options.limit,
    );
  }

  /** How many records a sweep with this cutoff would delete, and how many legal holds keep. */
  countExpired(
    tx: Tx,
    tenantId: string,
    cutoff: { marketplace: string; purchasedBefore: Date },
    heldOrderIds: readonly string[],
  ): Promise<{ due: number; held: number }> {
    return this.repository.countExpired(tx, tenantId, cutoff.marketplace, cutoff.purchasedBefore, heldOrderIds);
  }

  /** Tenants with at least one order (candidates for record expiry). */
  tenantsWithOrders(tx: Tx): Promise<string[]> {
    return this.repository.tenantsWithOrders(tx);
  }

  async delete(tx: Tx, tenantId: string, claimed: readonly ExpiredOrder[]): Promise<RecordExpiryResult> {
    if (!claimed.length) return { deleted: [], outboxEvents: 0, related: {} };
    const related: Record<string, number> = {};
    for (const holder of this.holders.list()) related[holder.name] = await holder.deleteRecords(tx, tenantId, claimed);
    const ids = claimed.map((c) => c.orderId);
    await this.dataKeys.destroyDataKeys(tx, tenantId, ids);
    const outboxEvents = await this.repository.deleteOutbox(tx, tenantId, ids);
    const deleted = await this.repository.deleteOrders(tx, tenantId, ids);
    return { deleted, outboxEvents, related };
  }
}
