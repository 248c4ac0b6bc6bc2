import { Injectable } from '@nestjs/common';
import { ConnectionsService } from '../connections/connections.service';
import type { MarketplaceConnector } from '../marketplaces/marketplace-connector';
import { isExplicitRevocation, MarketplaceError } from '../marketplaces/marketplace-error';
import { jobActor } from '../auth';
import { Clock } from '../platform/clock/clock';
import { DomainError } from '../platform/errors/domain-error';
import { AppLogger } from '../platform/logging/app-logger';
import { decide } from './failure-policy';
import { RateBudgetService, type BudgetKey } from './rate-budget.service';
import type { SyncState } from './sync-state.entity';
import { SyncStateRepository } from './sync-state.repository';
import type { SyncTarget } from './sync-target';

/** What a run does after a failure was recorded. */
export type FailureResult = 'restart' | 'auth' | 'throttled' | 'retry';

/** The marketplace's or our own code for a failure, as stored in `last_error_code`. */
export const failureCode = (err: unknown): string =>
  err instanceof MarketplaceError ? err.marketplaceCode : err instanceof DomainError ? err.code : 'internal';

/**
 * Applies the failure policy (`decide`) to a connection's sync state: when to
 * retry, whether a failure counts, a throttle recorded on the shared budget, a
 * revoked authorisation parking the connection until the seller reconnects.
 */
@Injectable()
export class SyncFailureHandler {
  constructor(
    private readonly connections: ConnectionsService,
    private readonly states: SyncStateRepository,
    private readonly budget: RateBudgetService,
    private readonly clock: Clock,
    private readonly logger: AppLogger,
  ) {}

  async record(
    err: unknown,
    state: SyncState,
    budgetKey: BudgetKey,
    connector: MarketplaceConnector,
    target: SyncTarget,
  ): Promise<FailureResult> {
    const kind = err instanceof MarketplaceError ? err.kind : 'internal';
    const code = failureCode(err);
    const failures = state.consecutiveFailures + 1;
    let throttleWait = 0;
    if (kind === 'rate_limited') {
      const restore = await this.budget.restoreMs(budgetKey, connector.usagePlan(connector.pageOperation));
      const until = await this.budget.throttled(budgetKey, (err as MarketplaceError).retryAfterMs ?? restore);
      throttleWait = until.getTime() - this.clock.nowMs();
    }
    const action = decide(kind, failures, throttleWait);
    const log = this.logger.child({ tenantId: target.tenantId, connectionId: target.connectionId });
    if (action.action === 'restart_window') return 'restart';
    if (action.action === 'auth_failed') {
      log.warn('marketplace authorisation failed; connection needs the seller to reconnect', { code });
      // An explicit revocation also starts the grace after which the connection's buyer data is destroyed.
      await this.connections.markAuthFailed(jobActor('sync'), target.tenantId, target.connectionId, code, {
        revoked: isExplicitRevocation(err),
      });
      connector.forget(target.connectionId);
      // The `auth_failed` status is what parks the connection (enqueueDue takes active ones only),
      // so the schedule must not park it too: with next_run_at a day ahead, a seller who re-consents
      // (connect() makes it active again) waited up to 24 h for the next sync. Due now = at once.
      await this.states.update(undefined, target.tenantId, target.connectionId, {
        lastErrorCode: code,
        consecutiveFailures: failures,
        nextRunAt: this.clock.now(),
      });
      return 'auth';
    }
    const next = new Date(this.clock.nowMs() + action.afterMs);
    if (kind === 'rate_limited') log.info('throttled by the marketplace', { code, retryAt: next });
    else log.warn('sync failed; will retry', { code, kind, consecutiveFailures: failures, retryAt: next, err });
    await this.states.update(undefined, target.tenantId, target.connectionId, {
      lastErrorCode: code,
      consecutiveFailures: action.countsAsFailure ? failures : state.consecutiveFailures,
      nextRunAt: next,
    });
    return kind === 'rate_limited' ? 'throttled' : 'retry';
  }
}
