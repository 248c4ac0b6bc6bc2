import { Inject, Injectable } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { AuditLog, auditedBy } from '../../audit';
import { jobActor } from '../../auth';
import { APP_CONFIG, type AppConfig } from '../../config';
import { PiiDestructionService, type DestructionResult, type DestructionSelector } from '../../orders';
import { Clock } from '../../platform/clock/clock';
import { TransactionManager } from '../../platform/database/transaction-manager';
import { DurableDrain, DurableWorker, JOB_DONE, type JobOutcome } from '../../platform/jobs/durable-drain';
import { JobQueue, type ClaimedJob } from '../../platform/jobs/job-queue';
import { AppLogger } from '../../platform/logging/app-logger';
import { LegalHoldsService } from '../../retention';
import { EbayDeletionMetrics } from './ebay-deletion.metrics';
import { EbayDeletionRepository, type DeletionTarget } from './ebay-deletion.repository';

export const EBAY_DELETION_QUEUE = 'ebay-account-deletion';
const LEASE_MS = 120_000;
/** Orders another transaction held (a sync page, a reveal) are taken on the next try, this much later. */
const RETRY_LOCKED_MS = 15_000;
const RETRY_FAILED_MS = 60_000;
/** Orders kept by a legal hold are looked at again this much later (a hold lasts days to months). */
const RETRY_HELD_MS = 3_600_000;
const TICK_MS = 30_000;

/**
 * Erases, in the background, the buyer data of an eBay user whose account deletion eBay announced: for each
 * tenant that held eBay buyer data when the notification arrived, that user's orders (by the tenant's blind
 * index) are destroyed through the one destruction step, in batches, each batch committed with its
 * `pii.erased` receipt naming the notification. A tenant's target row (its blind index of the user) goes
 * with its last batch. Jobs are durable (platform/jobs): one left by a crash is taken again by the tick.
 */
@Injectable()
export class EbayDeletionWorker extends DurableWorker {
  protected readonly runner: DurableDrain;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    registry: SchedulerRegistry,
    private readonly transactions: TransactionManager,
    private readonly repository: EbayDeletionRepository,
    private readonly destruction: PiiDestructionService,
    private readonly audit: AuditLog,
    private readonly jobs: JobQueue,
    private readonly metrics: EbayDeletionMetrics,
    private readonly holds: LegalHoldsService,
    private readonly clock: Clock,
    logger: AppLogger,
  ) {
    super();
    this.runner = new DurableDrain(
      {
        queue: EBAY_DELETION_QUEUE,
        name: 'ebay-account-deletion',
        leaseMs: LEASE_MS,
        tickMs: TICK_MS,
        retryFailedMs: RETRY_FAILED_MS,
        failedReason: 'erasure_failed',
        tick: config.sync.schedulerEnabled,
      },
      jobs,
      registry,
      clock,
      logger,
      (job) => this.take(job),
    );
  }

  private async take(job: ClaimedJob): Promise<JobOutcome> {
    const notificationId = String(job.payload.notificationId);
    const left = await this.process(job, notificationId);
    if (left.locked) return { retryInMs: RETRY_LOCKED_MS, reason: 'orders_locked' };
    if (left.held) return { retryInMs: RETRY_HELD_MS, reason: 'legal_hold' };
    await this.repository.complete(notificationId, this.clock.now());
    return JOB_DONE;
  }

  /** Every tenant of the notification; returns how many tenants still have orders to take, and why. */
  private async process(job: ClaimedJob, notificationId: string): Promise<{ locked: number; held: number }> {
    const left = { locked: 0, held: 0 };
    for (const target of await this.repository.targets(notificationId)) {
      await this.runner.renew(job);
      const state = await this.eraseTenant(job, notificationId, target);
      if (state !== 'done') left[state]++;
    }
    return left;
  }

  /**
   * Batches until the tenant holds nothing of the user: `locked` when rows another transaction held remain,
   * `held` when orders under a legal hold remain (GDPR Art. 17(3)(e): kept, and erased once the hold ends;
   * the tenant's target row stays until then). Holds are read under the shared lock retention's sweeps take.
   */
  private async eraseTenant(
    job: ClaimedJob,
    notificationId: string,
    target: DeletionTarget,
  ): Promise<'done' | 'locked' | 'held'> {
    const by = jobActor(EBAY_DELETION_QUEUE);
    const selector: DestructionSelector = { kind: 'buyer', marketplace: 'ebay', buyerIndex: target.buyerIndex };
    const batchSize = this.config.retention.batchSize;
    for (;;) {
      const state = await this.transactions.run(async (tx) => {
        await this.jobs.assertLease(tx, job);
        const holds = await this.holds.heldForSweep(tx, target.tenantId, this.clock.now());
        if (holds.wholeTenant) return { state: 'held' as const, erased: 0 };
        const claimed = await this.destruction.claimMatching(tx, target.tenantId, selector, batchSize, holds.orderIds);
        let erased = 0;
        if (claimed.length) {
          const result = await this.destruction.destroy(tx, target.tenantId, claimed, this.clock.now(), 'erasure');
          erased = result.destroyed.length;
          await this.repository.countErased(tx, notificationId, target.tenantId, erased);
          if (erased) {
            // The receipt commits with the erasure; appended last (it holds the tenant's chain head).
            await this.audit.append(tx, {
              tenantId: target.tenantId,
              ...auditedBy(by),
              action: 'pii.erased',
              targets: { orderIds: result.destroyed.map((d) => d.orderId), notificationId },
              reason: receiptReason(notificationId, result),
              outcome: 'allowed',
            });
          }
        }
        if (claimed.length === batchSize) return { state: 'more' as const, erased };
        if (await this.destruction.holdingMatching(tx, target.tenantId, selector)) {
          // What remains is held by a legal hold, or locked elsewhere: with holds in force, look again later.
          return { state: holds.orderIds.length ? ('held' as const) : ('locked' as const), erased };
        }
        await this.repository.finishTarget(tx, notificationId, target.tenantId);
        return { state: 'done' as const, erased };
      });
      this.metrics.ordersErased.inc(state.erased);
      if (state.state !== 'more') return state.state;
    }
  }
}

function receiptReason(notificationId: string, result: DestructionResult): string {
  const copies = Object.entries(result.copies)
    .filter(([, n]) => n > 0)
    .map(([holder, n]) => `${n} ${holder}`);
  return (
    `eBay marketplace account deletion: notification ${notificationId} names the buyer of these orders; ` +
    `data keys shredded: ${result.keysShredded}` +
    (copies.length ? `; copies destroyed: ${copies.join(', ')}` : '')
  ).slice(0, 500);
}
