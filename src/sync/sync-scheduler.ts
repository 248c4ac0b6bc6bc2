import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { APP_CONFIG, type AppConfig } from '../config';
import { TransactionManager } from '../platform/database/transaction-manager';
import { AppLogger } from '../platform/logging/app-logger';
import { SyncWorker } from './sync-worker';

/** Advisory-lock key so one replica per tick enqueues ('ovtk'). */
const TICK_LOCK_KEY = 0x6f76746b;

/**
 * The @nestjs/schedule tick only enqueues (once per cluster per tick, under an
 * advisory lock); worker loops claim jobs. Off for CLI one-shots and tests.
 */
@Injectable()
export class SyncScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private stopping = false;
  private readonly running = new Set<Promise<unknown>>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly registry: SchedulerRegistry,
    private readonly worker: SyncWorker,
    private readonly tx: TransactionManager,
    private readonly logger: AppLogger,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.sync.schedulerEnabled) return;
    const handle = setInterval(() => void this.tick(), this.config.sync.tickSeconds * 1000);
    this.registry.addInterval('sync-tick', handle);
    void this.tick();
  }

  /**
   * Shutdown, before the HTTP server and the database pool close: no tick enqueues and no worker
   * claims another job; each worker finishes the run it holds (its page commits are fenced by the
   * lease, so a run cut short by a kill is taken over by another replica when the lease expires).
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.registry.doesExist('interval', 'sync-tick')) this.registry.deleteInterval('sync-tick');
    if (!this.config.sync.schedulerEnabled) return;
    const inFlight = this.running.size;
    this.logger.info('sync stopped claiming work; finishing the runs in flight', { workers: inFlight });
    await Promise.allSettled([...this.running]);
    this.logger.info('sync workers stopped', { workers: inFlight });
  }

  async tick(): Promise<void> {
    if (this.stopping) return;
    try {
      if (!this.config.database.url) {
        // The embedded database serves this one process, so there is no other replica to keep out; and its single
        // session cannot hold the lock's transaction open while the enqueueing checks out a session of its own
        // (that waited forever and took every API request with it).
        // (Enqueueing only: the worker loops below are topped up on this database too.)
        await this.worker.enqueueDue();
      } else {
        await this.tx.run(async (tx) => {
          const [{ locked }] = await tx.query('SELECT pg_try_advisory_xact_lock($1) AS locked', [TICK_LOCK_KEY]);
          // The lock's transaction only keeps other replicas out; enqueueing commits on connections of its own.
          if (locked) await this.tx.detached(() => this.worker.enqueueDue());
        });
      }
    } catch (err) {
      this.logger.error('sync tick failed', { err });
    }
    // Top up worker loops to the configured concurrency; each drains until the queue is empty.
    while (!this.stopping && this.running.size < this.config.sync.workerConcurrency) {
      const loop = this.worker
        .drain({ stop: () => this.stopping })
        .catch((err) => this.logger.error('sync worker failed', { err }));
      this.running.add(loop);
      void loop.finally(() => this.running.delete(loop));
    }
  }
}
