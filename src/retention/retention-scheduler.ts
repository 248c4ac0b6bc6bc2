import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnModuleInit,
} from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { jobActor } from '../auth';
import { APP_CONFIG, type AppConfig } from '../config';
import { ConnectionsService } from '../connections/connections.service';
import { Clock } from '../platform/clock/clock';
import { TransactionManager } from '../platform/database/transaction-manager';
import { JobQueue } from '../platform/jobs/job-queue';
import { AppLogger } from '../platform/logging/app-logger';
import { RetentionMetrics } from './retention-metrics';
import { RetentionSweeper } from './retention-sweep.service';
import { SweepPacer } from './sweep-pacer';

export const RETENTION_QUEUE = 'retention';
/** Advisory-lock key so one replica per tick plans the sweep ('ovrt'). */
const TICK_LOCK_KEY = 0x6f767274;
const INTERVAL_NAME = 'retention-sweep';
const LEASE_MS = 120_000;

/**
 * The scheduled sweep. Each tick, one replica (under an advisory lock) queues
 * one job per tenant with orders (buyer data due, order records expired) and expires dead-letter payloads
 * without an order id; then every replica drains the queue, so a large
 * backlog is shared (batches are claimed with SKIP LOCKED; the job's lease is
 * renewed before every batch, and a lost lease stops the worker between
 * batches). Off where the sync scheduler is off (CLI one-shots, tests).
 */
@Injectable()
export class RetentionScheduler implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  /** Identifies this process in job leases (host and a random suffix; no secrets). */
  readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private stopping = false;
  private running: Promise<unknown> | null = null;
  /** Ended-connection sweeps started by a disconnection, per tenant (at most one each at a time). */
  private readonly endedSweeps = new Map<string, Promise<void>>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly registry: SchedulerRegistry,
    private readonly transactions: TransactionManager,
    private readonly sweeper: RetentionSweeper,
    private readonly metrics: RetentionMetrics,
    private readonly jobs: JobQueue,
    private readonly clock: Clock,
    private readonly logger: AppLogger,
    private readonly connections: ConnectionsService,
  ) {}

  /** A disconnection without grace: its buyer data goes now, not at the next tick (the tick is the safety net). */
  onModuleInit(): void {
    this.connections.whenBuyerDataDue((tenantId) => this.sweepEndedConnectionsSoon(tenantId));
  }

  /** Starts (in the background) destroying the tenant's ended connections that are due; errors are logged. */
  sweepEndedConnectionsSoon(tenantId: string): void {
    if (this.stopping || this.endedSweeps.has(tenantId)) return;
    const run = this.sweeper
      .sweepEndedConnections(jobActor('retention-sweep'), tenantId, this.clock.now())
      .then(() => undefined)
      .catch((err) => this.logger.error('destroying an ended connection’s buyer data failed', { tenantId, err }))
      .finally(() => this.endedSweeps.delete(tenantId));
    this.endedSweeps.set(tenantId, run);
  }

  /** Resolves when no ended-connection sweep started here is running. */
  async endedConnectionsIdle(): Promise<void> {
    while (this.endedSweeps.size) await Promise.all([...this.endedSweeps.values()]);
  }

  onApplicationBootstrap(): void {
    if (!this.config.sync.schedulerEnabled) return;
    const handle = setInterval(() => void this.runTick(), this.config.retention.sweepSeconds * 1000);
    this.registry.addInterval(INTERVAL_NAME, handle);
    void this.runTick();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.registry.doesExist('interval', INTERVAL_NAME)) this.registry.deleteInterval(INTERVAL_NAME);
    await this.running?.catch(() => undefined);
    await this.endedConnectionsIdle();
  }

  /** Plans (one replica per tick) and then drains this replica's share. Returns the tenants swept here. */
  async tick(): Promise<number> {
    await this.plan();
    return this.drain();
  }

  /** Under the cluster lock: a job per tenant with orders (deduplicated per tenant). */
  async plan(): Promise<number> {
    return this.transactions.run(async (tx) => {
      const [{ locked }] = await tx.query('SELECT pg_try_advisory_xact_lock($1) AS locked', [TICK_LOCK_KEY]);
      if (!locked) return 0;
      let added = 0;
      for (const tenantId of await this.sweeper.tenantsToSweep(tx)) {
        if (await this.jobs.enqueue(RETENTION_QUEUE, tenantId, { tenantId, payload: { tenantId } }, tx)) added++;
      }
      return added;
    });
  }

  /** Claims tenant jobs until none is left; each is swept to the end of its due backlog. */
  async drain(): Promise<number> {
    let swept = 0;
    const by = jobActor('retention-sweep');
    // One pacer for the whole drain: tenants swept one after another are paced as one sweep.
    const pacer = new SweepPacer(this.config.retention.dutyPercent);
    while (!this.stopping) {
      const job = await this.jobs.claim(RETENTION_QUEUE, this.owner, LEASE_MS);
      if (!job) break;
      const tenantId = String(job.payload.tenantId);
      try {
        await this.sweeper.sweepTenant(by, tenantId, this.clock.now(), {
          pacer,
          beforeBatch: () => this.jobs.renew(job, LEASE_MS),
          onBatch: (b) => this.metrics.swept(b),
        });
        swept++;
      } catch (err) {
        this.logger.error('retention sweep of a tenant failed', { tenantId, err });
      } finally {
        await this.jobs.complete(job).catch(() => undefined);
      }
    }
    return swept;
  }

  private async runTick(): Promise<void> {
    if (this.stopping || this.running) return;
    // Wall time of the work, not the injected clock (which a test or rehearsal may hold still).
    const started = performance.now();
    const run = this.tick()
      // Every replica may run it: letters are claimed with SKIP LOCKED.
      .then(() => this.sweeper.expireUnidentifiedLetters(jobActor('retention-sweep'), this.clock.now()))
      .catch((err) => this.logger.error('retention tick failed', { err }))
      .finally(() => {
        this.metrics.sweepTook((performance.now() - started) / 1000);
        this.running = null;
      });
    this.running = run;
    await run;
  }
}
