import { Inject, Injectable } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { APP_CONFIG, type AppConfig } from '../../config';
import { Clock } from '../../platform/clock/clock';
import { TransactionManager } from '../../platform/database/transaction-manager';
import { DurableDrain, DurableWorker, JOB_DONE } from '../../platform/jobs/durable-drain';
import { JobQueue, type ClaimedJob } from '../../platform/jobs/job-queue';
import { AppLogger } from '../../platform/logging/app-logger';
import { DeliveriesRepository } from '../dispatch/deliveries.repository';
import { DispatchWake } from '../dispatch/dispatch-wake';
import { FanOutService } from '../dispatch/fan-out.service';
import { DeliveryReplaysRepository } from './delivery-replays.repository';

export const DELIVERY_REPLAY_QUEUE = 'delivery-replay';
/** Order queues made due per transaction (each with all of its failed versions). */
export const REPLAY_STREAMS_PER_BATCH = 500;
const LEASE_MS = 120_000;
const RETRY_FAILED_MS = 30_000;
const TICK_MS = 15_000;

/**
 * Runs replays in the background (durable: platform/jobs; the payload is the replay id): each batch makes the
 * next order queues' failed deliveries due again and writes the progress in the same transaction, fenced by the
 * job's lease; the dispatcher is woken after each batch so sending starts with the first. Then the events the
 * endpoint never got are queued for it (idempotent per event, so a job taken again after a crash queues none
 * twice) and the replay is done. A job left by a crash resumes after its last committed batch.
 */
@Injectable()
export class DeliveryReplayWorker extends DurableWorker {
  protected readonly runner: DurableDrain;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    registry: SchedulerRegistry,
    private readonly transactions: TransactionManager,
    private readonly replays: DeliveryReplaysRepository,
    private readonly deliveries: DeliveriesRepository,
    private readonly fanOut: FanOutService,
    private readonly wake: DispatchWake,
    private readonly jobs: JobQueue,
    private readonly clock: Clock,
    logger: AppLogger,
  ) {
    super();
    this.runner = new DurableDrain(
      {
        queue: DELIVERY_REPLAY_QUEUE,
        name: 'delivery-replay',
        leaseMs: LEASE_MS,
        tickMs: TICK_MS,
        retryFailedMs: RETRY_FAILED_MS,
        failedReason: 'replay_failed',
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
    const replayId = String(job.payload.replayId);
    for (;;) {
      await this.runner.renew(job);
      const step = await this.transactions.run(async (tx) => {
        await this.jobs.assertLease(tx, job);
        const r = await this.replays.findForUpdate(tx, tenantId, replayId);
        if (!r || r.status === 'done') return 'finished' as const;
        const now = this.clock.now();
        if (r.status === 'queued') {
          r.status = 'running';
          r.startedAt = now;
          r.toReplay = await this.deliveries.countFailedSince(tx, tenantId, r.endpointId, r.since);
        }
        const batch = await this.deliveries.makeFailedDueByStream(tx, {
          tenantId,
          endpointId: r.endpointId,
          since: r.since,
          now,
          afterStream: r.cursor,
          streams: REPLAY_STREAMS_PER_BATCH,
        });
        r.replayed += batch.deliveries;
        r.cursor = batch.lastStream ?? r.cursor;
        await this.replays.save(tx, r);
        return batch.streams < REPLAY_STREAMS_PER_BATCH ? ('missed' as const) : ('more' as const);
      });
      if (step === 'finished') return;
      this.wake.wake();
      if (step === 'missed') break;
    }
    await this.runner.renew(job);
    const replay = await this.replays.findOne(tenantId, replayId);
    if (!replay) return;
    const queued = await this.fanOut.queueMissed(tenantId, replay.endpointId, replay.since);
    await this.transactions.run(async (tx) => {
      await this.jobs.assertLease(tx, job);
      const r = await this.replays.findForUpdate(tx, tenantId, replayId);
      if (!r || r.status === 'done') return;
      r.queued = queued;
      r.status = 'done';
      r.finishedAt = this.clock.now();
      await this.replays.save(tx, r);
    });
    this.wake.wake();
  }
}
