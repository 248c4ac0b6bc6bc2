import { Injectable } from '@nestjs/common';
import type { CanonicalOrder } from '../marketplaces/canonical-order';
import type { ConnectorContext, MarketplaceConnector } from '../marketplaces/marketplace-connector';
import { MarketplaceError } from '../marketplaces/marketplace-error';
import { Clock } from '../platform/clock/clock';
import type { ClaimedJob } from '../platform/jobs/job-queue';
import type { AppLogger } from '../platform/logging/app-logger';
import { DeadLetterRepository, type ReplaySchedule, type ReplaySettlement } from './dead-letter.repository';
import { alertSetAside, PageCommitter, type PageScope } from './page-committer';
import { RateBudgetService } from './rate-budget.service';

/**
 * Ten a run keeps a caught-up connection's run short and its getOrder use far below
 * the plans (Amazon 0.5/s, burst 30). The first replay waits an hour (a marketplace
 * rarely fixes a record within minutes), then the wait doubles to a day; at 8
 * attempts (about three days of replays) it gives up and leaves the letter to a human.
 */
export const REPLAY_SCHEDULE: ReplaySchedule = {
  perRun: 10,
  firstDelayMs: 3600_000,
  maxDelayMs: 24 * 3600_000,
  maxAttempts: 8,
};

/** What one replay did (part of the run's outcome). */
export interface ReplaySummary {
  readonly fetched: number;
  /** Read fine now: ingested through the page path, their letters resolved ('ingested'). */
  readonly ingested: number;
  readonly stillBroken: number;
  /** The marketplace does not know the order (any more): resolved as 'gone'. */
  readonly gone: number;
  readonly gaveUp: number;
  /** Why it stopped before the due letters ran out: 'budget' (ours), or the marketplace's error code. */
  readonly stoppedBy?: string;
}

/**
 * Dead letters are otherwise only re-read when the marketplace modifies the order
 * again. After a run has completed its window, the replay asks for a few due letters
 * one by one (`fetchOrder`), each call drawn from the shared budget of the order
 * operation, and commits what it learnt as one page through the page path, so
 * sealing, events and dead-letter resolution are exactly those of a sync.
 */
@Injectable()
export class DeadLetterReplayer {
  constructor(
    private readonly deadLetters: DeadLetterRepository,
    private readonly budget: RateBudgetService,
    private readonly committer: PageCommitter,
    private readonly clock: Clock,
  ) {}

  /** Undefined when nothing was due (the usual case: one indexed SELECT). */
  async replay(
    scope: PageScope,
    connector: MarketplaceConnector,
    ctx: ConnectorContext,
    job: ClaimedJob | null,
    log: AppLogger,
  ): Promise<ReplaySummary | undefined> {
    const due = await this.deadLetters.dueForReplay(
      scope.tenantId,
      scope.connectionId,
      this.clock.now(),
      REPLAY_SCHEDULE,
    );
    if (!due.length) return undefined;
    const key = { tenantId: scope.tenantId, connectionId: scope.connectionId, operation: connector.orderOperation };
    const plan = connector.usagePlan(connector.orderOperation);
    const fixed: CanonicalOrder[] = [];
    const stillBroken: Array<{ deadLetterId: string; reasonDetail: string }> = [];
    const gone: string[] = [];
    let stoppedBy: string | undefined;
    for (const letter of due) {
      // Never over budget: without a token the rest waits for a later run (and its own schedule).
      if (!(await this.budget.take(key, plan)).granted) {
        stoppedBy = 'budget';
        break;
      }
      try {
        fixed.push(await connector.fetchOrder(ctx, letter.marketplaceOrderId));
      } catch (err) {
        if (!(err instanceof MarketplaceError)) throw err;
        if (err.kind === 'bad_data') stillBroken.push({ deadLetterId: letter.deadLetterId, reasonDetail: err.message });
        else if (err.kind === 'not_found') gone.push(letter.deadLetterId);
        else {
          // Throttled, failing or unauthorised: says nothing about the order. Stop; the page sync
          // of the next run meets (and handles) whatever is wrong with the connection.
          if (err.kind === 'rate_limited') {
            await this.budget.throttled(key, err.retryAfterMs ?? (await this.budget.restoreMs(key, plan)));
          }
          stoppedBy = err.marketplaceCode;
          log.warn('dead-letter replay stopped by the marketplace', { code: err.marketplaceCode, kind: err.kind });
          break;
        }
      }
    }
    const fetched = fixed.length + stillBroken.length + gone.length;
    if (!fetched) return { fetched, ingested: 0, stillBroken: 0, gone: 0, gaveUp: 0, stoppedBy };
    const settlement: ReplaySettlement = { stillBroken, gone, maxAttempts: REPLAY_SCHEDULE.maxAttempts };
    // No position change: a replayed page is not part of any window.
    const committed = await this.committer.commit(
      scope,
      { orders: fixed, rejected: [], nextPosition: null },
      {},
      job,
      this.clock,
      settlement,
    );
    alertSetAside(log, committed);
    if (committed.gaveUp) log.warn('dead-letter replay gave up on orders', { count: committed.gaveUp });
    return {
      fetched,
      ingested: fixed.length - committed.setAside.length,
      stillBroken: stillBroken.length,
      gone: gone.length,
      gaveUp: committed.gaveUp,
      stoppedBy,
    };
  }
}
