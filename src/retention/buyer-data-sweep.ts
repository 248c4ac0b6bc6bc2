import { Inject, Injectable } from '@nestjs/common';
import { AuditLog, auditedBy } from '../audit';
import type { ActorContext } from '../auth';
import { APP_CONFIG, type AppConfig } from '../config';
import { PiiDestructionService, type ClaimedOrder, type DestructionResult } from '../orders';
import { Clock } from '../platform/clock/clock';
import { TransactionManager } from '../platform/database/transaction-manager';
import { RETENTION_MARKETPLACES, type RetentionMarketplace } from './retention-caps';
import { LegalHoldsService } from './legal-holds.service';
import { RetentionPolicyService, type PiiWindows } from './retention-policy.service';

const DAY_MS = 86_400_000;

export interface SweptBatch {
  readonly tenantId: string;
  readonly marketplace: RetentionMarketplace;
  /** Orders whose buyer data the batch destroyed (0 for a batch of expired order records). */
  readonly destroyed: number;
  /** Order records the batch deleted (0 for a buyer-data batch). */
  readonly recordsExpired: number;
}

export interface BatchHooks {
  /** Called after every committed batch (progress bars, metrics). */
  readonly onBatch?: (batch: SweptBatch) => void;
  /** Called before every batch; a throw stops the sweep there (a job whose lease is lost). */
  readonly beforeBatch?: () => Promise<void>;
}

export interface BuyerDataSweep {
  readonly destroyed: Record<RetentionMarketplace, number>;
  batches: number;
  /** A tenant-wide legal hold is active: nothing of the tenant was destroyed. */
  heldWholeTenant: boolean;
  /** Copies destroyed with the orders, per holder. */
  readonly copies: Record<string, number>;
}

/**
 * Destroys one tenant's buyer data that is due: for every marketplace, orders whose retention anchor is at
 * least the seller's window old. One transaction per batch: the legal holds (read under their shared lock),
 * claim (FOR UPDATE SKIP LOCKED, so replicas and concurrent runs share a backlog and never take the same
 * order), destroy (orders/), and one `pii.destroyed` receipt listing the batch's orders and the window
 * applied, committed together.
 */
@Injectable()
export class BuyerDataSweeper {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly transactions: TransactionManager,
    private readonly destruction: PiiDestructionService,
    private readonly policies: RetentionPolicyService,
    private readonly audit: AuditLog,
    private readonly holds: LegalHoldsService,
    private readonly clock: Clock,
  ) {}

  /** One tenant, every marketplace, batch after batch until nothing due is left unlocked. */
  async sweepTenant(by: ActorContext, tenantId: string, asOf: Date, options: BatchHooks = {}): Promise<BuyerDataSweep> {
    const windows = await this.policies.windowsFor(tenantId);
    const result: BuyerDataSweep = {
      destroyed: { amazon: 0, ebay: 0 },
      batches: 0,
      heldWholeTenant: false,
      copies: {},
    };
    for (const marketplace of RETENTION_MARKETPLACES) {
      const anchorBefore = new Date(asOf.getTime() - windows[marketplace] * DAY_MS);
      let fromAnchor: Date | null = null;
      for (;;) {
        await options.beforeBatch?.();
        const batch = await this.destroyBatch(by, tenantId, marketplace, windows, anchorBefore, fromAnchor);
        if (batch === 'tenant held') {
          result.heldWholeTenant = true;
          return result;
        }
        if (!batch) break;
        fromAnchor = batch.lastAnchor;
        result.batches++;
        result.destroyed[marketplace] += batch.result.destroyed.length;
        for (const [holder, n] of Object.entries(batch.result.copies)) {
          result.copies[holder] = (result.copies[holder] ?? 0) + n;
        }
        options.onBatch?.({ tenantId, marketplace, destroyed: batch.result.destroyed.length, recordsExpired: 0 });
      }
    }
    return result;
  }

  private destroyBatch(
    by: ActorContext,
    tenantId: string,
    marketplace: RetentionMarketplace,
    windows: PiiWindows,
    anchorBefore: Date,
    fromAnchor: Date | null,
  ): Promise<{ result: DestructionResult; lastAnchor: Date } | 'tenant held' | null> {
    return this.transactions.run(async (tx) => {
      // Read in the batch's transaction under the holds' shared lock: a hold placed meanwhile is seen or waits.
      // Holds are a present fact: evaluated now, whatever instant due dates are computed from.
      const held = await this.holds.heldForSweep(tx, tenantId, this.clock.now());
      if (held.wholeTenant) return 'tenant held';
      const claimed: ClaimedOrder[] = await this.destruction.claimDue(
        tx,
        tenantId,
        { marketplace, anchorBefore },
        { fromAnchor, skip: held.orderIds, limit: this.config.retention.batchSize },
      );
      if (!claimed.length) return null;
      const result = await this.destruction.destroy(tx, tenantId, claimed, this.clock.now(), 'retention');
      if (result.destroyed.length) {
        // The receipt commits with the destruction or neither happens; appended last (it holds the chain head).
        await this.audit.append(tx, {
          tenantId,
          ...auditedBy(by),
          action: 'pii.destroyed',
          targets: { orderIds: result.destroyed.map((d) => d.orderId) },
          reason: receiptReason(marketplace, windows[marketplace], anchorBefore, result),
          outcome: 'allowed',
        });
      }
      return { result, lastAnchor: claimed[claimed.length - 1].retentionAnchorAt };
    });
  }
}

/** The policy a receipt records: which window, counted from which anchor, and what else went with the orders. */
function receiptReason(
  marketplace: RetentionMarketplace,
  windowDays: number,
  anchorBefore: Date,
  result: DestructionResult,
): string {
  const copies = Object.entries(result.copies)
    .filter(([, n]) => n > 0)
    .map(([holder, n]) => `${n} ${holder}`);
  return (
    `retention: ${marketplace} buyer-data window ${windowDays} days after the retention anchor ` +
    `(anchored at or before ${anchorBefore.toISOString()}); data keys shredded: ${result.keysShredded}` +
    (copies.length ? `; copies destroyed: ${copies.join(', ')}` : '')
  );
}
