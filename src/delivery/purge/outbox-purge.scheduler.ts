import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { APP_CONFIG, type AppConfig } from '../../config';
import { OutboxPurgeService, type OutboxPurgeResult } from '../../orders';
import { Clock } from '../../platform/clock/clock';
import { AppLogger } from '../../platform/logging/app-logger';

const INTERVAL_NAME = 'outbox-purge';

/**
 * Purges old outbox events on every replica every OUTBOX_PURGE_SECONDS (batches are
 * claimed with SKIP LOCKED, so replicas share the work rather than collide). Off where
 * the sync scheduler is off (CLI one-shots, tests), like the other schedules.
 */
@Injectable()
export class OutboxPurgeScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private running: Promise<unknown> | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly registry: SchedulerRegistry,
    private readonly purger: OutboxPurgeService,
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
  async purgeNow(): Promise<OutboxPurgeResult> {
    return this.purger.purge(this.clock.now(), this.config.delivery.outboxRetentionDays);
  }

  private async tick(): Promise<void> {
    if (this.running) return;
    this.running = this.purgeNow()
      .then((r) => {
        if (r.purged) this.logger.info('outbox events purged', { purged: r.purged, retained: r.retained });
      })
      .catch((err: unknown) => this.logger.error('outbox purge failed', { err }))
      .finally(() => (this.running = null));
    await this.running;
  }
}
