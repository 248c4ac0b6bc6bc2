import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { APP_CONFIG, type AppConfig } from '../../config';
import { OutboxPurgeService, type OutboxPurgeResult } from '../../orders';
import { Clock } from '../../platform/clock/clock';
import { TransactionManager } from '../../platform/database/transaction-manager';
import { AppLogger } from '../../platform/logging/app-logger';
import { DeliveriesRepository } from '../dispatch/deliveries.repository';
import { DeliveryReplaysRepository } from '../replay/delivery-replays.repository';

const INTERVAL_NAME = 'outbox-purge';
const DAY_MS = 86_400_000;
const BATCH = 1000;

export interface PurgeResult extends OutboxPurgeResult {
  /** Finished deliveries (succeeded or given up) older than the window, deleted with their attempts. */
  readonly finishedDeliveries: number;
  readonly deliveryAttempts: number;
  /** Finished replays older than the window (their progress rows). */
  readonly replays: number;
}

/**
 * Purges, on every replica every OUTBOX_PURGE_SECONDS, what is older than OUTBOX_RETENTION_DAYS: finished
 * deliveries with their attempt logs (never an open one), finished replays, then outbox events (never one a delivery still needs).
 * Batches are claimed with SKIP LOCKED, so replicas share the work rather than collide. Off where the sync
 * scheduler is off (CLI one-shots, tests), like the other schedules.
 */
@Injectable()
export class OutboxPurgeScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private running: Promise<unknown> | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly registry: SchedulerRegistry,
    private readonly purger: OutboxPurgeService,
    private readonly deliveries: DeliveriesRepository,
    private readonly replays: DeliveryReplaysRepository,
    private readonly transactions: TransactionManager,
    private readonly clock: Clock,
    private readonly logger: AppLogger,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.sync.schedulerEnabled) return;
    const handle = setInterval(() => void this.tick(), this.config.delivery.outboxPurgeSeconds * 1000);
    this.registry.addInterval(INTERVAL_NAME, handle);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.registry.doesExist('interval', INTERVAL_NAME)) this.registry.deleteInterval(INTERVAL_NAME);
    await this.running?.catch(() => undefined);
  }

  /** One purge now with the configured window (also what a test or an operator runs). */
  async purgeNow(): Promise<PurgeResult> {
    const now = this.clock.now();
    const before = new Date(now.getTime() - this.config.delivery.outboxRetentionDays * DAY_MS);
    let finishedDeliveries = 0;
    let deliveryAttempts = 0;
    for (;;) {
      const batch = await this.transactions.run((tx) => this.deliveries.deleteFinishedBefore(tx, before, BATCH));
      finishedDeliveries += batch.deliveries;
      deliveryAttempts += batch.attempts;
      if (batch.deliveries < BATCH) break;
    }
    const replays = await this.transactions.run((tx) => this.replays.purgeFinished(tx, before));
    // Events whose deliveries just went are no longer retained by them.
    const outbox = await this.purger.purge(now, this.config.delivery.outboxRetentionDays);
    return { ...outbox, finishedDeliveries, deliveryAttempts, replays };
  }

  private async tick(): Promise<void> {
    if (this.running) return;
    this.running = this.purgeNow()
      .then((r) => {
        if (r.purged || r.finishedDeliveries) {
          this.logger.info('outbox events and finished deliveries purged', {
            purged: r.purged,
            retained: r.retained,
            finishedDeliveries: r.finishedDeliveries,
            deliveryAttempts: r.deliveryAttempts,
          });
        }
      })
      .catch((err: unknown) => this.logger.error('outbox purge failed', { err }))
      .finally(() => (this.running = null));
    await this.running;
  }
}
