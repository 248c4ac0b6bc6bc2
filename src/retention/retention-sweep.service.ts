import { Inject, Injectable } from '@nestjs/common';
import { AuditLog, auditedBy } from '../audit';
import type { ActorContext } from '../auth';
import { APP_CONFIG, type AppConfig } from '../config';
import { Clock } from '../platform/clock/clock';
import { TransactionManager, type Tx } from '../platform/database/transaction-manager';
import { DeadLetterCopies } from '../sync/dead-letter-copies';
import type { RetentionMarketplace } from './retention-caps';
import { BuyerDataSweeper, type BatchHooks } from './buyer-data-sweep';
import { EndedConnectionSweeper } from './ended-connection-sweep';
import { OrderRecordSweeper } from './order-record-sweep';
import { SweepPacer } from './sweep-pacer';

export type { SweptBatch } from './buyer-data-sweep';

const DAY_MS = 86_400_000;

export interface PacedHooks extends BatchHooks {
  /**
   * Paces the batches (default: a pacer at the configured duty cycle, new for this call). Share one across calls
   * to pace a series of tenants as one sweep; `SweepPacer.unpaced()` measures the work alone.
   */
  readonly pacer?: SweepPacer;
}

export interface SweepOptions extends PacedHooks {
  /** Due dates are computed as of this instant (rehearsals and tests); default now. */
  readonly asOf?: Date;
  /** Only this tenant. */
  readonly tenantId?: string;
}

export interface TenantSweep {
  readonly tenantId: string;
  /** Orders whose buyer data was destroyed, per marketplace. */
  readonly destroyed: Record<RetentionMarketplace, number>;
  /** Orders destroyed because their connection ended (disconnected, or revoked and not re-authorised). */
  readonly endedConnections: number;
  /** Order records deleted at the end of their bookkeeping period, per marketplace. */
  readonly recordsExpired: Record<RetentionMarketplace, number>;
  batches: number;
  /** A tenant-wide legal hold is active: nothing of the tenant was destroyed or deleted. */
  heldWholeTenant: boolean;
  /** Copies destroyed with the orders' buyer data, per holder. */
  readonly copies: Record<string, number>;
  /** Rows deleted with the expired order records: outbox events, and per registered holder. */
  readonly recordRows: Record<string, number>;
}

export interface SweepSummary {
  readonly asOf: string;
  readonly tenants: TenantSweep[];
  readonly destroyed: number;
  readonly recordsExpired: number;
  /** Dead-letter payloads with no order id destroyed by age. */
  readonly unidentifiedLetters: number;
  readonly durationMs: number;
}

/**
 * A retention sweep: for every tenant with orders, the buyer data that is due is destroyed
 * (`BuyerDataSweeper`), then the order records past their bookkeeping period are deleted
 * (`OrderRecordSweeper`); then dead-letter payloads without an order id expire by age. Every step works
 * in batches, one transaction and one receipt each, so a sweep killed at any point leaves whole batches
 * done and the rest due for the next one.
 */
@Injectable()
export class RetentionSweeper {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly transactions: TransactionManager,
    private readonly endedConnections: EndedConnectionSweeper,
    private readonly buyerData: BuyerDataSweeper,
    private readonly records: OrderRecordSweeper,
    private readonly deadLetters: DeadLetterCopies,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  async sweep(by: ActorContext, options: SweepOptions = {}): Promise<SweepSummary> {
    const started = this.clock.nowMs();
    const asOf = options.asOf ?? this.clock.now();
    const tenantIds = options.tenantId
      ? [options.tenantId]
      : await this.transactions.run((tx) => this.tenantsToSweep(tx));
    const hooks = this.paced(options);
    const tenants: TenantSweep[] = [];
    for (const tenantId of tenantIds) tenants.push(await this.sweepTenantBatches(by, tenantId, asOf, hooks));
    const unidentifiedLetters = options.tenantId ? 0 : await this.expireUnidentifiedLetters(by, asOf);
    const total = (f: (t: TenantSweep) => Record<RetentionMarketplace, number>) =>
      tenants.reduce((n, t) => n + f(t).amazon + f(t).ebay, 0);
    return {
      asOf: asOf.toISOString(),
      tenants,
      destroyed: total((t) => t.destroyed) + tenants.reduce((n, t) => n + t.endedConnections, 0),
      recordsExpired: total((t) => t.recordsExpired),
      unidentifiedLetters,
      durationMs: this.clock.nowMs() - started,
    };
  }

  /** Tenants with at least one order (each a candidate for a sweep), in the caller's transaction. */
  tenantsToSweep(tx: Tx): Promise<string[]> {
    return this.records.tenantsWithOrders(tx);
  }

  /**
   * One tenant: the buyer data of its ended connections (whatever the orders' own windows say), then its
   * due buyer data, then its expired order records, batch after batch.
   */
  sweepTenant(by: ActorContext, tenantId: string, asOf: Date, hooks: PacedHooks = {}): Promise<TenantSweep> {
    return this.sweepTenantBatches(by, tenantId, asOf, this.paced(hooks));
  }

  /** Every batch of every step waits for the pacer first, then for the caller's own hook (a lease renewal). */
  private paced(hooks: PacedHooks): BatchHooks {
    const pacer = hooks.pacer ?? new SweepPacer(this.config.retention.dutyPercent);
    return {
      onBatch: hooks.onBatch,
      beforeBatch: async () => {
        await pacer.beforeBatch();
        await hooks.beforeBatch?.();
      },
    };
  }

  private async sweepTenantBatches(
    by: ActorContext,
    tenantId: string,
    asOf: Date,
    hooks: BatchHooks,
  ): Promise<TenantSweep> {
    const ended = await this.endedConnections.sweepTenant(by, tenantId, asOf, hooks);
    const pii = ended.heldWholeTenant
      ? { destroyed: { amazon: 0, ebay: 0 }, batches: 0, heldWholeTenant: true, copies: {} }
      : await this.buyerData.sweepTenant(by, tenantId, asOf, hooks);
    const records = pii.heldWholeTenant
      ? { expired: { amazon: 0, ebay: 0 }, batches: 0, heldWholeTenant: true, rows: {} }
      : await this.records.sweepTenant(by, tenantId, asOf, hooks);
    const copies: Record<string, number> = { ...ended.copies };
    for (const [holder, n] of Object.entries(pii.copies)) copies[holder] = (copies[holder] ?? 0) + n;
    return {
      tenantId,
      destroyed: pii.destroyed,
      endedConnections: ended.destroyed,
      recordsExpired: records.expired,
      batches: ended.batches + pii.batches + records.batches,
      heldWholeTenant: pii.heldWholeTenant || records.heldWholeTenant,
      copies,
      recordRows: records.rows,
    };
  }

  /** Only the tenant's ended connections that are due (a disconnection without grace starts this at once). */
  async sweepEndedConnections(by: ActorContext, tenantId: string, asOf: Date): Promise<number> {
    return (await this.endedConnections.sweepTenant(by, tenantId, asOf)).destroyed;
  }

  /** Dead letters without an order id: payloads destroyed by age, one receipt per tenant. */
  async expireUnidentifiedLetters(by: ActorContext, asOf: Date): Promise<number> {
    const before = new Date(asOf.getTime() - this.config.retention.unidentifiedLetterDays * DAY_MS);
    let total = 0;
    for (;;) {
      const n = await this.transactions.run(async (tx) => {
        const byTenant = await this.deadLetters.expireUnidentified(tx, before, this.config.retention.batchSize);
        let count = 0;
        for (const [tenantId, ids] of byTenant) {
          count += ids.length;
          await this.audit.append(tx, {
            tenantId,
            ...auditedBy(by),
            action: 'pii.destroyed',
            reason: `retention: ${ids.length} dead-letter payload(s) without an order id, first seen before ${before.toISOString()} (${this.config.retention.unidentifiedLetterDays} days)`,
            outcome: 'allowed',
          });
        }
        return count;
      });
      total += n;
      if (n < this.config.retention.batchSize) return total;
    }
  }
}
