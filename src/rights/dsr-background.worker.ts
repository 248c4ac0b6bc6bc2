import { Inject, Injectable } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { AuditLog, auditedBy } from '../audit';
import { jobActor } from '../auth';
import { APP_CONFIG, type AppConfig } from '../config';
import { DataKeyService } from '../crypto';
import { PiiDestructionService, PiiRectificationService, type PiiCorrections } from '../orders';
import { Clock } from '../platform/clock/clock';
import { TransactionManager, type Tx } from '../platform/database/transaction-manager';
import { DomainError, ErrorCodes } from '../platform/errors/domain-error';
import { DurableDrain, DurableWorker, JOB_DONE } from '../platform/jobs/durable-drain';
import { JobQueue, type ClaimedJob } from '../platform/jobs/job-queue';
import { AppLogger } from '../platform/logging/app-logger';
import { LegalHoldsService } from '../retention';
import type { DataSubjectRequest } from './data-subject-request.entity';
import { DataSubjectRequestsRepository } from './data-subject-requests.repository';
import { DsrErasureOrdersRepository } from './dsr-erasure-orders.repository';

/** The queue's stored name predates rectification in the background: kept so jobs already queued are taken. */
export const DSR_BACKGROUND_QUEUE = 'dsr-erasure';
/** Purpose of the data key a background rectification's corrected values are sealed under (subject: the request). */
export const DSR_CORRECTIONS_PURPOSE = 'dsr.corrections';
const LEASE_MS = 120_000;
const RETRY_FAILED_MS = 60_000;
const BY = jobActor(DSR_BACKGROUND_QUEUE);
const TICK_MS = 30_000;

/**
 * Answers, in the background, an erasure or rectification whose buyer has more orders than one call answers:
 * the order ids recorded on the request (never the buyer's e-mail or id: the job's payload is the request id),
 * a batch per transaction, progress (`processed` and the type's counts) on the request row in the batch's
 * transaction, a receipt per batch. Erasure goes through the one destruction step, legal holds kept as in the
 * call; rectification through the same correction step as in the call, its corrected values opened from the
 * request (sealed under the request's own key, which the last batch destroys). Durable (platform/jobs): a job
 * left by a crash is taken again by the tick and resumes at `processed`.
 */
@Injectable()
export class DsrBackgroundWorker extends DurableWorker {
  protected readonly runner: DurableDrain;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    registry: SchedulerRegistry,
    private readonly transactions: TransactionManager,
    private readonly requests: DataSubjectRequestsRepository,
    private readonly orders: DsrErasureOrdersRepository,
    private readonly destruction: PiiDestructionService,
    private readonly rectification: PiiRectificationService,
    private readonly dataKeys: DataKeyService,
    private readonly holds: LegalHoldsService,
    private readonly audit: AuditLog,
    private readonly jobs: JobQueue,
    private readonly clock: Clock,
    logger: AppLogger,
  ) {
    super();
    this.runner = new DurableDrain(
      {
        queue: DSR_BACKGROUND_QUEUE,
        name: 'dsr-background',
        leaseMs: LEASE_MS,
        tickMs: TICK_MS,
        retryFailedMs: RETRY_FAILED_MS,
        failedReason: 'background_request_failed',
        tick: config.sync.schedulerEnabled,
      },
      jobs,
      registry,
      clock,
      logger,
      async (job) => {
        await this.process(job);
        return JOB_DONE;
      },
    );
  }

  private async process(job: ClaimedJob): Promise<void> {
    const tenantId = String(job.tenantId);
    const requestId = String(job.payload.requestId);
    const batchSize = this.config.retention.batchSize;
    for (;;) {
      await this.runner.renew(job);
      const done = await this.transactions.run(async (tx) => {
        await this.jobs.assertLease(tx, job);
        const row = await this.requests.findForUpdate(tx, tenantId, requestId);
        if (!row || row.status !== 'running') return true;
        const processed = row.counts.processed ?? 0;
        const ids = row.orderIds.slice(processed, processed + batchSize);
        const now = this.clock.now();
        if (!ids.length) {
          if (row.correctionsCiphertext) {
            // The corrected values were needed until the last batch: shredded with the request's completion.
            await this.dataKeys.destroyDataKeys(tx, tenantId, [requestId]);
            row.correctionsCiphertext = null;
          }
          row.status = 'completed';
          row.completedAt = now;
          await this.requests.save(tx, row);
          return true;
        }
        if (row.type === 'rectify') await this.rectifyBatch(tx, row, ids, processed, now);
        else await this.eraseBatch(tx, row, ids, processed, now);
        return false;
      });
      if (done) return;
    }
  }

  private async eraseBatch(tx: Tx, row: DataSubjectRequest, ids: string[], processed: number, now: Date) {
    const holds = await this.holds.heldForSweep(tx, row.tenantId, now);
    const heldIds = new Set(holds.orderIds);
    const holding = await this.orders.lockHolding(tx, row.tenantId, ids);
    const held = holding.filter((o) => holds.wholeTenant || heldIds.has(o.orderId));
    const result = await this.destruction.destroy(
      tx,
      row.tenantId,
      holding.filter((o) => !held.includes(o)),
      now,
      'erasure',
    );
    row.counts = {
      ...row.counts,
      processed: processed + ids.length,
      erased: (row.counts.erased ?? 0) + result.destroyed.length,
      heldByLegalHold: (row.counts.heldByLegalHold ?? 0) + held.length,
      keysShredded: (row.counts.keysShredded ?? 0) + result.keysShredded,
    };
    row.heldOrderIds = [...row.heldOrderIds, ...held.map((o) => o.orderId)];
    await this.requests.save(tx, row);
    if (result.destroyed.length) {
      // The receipt commits with the erasure; appended last (it holds the tenant's chain head).
      await this.audit.append(tx, {
        tenantId: row.tenantId,
        ...auditedBy(BY),
        action: 'pii.erased',
        targets: { dsrId: row.requestId, orderIds: result.destroyed.map((d) => d.orderId) },
        reason:
          `erasure at the buyer's request (in the background): ${result.destroyed.length} order(s) destroyed; ` +
          `data keys shredded: ${result.keysShredded}` +
          (held.length ? `; ${held.length} order(s) kept under legal hold (GDPR Art. 17(3)(e))` : ''),
        ticketRef: row.reference,
        outcome: 'allowed',
      });
    }
  }

  private async rectifyBatch(tx: Tx, row: DataSubjectRequest, ids: string[], processed: number, now: Date) {
    if (!row.correctionsCiphertext)
      throw new DomainError(ErrorCodes.INTERNAL, 'a background rectification without its sealed corrections');
    const key = await this.dataKeys.openDataKey(tx, row.tenantId, row.requestId);
    const corrections = key.openJson<PiiCorrections>(DSR_CORRECTIONS_PURPOSE, row.correctionsCiphertext);
    const result = await this.rectification.rectify(tx, row.tenantId, ids, corrections, now);
    row.counts = {
      ...row.counts,
      processed: processed + ids.length,
      rectified: (row.counts.rectified ?? 0) + result.rectified.length,
      withoutBuyerData: (row.counts.withoutBuyerData ?? 0) + result.skipped.length,
    };
    row.correctedFields = result.fields;
    await this.requests.save(tx, row);
    if (result.rectified.length) {
      // The receipt commits with the corrections; appended last (it holds the tenant's chain head).
      await this.audit.append(tx, {
        tenantId: row.tenantId,
        ...auditedBy(BY),
        action: 'pii.rectified',
        targets: { dsrId: row.requestId, orderIds: result.rectified },
        reason:
          `rectification at the buyer's request (in the background): ${result.rectified.length} order(s), ` +
          `fields ${result.fields.join(', ')}`,
        ticketRef: row.reference,
        outcome: 'allowed',
      });
    }
  }
}
