import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config';
import type {
  ConnectorContext,
  FetchedPage,
  MarketplaceConnector,
  SyncWindow,
} from '../marketplaces/marketplace-connector';
import { Clock } from '../platform/clock/clock';
import { JobQueue, LeaseLostError, type ClaimedJob } from '../platform/jobs/job-queue';
import type { AppLogger } from '../platform/logging/app-logger';
import { alertSetAside, PageCommitter, type PageScope } from './page-committer';
import { RateBudgetService, type BudgetKey } from './rate-budget.service';
import { addPage, type RunTotals } from './run-tally';
import { failureCode, SyncFailureHandler } from './sync-failure-handler';
import type { SyncOutcome } from './sync-outcome';
import type { SyncState } from './sync-state.entity';
import { SyncStateRepository } from './sync-state.repository';
import type { SyncTarget } from './sync-target';

/** The fixed facts of one run, as the window reader needs them. */
export interface WindowRun {
  readonly target: SyncTarget;
  readonly scope: PageScope;
  readonly connector: MarketplaceConnector;
  readonly ctx: ConnectorContext;
  readonly budgetKey: BudgetKey;
  readonly job: ClaimedJob | null;
  readonly log: AppLogger;
  /** Pages this run may still take in total (fairness between connections). */
  readonly maxPages: number;
}

/** How reading a window ended. */
export type WindowEnd =
  | { readonly kind: 'completed'; readonly totals: RunTotals }
  | { readonly kind: 'paused'; readonly totals: RunTotals }
  | {
      readonly kind: 'stopped';
      readonly totals: RunTotals;
      readonly result: SyncOutcome['result'];
      readonly nextRunAt: Date;
      readonly errorCode?: string;
    };

/**
 * Reads one window of "modified since" instants page by page: a token from
 * the shared budget, the page through the connector, the page committed with
 * its position (so a crash resumes at the next page). Ends when the window is
 * complete, when the run's page allowance is used up, or at the first failure
 * (recorded by the failure handler).
 */
@Injectable()
export class WindowReader {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly budget: RateBudgetService,
    private readonly committer: PageCommitter,
    private readonly failures: SyncFailureHandler,
    private readonly states: SyncStateRepository,
    private readonly jobs: JobQueue,
    private readonly clock: Clock,
  ) {}

  async read(run: WindowRun, window: SyncWindow, start: SyncState, startTotals: RunTotals): Promise<WindowEnd> {
    const { target, connector } = run;
    let state = start;
    let totals = startTotals;
    // A rejected page position restarts the window once; a second rejection is a failure like any other.
    let restartsLeft = 1;
    while (totals.pages < run.maxPages) {
      const decision = await this.budget.take(run.budgetKey, connector.usagePlan(connector.pageOperation));
      if (!decision.granted) {
        const next = this.later(decision.waitMs);
        await this.states.update(undefined, target.tenantId, target.connectionId, { nextRunAt: next });
        return { kind: 'stopped', totals, result: 'throttled', nextRunAt: next, errorCode: 'budget' };
      }
      let page: FetchedPage;
      try {
        page = await connector.fetchPage(run.ctx, window, state.pagePosition);
        if (page.reportedRate) await this.budget.followReportedRate(run.budgetKey, page.reportedRate);
      } catch (err) {
        const failure = await this.failures.record(err, state, run.budgetKey, connector, target);
        if (failure === 'restart' && restartsLeft-- > 0) {
          run.log.warn('page position rejected; restarting the window from the cursor', { windowFrom: window.from });
          state = { ...state, pagePosition: null, pagesInWindow: 0 };
          await this.states.update(undefined, target.tenantId, target.connectionId, {
            pagePosition: null,
            pagesInWindow: 0,
          });
          continue;
        }
        const result = failure === 'auth' ? 'auth_failed' : failure === 'throttled' ? 'throttled' : 'failed';
        return {
          kind: 'stopped',
          totals,
          result,
          nextRunAt: await this.scheduled(target),
          errorCode: failureCode(err),
        };
      }

      const done = page.nextPosition === null;
      const nextState = positionAfter(window, state, page);
      try {
        const committed = await this.committer.commit(run.scope, page, nextState, run.job, this.clock);
        totals = addPage(totals, committed);
        if (committed.deadLettered) run.log.warn('orders dead-lettered', { count: committed.deadLettered });
        alertSetAside(run.log, committed);
        if (run.job) await this.jobs.renew(run.job, this.config.sync.leaseSeconds * 1000);
      } catch (err) {
        if (err instanceof LeaseLostError) {
          return { kind: 'stopped', totals, result: 'lease_lost', nextRunAt: state.nextRunAt };
        }
        await this.failures.record(err, state, run.budgetKey, connector, target);
        return {
          kind: 'stopped',
          totals,
          result: 'failed',
          nextRunAt: await this.scheduled(target),
          errorCode: failureCode(err),
        };
      }
      if (done) return { kind: 'completed', totals };
      state = { ...state, ...nextState };
    }
    return { kind: 'paused', totals };
  }

  /** When the failure handler scheduled the next run (a minute from now if the state row is gone). */
  private async scheduled(target: SyncTarget): Promise<Date> {
    return (await this.states.get(target.tenantId, target.connectionId))?.nextRunAt ?? this.later(60_000);
  }

  private later(ms: number): Date {
    return new Date(this.clock.nowMs() + ms);
  }
}

/** The sync position after a committed page: the next page of this window, or the cursor at its end. */
function positionAfter(window: SyncWindow, state: SyncState, page: FetchedPage): Partial<SyncState> {
  return page.nextPosition === null
    ? { cursor: window.to, windowFrom: null, windowTo: null, pagePosition: null, pagesInWindow: 0 }
    : {
        windowFrom: window.from,
        windowTo: window.to,
        pagePosition: page.nextPosition,
        pagesInWindow: state.pagesInWindow + 1,
      };
}
