import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config';
import { ConnectionsService } from '../connections/connections.service';
import { ConnectorRegistry } from '../marketplaces/connector-registry';
import type { MarketplaceConnector, SyncWindow } from '../marketplaces/marketplace-connector';
import { Clock } from '../platform/clock/clock';
import { DomainError } from '../platform/errors/domain-error';
import { LeaseLostError, type ClaimedJob } from '../platform/jobs/job-queue';
import { AppLogger } from '../platform/logging/app-logger';
import { DeadLetterReplayer, type ReplaySummary } from './dead-letter-replay';
import { NO_PAGES, type RunTotals } from './run-tally';
import { SyncMetrics } from './sync-metrics';
import type { SyncOutcome } from './sync-outcome';
import type { SyncState } from './sync-state.entity';
import { SyncStateRepository } from './sync-state.repository';
import type { SyncTarget } from './sync-target';
import { WindowReader, type WindowRun } from './window-reader';

export type { SyncTarget } from './sync-target';

/** Pages one run may take before yielding the worker to other connections. */
const MAX_PAGES_PER_RUN = 50;
const DAY_MS = 86_400_000;

/**
 * Syncs one connection in three steps: load the connection, read one window
 * of "modified since" instants (`WindowReader`: page by page, each committed
 * with its position), and, once caught up, re-fetch dead letters that are due.
 * One new window per run: a run that has caught up stops instead of chasing
 * "now". Throttling never sleeps in-process: the run ends and the connection
 * is rescheduled for when the shared budget has a token again.
 */
@Injectable()
export class SyncRunner {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly connections: ConnectionsService,
    private readonly connectors: ConnectorRegistry,
    private readonly states: SyncStateRepository,
    private readonly reader: WindowReader,
    private readonly replayer: DeadLetterReplayer,
    private readonly clock: Clock,
    private readonly logger: AppLogger,
    private readonly metrics: SyncMetrics,
  ) {}

  async run(target: SyncTarget, job: ClaimedJob | null): Promise<SyncOutcome> {
    const log = this.logger.child({ tenantId: target.tenantId, connectionId: target.connectionId });
    const finish = (f: Omit<SyncOutcome, keyof SyncTarget | keyof RunTotals> & { totals: RunTotals }): SyncOutcome => {
      const { totals, ...rest } = f;
      const outcome: SyncOutcome = { ...target, ...totals, ...rest };
      this.metrics.observe(outcome);
      log.info('sync run finished', {
        ...totals,
        result: f.result,
        errorCode: f.errorCode,
        nextRunAt: f.nextRunAt,
        replay: f.replay,
      });
      return outcome;
    };

    let loaded: Awaited<ReturnType<ConnectionsService['connectorContext']>>;
    try {
      loaded = await this.connections.connectorContext(target.tenantId, target.connectionId);
    } catch (err) {
      // Unknown connection or destroyed credentials: nothing to do until the seller reconnects.
      const errorCode = err instanceof DomainError ? err.code : 'internal';
      return finish({
        marketplace: 'unknown',
        totals: NO_PAGES,
        result: 'skipped',
        nextRunAt: this.later(DAY_MS),
        errorCode,
      });
    }
    const marketplace = loaded.marketplace;
    if (loaded.status !== 'active') {
      return finish({
        marketplace,
        totals: NO_PAGES,
        result: 'skipped',
        nextRunAt: this.later(DAY_MS),
        errorCode: loaded.status,
      });
    }
    const connector = this.connectors.get(marketplace as 'amazon' | 'ebay');
    const run: WindowRun = {
      target,
      scope: { ...target, marketplace: connector.marketplace },
      connector,
      ctx: loaded.context,
      budgetKey: { ...target, operation: connector.pageOperation },
      job,
      log,
      maxPages: MAX_PAGES_PER_RUN,
    };
    await this.states.ensure(target.tenantId, target.connectionId, this.clock.now());
    const state = (await this.states.get(target.tenantId, target.connectionId))!;
    await this.states.update(undefined, target.tenantId, target.connectionId, { lastAttemptAt: this.clock.now() });

    let totals = NO_PAGES;
    const window = this.windowFor(state, connector);
    if (window) {
      const end = await this.reader.read(run, window, state, NO_PAGES);
      if (end.kind === 'stopped') {
        const { kind: _kind, ...stopped } = end;
        return finish({ marketplace, ...stopped });
      }
      if (end.kind === 'paused') {
        // Fairness: more pages remain; come back right away through the queue.
        const next = this.clock.now();
        await this.states.update(undefined, target.tenantId, target.connectionId, {
          nextRunAt: next,
          lastErrorCode: null,
          consecutiveFailures: 0,
        });
        return finish({ marketplace, totals: end.totals, result: 'more', nextRunAt: next });
      }
      totals = end.totals;
    }

    // Caught up: the rest of this run re-fetches dead letters that are due (none: one SELECT).
    const next = this.later(this.config.sync.intervalSeconds * 1000);
    await this.states.update(undefined, target.tenantId, target.connectionId, {
      lastSuccessAt: this.clock.now(),
      lastErrorCode: null,
      consecutiveFailures: 0,
      nextRunAt: next,
    });
    const replay = await this.replay(run);
    if (replay === 'lease_lost') return finish({ marketplace, totals, result: 'lease_lost', nextRunAt: next });
    return finish({ marketplace, totals, result: 'done', nextRunAt: next, replay });
  }

  /**
   * Best effort: the window is committed whatever happens here, and letters a failed replay
   * did not settle are still due next run. Only a lost lease ends the run differently.
   */
  private async replay(run: WindowRun): Promise<ReplaySummary | undefined | 'lease_lost'> {
    try {
      return await this.replayer.replay(run.scope, run.connector, run.ctx, run.job, run.log);
    } catch (err) {
      if (err instanceof LeaseLostError) return 'lease_lost';
      const code = err instanceof DomainError ? err.code : 'internal';
      run.log.warn('dead-letter replay failed; due letters wait for the next run', { code, err });
      return undefined;
    }
  }

  /** The window to read next: the one in progress, or a new one from the cursor (with overlap) to now. */
  private windowFor(state: SyncState, connector: MarketplaceConnector): SyncWindow | null {
    if (state.windowFrom && state.windowTo) return { from: state.windowFrom, to: state.windowTo };
    const now = this.clock.now();
    const from = state.cursor
      ? new Date(state.cursor.getTime() - this.config.sync.overlapSeconds * 1000)
      : new Date(now.getTime() - this.config.sync.initialLookbackDays * DAY_MS);
    const to = connector.maxWindowEnd(now);
    // Nothing new can be asked for yet (the cursor is already at the newest allowed end).
    if (state.cursor && to.getTime() <= state.cursor.getTime()) return null;
    if (to.getTime() <= from.getTime()) return null;
    return { from, to };
  }

  private later(ms: number): Date {
    return new Date(this.clock.nowMs() + ms);
  }
}
