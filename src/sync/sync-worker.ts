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

  /** Makes sure every active connection has a sync state, then enqueues those that are due. */
  async enqueueDue(tenantId?: string): Promise<number> {
    const now = this.clock.now();
    const connections = await this.connections.listActive();
    for (const c of connections) {
      if (!tenantId || c.tenantId === tenantId) await this.states.ensure(c.tenantId, c.connectionId, now);
    }
    const active = new Set(connections.map((c) => c.connectionId));
    let added = 0;
    for (const due of await this.states.listDue(now)) {
      if (tenantId && due.tenantId !== tenantId) continue;
      if (!active.has(due.connectionId)) continue;
      if (
        await this.jobs.enqueue(SYNC_QUEUE, due.connectionId, {
          tenantId: due.tenantId,
          payload: { tenantId: due.tenantId, connectionId: due.connectionId },
        })
      ) {
        added++;
      }
    }
    return added;
  }

  /** Claims and runs queued syncs until none is claimable (or `maxJobs` ran). */
  async drain(options: { tenantId?: string; maxJobs?: number } = {}): Promise<SyncOutcome[]> {
    const outcomes: SyncOutcome[] = [];
    const leaseMs = this.config.sync.leaseSeconds * 1000;
    while (outcomes.length < (options.maxJobs ?? Number.POSITIVE_INFINITY)) {
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
   * Syncs everything due now, to completion: runs that stop early to stay fair
   * ('more') are enqueued again at once. Used by the CLI and the demo.
   */
  async runOnce(tenantId?: string): Promise<SyncOutcome[]> {
    const all: SyncOutcome[] = [];
    for (let round = 0; round < 1000; round++) {
      await this.enqueueDue(tenantId);
      const outcomes = await this.drain({ tenantId });
      all.push(...outcomes);
      if (!outcomes.some((o) => o.result === 'more')) break;
    }
    return all;
  }
}
