import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config';
import { ConnectionsService } from '../connections/connections.service';
import { ConnectorRegistry } from '../marketplaces/connector-registry';
import type {
  ConnectorContext,
  FetchedPage,
  MarketplaceConnector,
  SyncWindow,
} from '../marketplaces/marketplace-connector';
import { MarketplaceError } from '../marketplaces/marketplace-error';
import { DomainError } from '../platform/errors/domain-error';
import { LeaseLostError, type ClaimedJob } from '../platform/jobs/job-queue';
import type { AppLogger } from '../platform/logging/app-logger';
import { DeadLetterReplayer, type ReplaySummary } from './dead-letter-replay';
import { decide } from './failure-policy';
import { alertSetAside, PageCommitter, type PageScope } from './page-committer';
import { RateBudgetService, type BudgetKey } from './rate-budget.service';
import { SyncRunnerServices } from './sync-runner-services';
import type { SyncOutcome } from './sync-outcome';
import type { SyncState } from './sync-state.entity';
import { SyncStateRepository } from './sync-state.repository';

export interface SyncTarget {
  readonly tenantId: string;
  readonly connectionId: string;
}

interface Totals {
  pages: number;
  created: number;
  updated: number;
  cancelled: number;
  unchanged: number;
  deadLettered: number;
}

/** Pages one run may take before yielding the worker to other connections. */
const MAX_PAGES_PER_RUN = 50;

/**
 * Syncs one connection: walks windows of "modified since" instants page by
 * page, commits each page with its position, and turns failures into the one
 * policy (`decide`). Throttling never sleeps in-process: the run ends and the
 * connection is rescheduled for when the shared budget has a token again.
 */
@Injectable()
export class SyncRunner {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly connections: ConnectionsService,
    private readonly connectors: ConnectorRegistry,
    private readonly states: SyncStateRepository,
    private readonly budget: RateBudgetService,
    private readonly committer: PageCommitter,
    private readonly services: SyncRunnerServices,
    private readonly replayer: DeadLetterReplayer,
  ) {}

  async run(target: SyncTarget, job: ClaimedJob | null): Promise<SyncOutcome> {
    const { clock, logger, jobs } = this.services;
    const totals: Totals = { pages: 0, created: 0, updated: 0, cancelled: 0, unchanged: 0, deadLettered: 0 };
    const log = logger.child({ tenantId: target.tenantId, connectionId: target.connectionId });
    let marketplace = 'unknown';
    let replay: ReplaySummary | undefined;
    const finish = async (result: SyncOutcome['result'], nextRunAt: Date, errorCode?: string): Promise<SyncOutcome> => {
      const outcome: SyncOutcome = { ...target, marketplace, ...totals, result, nextRunAt, errorCode, replay };
      this.services.metrics.observe(outcome);
      log.info('sync run finished', { ...totals, result, errorCode, nextRunAt, replay });
      return outcome;
    };

    let loaded: { context: ConnectorContext; marketplace: string; status: string };
    try {
      loaded = await this.connections.connectorContext(target.tenantId, target.connectionId);
    } catch (err) {
      // Unknown connection or destroyed credentials: nothing to do until the seller reconnects.
      return finish('skipped', this.later(86_400_000), err instanceof DomainError ? err.code : 'internal');
    }
    marketplace = loaded.marketplace;
    if (loaded.status !== 'active') return finish('skipped', this.later(86_400_000), loaded.status);
    const connector = this.connectors.get(loaded.marketplace as 'amazon' | 'ebay');
    const ctx = loaded.context;
    await this.states.ensure(target.tenantId, target.connectionId, clock.now());
    let state = (await this.states.get(target.tenantId, target.connectionId))!;
    await this.states.update(undefined, target.tenantId, target.connectionId, { lastAttemptAt: clock.now() });
    const budgetKey: BudgetKey = { ...target, operation: connector.pageOperation };
    let restartedWindow = false;
    let windowCompleted = false;

    while (totals.pages < MAX_PAGES_PER_RUN) {
      // One new window per run: a run that has caught up stops instead of chasing "now".
      const window = windowCompleted ? null : this.windowFor(state, connector);
      if (!window) {
        const next = this.later(this.config.sync.intervalSeconds * 1000);
        await this.states.update(undefined, target.tenantId, target.connectionId, this.successFields(next));
        // Caught up: the rest of this run re-fetches dead letters that are due (none: one SELECT).
        const replayed = await this.replay({ ...target, marketplace: connector.marketplace }, connector, ctx, job, log);
        if (replayed === 'lease_lost') return finish('lease_lost', next);
        replay = replayed;
        return finish('done', next);
      }
      const decision = await this.budget.take(budgetKey, connector.usagePlan(connector.pageOperation));
      if (!decision.granted) {
        const next = this.later(decision.waitMs);
        await this.states.update(undefined, target.tenantId, target.connectionId, { nextRunAt: next });
        return finish('throttled', next, 'budget');
      }
      let page: FetchedPage;
      try {
        page = await connector.fetchPage(ctx, window, state.pagePosition);
        if (page.reportedRate) await this.budget.followReportedRate(budgetKey, page.reportedRate);
      } catch (err) {
        const failure = await this.fail(err, state, budgetKey, connector, target);
        if (failure === 'restart' && !restartedWindow) {
          restartedWindow = true;
          log.warn('page position rejected; restarting the window from the cursor', { windowFrom: window.from });
          state = { ...state, pagePosition: null, pagesInWindow: 0 };
          await this.states.update(undefined, target.tenantId, target.connectionId, {
            pagePosition: null,
            pagesInWindow: 0,
          });
          continue;
        }
        const after = await this.states.get(target.tenantId, target.connectionId);
        const code =
          err instanceof MarketplaceError ? err.marketplaceCode : err instanceof DomainError ? err.code : 'internal';
        const result = failure === 'auth' ? 'auth_failed' : failure === 'throttled' ? 'throttled' : 'failed';
        return finish(result, after?.nextRunAt ?? this.later(60_000), code);
      }

      const done = page.nextPosition === null;
      const nextState: Partial<SyncState> = done
        ? { cursor: window.to, windowFrom: null, windowTo: null, pagePosition: null, pagesInWindow: 0 }
        : {
            windowFrom: window.from,
            windowTo: window.to,
            pagePosition: page.nextPosition,
            pagesInWindow: state.pagesInWindow + 1,
          };
      try {
        const committed = await this.committer.commit(
          { ...target, marketplace: connector.marketplace },
          page,
          nextState,
          job,
          clock,
        );
        totals.pages++;
        totals.created += committed.created;
        totals.updated += committed.updated;
        totals.cancelled += committed.cancelled;
        totals.unchanged += committed.unchanged + committed.stale;
        totals.deadLettered += committed.deadLettered;
        if (committed.deadLettered) log.warn('orders dead-lettered', { count: committed.deadLettered });
        alertSetAside(log, committed);
        if (job) await jobs.renew(job, this.config.sync.leaseSeconds * 1000);
      } catch (err) {
        if (err instanceof LeaseLostError) return finish('lease_lost', state.nextRunAt);
        await this.fail(err, state, budgetKey, connector, target);
        const after = await this.states.get(target.tenantId, target.connectionId);
        return finish(
          'failed',
          after?.nextRunAt ?? this.later(60_000),
          err instanceof DomainError ? err.code : 'internal',
        );
      }
      state = { ...state, ...nextState };
      windowCompleted = done;
    }
    // Fairness: more pages remain; come back right away through the queue.
    const next = clock.now();
    await this.states.update(undefined, target.tenantId, target.connectionId, {
      nextRunAt: next,
      lastErrorCode: null,
      consecutiveFailures: 0,
    });
    return finish('more', next);
  }

  /**
   * Best effort: the window is committed whatever happens here, and letters a failed replay
   * did not settle are still due next run. Only a lost lease ends the run differently.
   */
  private async replay(
    scope: PageScope,
    connector: MarketplaceConnector,
    ctx: ConnectorContext,
    job: ClaimedJob | null,
    log: AppLogger,
  ): Promise<ReplaySummary | undefined | 'lease_lost'> {
    try {
      return await this.replayer.replay(scope, connector, ctx, job, log);
    } catch (err) {
      if (err instanceof LeaseLostError) return 'lease_lost';
      const code = err instanceof DomainError ? err.code : 'internal';
      log.warn('dead-letter replay failed; due letters wait for the next run', { code, err });
      return undefined;
    }
  }

  /** The window to read next: the one in progress, or a new one from the cursor (with overlap) to now. */
  private windowFor(state: SyncState, connector: MarketplaceConnector): SyncWindow | null {
    if (state.windowFrom && state.windowTo) return { from: state.windowFrom, to: state.windowTo };
    const now = this.services.clock.now();
    const from = state.cursor
      ? new Date(state.cursor.getTime() - this.config.sync.overlapSeconds * 1000)
      : new Date(now.getTime() - this.config.sync.initialLookbackDays * 86_400_000);
    const to = connector.maxWindowEnd(now);
    // Nothing new can be asked for yet (the cursor is already at the newest allowed end).
    if (state.cursor && to.getTime() <= state.cursor.getTime()) return null;
    if (to.getTime() <= from.getTime()) return null;
    return { from, to };
  }

  /** Applies the failure policy; returns what the run should do next. */
  private async fail(
    err: unknown,
    state: SyncState,
    budgetKey: BudgetKey,
    connector: MarketplaceConnector,
    target: SyncTarget,
  ): Promise<'restart' | 'auth' | 'throttled' | 'retry'> {
    const { logger } = this.services;
    const kind = err instanceof MarketplaceError ? err.kind : 'internal';
    const code =
      err instanceof MarketplaceError ? err.marketplaceCode : err instanceof DomainError ? err.code : 'internal';
    const failures = state.consecutiveFailures + 1;
    let throttleWait = 0;
    if (kind === 'rate_limited') {
      const restore = await this.budget.restoreMs(budgetKey, connector.usagePlan(connector.pageOperation));
      const until = await this.budget.throttled(budgetKey, (err as MarketplaceError).retryAfterMs ?? restore);
      throttleWait = until.getTime() - this.services.clock.nowMs();
    }
    const action = decide(kind, failures, throttleWait);
    const log = logger.child({ tenantId: target.tenantId, connectionId: target.connectionId });
    if (action.action === 'restart_window') return 'restart';
    if (action.action === 'auth_failed') {
      log.warn('marketplace authorisation failed; connection needs the seller to reconnect', { code });
      await this.connections.markAuthFailed(target.tenantId, target.connectionId, code);
      connector.forget(target.connectionId);
      // The `auth_failed` status is what parks the connection (enqueueDue takes active ones only),
      // so the schedule must not park it too: with next_run_at a day ahead, a seller who re-consents
      // (connect() makes it active again) waited up to 24 h for the next sync. Due now = at once.
      await this.states.update(undefined, target.tenantId, target.connectionId, {
        lastErrorCode: code,
        consecutiveFailures: failures,
        nextRunAt: this.services.clock.now(),
      });
      return 'auth';
    }
    const next = this.later(action.afterMs);
    if (kind === 'rate_limited') log.info('throttled by the marketplace', { code, retryAt: next });
    else log.warn('sync failed; will retry', { code, kind, consecutiveFailures: failures, retryAt: next, err });
    await this.states.update(undefined, target.tenantId, target.connectionId, {
      lastErrorCode: code,
      consecutiveFailures: action.countsAsFailure ? failures : state.consecutiveFailures,
      nextRunAt: next,
    });
    return kind === 'rate_limited' ? 'throttled' : 'retry';
  }

  private successFields(next: Date): Partial<SyncState> {
    return { lastSuccessAt: this.services.clock.now(), lastErrorCode: null, consecutiveFailures: 0, nextRunAt: next };
  }

  private later(ms: number): Date {
    return new Date(this.services.clock.nowMs() + ms);
  }
}
