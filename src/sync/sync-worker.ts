import { Inject, Injectable } from '@nestjs/common';
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { APP_CONFIG, type AppConfig } from '../config';
import { ConnectionsService } from '../connections/connections.service';
import { Clock } from '../platform/clock/clock';
import { JobQueue } from '../platform/jobs/job-queue';
import { AppLogger } from '../platform/logging/app-logger';
import type { SyncOutcome } from './sync-outcome';
import { SyncRunner } from './sync-runner';
import { SyncStateRepository } from './sync-state.repository';

export const SYNC_QUEUE = 'sync';

/**
 * Enqueues due connections and works the queue. Every replica runs the same
 * code; the queue's dedupe key (the connection) and SKIP LOCKED leases make sure
 * one connection is never synced by two workers at once.
 */
@Injectable()
export class SyncWorker {
  /** Identifies this process in job leases (host and a random suffix; no secrets). */
  readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly connections: ConnectionsService,
    private readonly states: SyncStateRepository,
    private readonly jobs: JobQueue,
    private readonly runner: SyncRunner,
    private readonly clock: Clock,
    private readonly logger: AppLogger,
  ) {}

  /**
   * Makes sure every active connection has a sync state, then enqueues those that are due, or with `now`
   * every active one whatever its schedule (the rate budgets still decide whether it may call the marketplace).
   */
  async enqueueDue(tenantId?: string, options: SyncPassFilter = {}): Promise<number> {
    const now = this.clock.now();
    const connections = (await this.connections.listActive()).filter(
      (c) =>
        (!tenantId || c.tenantId === tenantId) && (!options.connectionId || c.connectionId === options.connectionId),
    );
    for (const c of connections) await this.states.ensure(c.tenantId, c.connectionId, now);
    const wanted = new Set(connections.map((c) => c.connectionId));
    const due = options.now ? connections : await this.states.listDue(now);
    let added = 0;
    for (const target of due) {
      if (!wanted.has(target.connectionId)) continue;
      if (
        await this.jobs.enqueue(SYNC_QUEUE, target.connectionId, {
          tenantId: target.tenantId,
          payload: { tenantId: target.tenantId, connectionId: target.connectionId },
        })
      ) {
        added++;
      }
    }
    return added;
  }

  /**
   * Claims and runs queued syncs until none is claimable (or `maxJobs` ran, or `stop()` says so: checked
   * before every claim, so a shutting-down process finishes the run it holds and claims nothing more).
   */
  async drain(options: { tenantId?: string; maxJobs?: number; stop?: () => boolean } = {}): Promise<SyncOutcome[]> {
    const outcomes: SyncOutcome[] = [];
    const leaseMs = this.config.sync.leaseSeconds * 1000;
    while (outcomes.length < (options.maxJobs ?? Number.POSITIVE_INFINITY) && !options.stop?.()) {
      const job = await this.jobs.claim(SYNC_QUEUE, this.owner, leaseMs, { tenantId: options.tenantId });
      if (!job) break;
      const target = { tenantId: String(job.payload.tenantId), connectionId: String(job.payload.connectionId) };
      try {
        outcomes.push(await this.runner.run(target, job));
      } catch (err) {
        this.logger.error('sync run crashed', { ...target, err });
      } finally {
        await this.jobs.complete(job).catch(() => undefined);
      }
    }
    return outcomes;
  }

  /**
   * Syncs everything due now (with `now`: every active connection), to completion: runs that stop early to
   * stay fair ('more') are enqueued again at once. Used by the CLI and the demo.
   */
  async runOnce(tenantId?: string, options: SyncPassFilter = {}): Promise<SyncOutcome[]> {
    const all: SyncOutcome[] = [];
    for (let round = 0; round < 1000; round++) {
      // Only the first round overrides the schedule; later rounds pick up what stopped early ('more').
      await this.enqueueDue(tenantId, { ...options, now: round === 0 && options.now });
      const outcomes = await this.drain({ tenantId });
      all.push(...outcomes);
      if (!outcomes.some((o) => o.result === 'more')) break;
    }
    return all;
  }
}

export interface SyncPassFilter {
  /** Sync regardless of the schedule (not of the rate budgets). */
  readonly now?: boolean;
  /** Only this connection. */
  readonly connectionId?: string;
}
