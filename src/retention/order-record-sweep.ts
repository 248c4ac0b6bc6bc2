import { Inject, Injectable } from '@nestjs/common';
import { AuditLog, auditedBy } from '../audit';
import type { ActorContext } from '../auth';
import { APP_CONFIG, type AppConfig } from '../config';
import { OrderRecordExpiry, type RecordExpiryResult } from '../orders';
import { Clock } from '../platform/clock/clock';
import { TransactionManager, type Tx } from '../platform/database/transaction-manager';
import type { BatchHooks } from './buyer-data-sweep';
import { RETENTION_MARKETPLACES, type RetentionMarketplace } from './retention-caps';
import { LegalHoldsService } from './legal-holds.service';
import { RetentionPolicyService } from './retention-policy.service';

export interface OrderRecordSweep {
  readonly expired: Record<RetentionMarketplace, number>;
  batches: number;
  heldWholeTenant: boolean;
  /** Rows deleted with the records: `outbox_events`, and per registered holder (dead letters, ...). */
  readonly rows: Record<string, number>;
}

/**
 * The instant `months` calendar months before `at` (UTC), the day clamped to the target month's length:
 * an order bought on 31 August 2025 expires after 18 months on 28 February 2027.
 */
export function monthsBefore(at: Date, months: number): Date {
  const target = new Date(at.getTime());
  const day = at.getUTCDate();
  target.setUTCDate(1);
  target.setUTCMonth(target.getUTCMonth() - months);
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day, lastDay));
  return target;
}

/**
 * Deletes one tenant's order records whose bookkeeping period has ended: purchased at least the seller's
 * period ago (18 months by default; longer only with a stated legal basis) and holding no buyer data. One
 * transaction per batch: legal holds (read under their shared lock; held orders and held tenants are kept),
 * claim (SKIP LOCKED), delete the orders with their outbox events and every registered holder's rows, and an
 * `order_record.deleted` receipt listing the orders and the period applied.
 */
@Injectable()
export class OrderRecordSweeper {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly transactions: TransactionManager,
    private readonly records: OrderRecordExpiry,
    private readonly policies: RetentionPolicyService,
    private readonly audit: AuditLog,
    private readonly holds: LegalHoldsService,
    private readonly clock: Clock,
  ) {}

  tenantsWithOrders(tx: Tx): Promise<string[]> {
    return this.records.tenantsWithOrders(tx);
  }

  /**
   * What a sweep at `asOf` would delete, per marketplace, with the period applied; `held` as the sweep reads it
   * (a tenant-wide hold keeps everything).
   */
  async countDue(
    tx: Tx,
    tenantId: string,
    asOf: Date,
    held: { wholeTenant: boolean; orderIds: readonly string[] },
  ): Promise<Record<RetentionMarketplace, { months: number; due: number; held: number }>> {
    const periods = await this.policies.recordPeriodsFor(tenantId, tx);
    const out = {} as Record<RetentionMarketplace, { months: number; due: number; held: number }>;
    for (const marketplace of RETENTION_MARKETPLACES) {
      const months = periods[marketplace].months;
      const c = await this.records.countExpired(
        tx,
        tenantId,
        { marketplace, purchasedBefore: monthsBefore(asOf, months) },
        held.orderIds,
      );
      out[marketplace] = held.wholeTenant ? { months, due: 0, held: c.due + c.held } : { months, ...c };
    }
    return out;
  }

  async sweepTenant(by: ActorContext, tenantId: string, asOf: Date, hooks: BatchHooks = {}): Promise<OrderRecordSweep> {
    const periods = await this.policies.recordPeriodsFor(tenantId);
    const result: OrderRecordSweep = { expired: { amazon: 0, ebay: 0 }, batches: 0, heldWholeTenant: false, rows: {} };
    for (const marketplace of RETENTION_MARKETPLACES) {
      const period = periods[marketplace];
      const purchasedBefore = monthsBefore(asOf, period.months);
      for (;;) {
        await hooks.beforeBatch?.();
        const batch = await this.expireBatch(by, tenantId, marketplace, period, purchasedBefore);
        if (batch === 'tenant held') {
          result.heldWholeTenant = true;
          return result;
        }
        if (!batch) break;
        result.batches++;
        result.expired[marketplace] += batch.deleted.length;
        result.rows.outbox_events = (result.rows.outbox_events ?? 0) + batch.outboxEvents;
        for (const [holder, n] of Object.entries(batch.related)) result.rows[holder] = (result.rows[holder] ?? 0) + n;
        hooks.onBatch?.({ tenantId, marketplace, destroyed: 0, recordsExpired: batch.deleted.length });
      }
    }
    return result;
  }

  private expireBatch(
    by: ActorContext,
    tenantId: string,
    marketplace: RetentionMarketplace,
    period: { months: number; basis: string | null },
    purchasedBefore: Date,
  ): Promise<RecordExpiryResult | 'tenant held' | null> {
    return this.transactions.run(async (tx) => {
      const held = await this.holds.heldForSweep(tx, tenantId, this.clock.now());
      if (held.wholeTenant) return 'tenant held';
      const claimed = await this.records.claimExpired(
        tx,
        tenantId,
        { marketplace, purchasedBefore },
        { skip: held.orderIds, limit: this.config.retention.batchSize },
      );
      if (!claimed.length) return null;
      const result = await this.records.delete(tx, tenantId, claimed);
      const related = Object.entries(result.related)
        .filter(([, n]) => n > 0)
        .map(([holder, n]) => `${n} ${holder}`);
      // The receipt commits with the deletion; appended last (it holds the chain head).
      await this.audit.append(tx, {
        tenantId,
        ...auditedBy(by),
        action: 'order_record.deleted',
        targets: { orderIds: result.deleted.map((d) => d.orderId) },
        reason: (
          `retention: ${marketplace} order records ${period.months} months after purchase ` +
          `(purchased at or before ${purchasedBefore.toISOString()})` +
          (period.basis ? `; legal basis: ${period.basis}` : '; default period') +
          `; outbox events deleted: ${result.outboxEvents}` +
          (related.length ? `; also deleted: ${related.join(', ')}` : '')
        ).slice(0, 500),
        outcome: 'allowed',
      });
      return result;
    });
  }
}
