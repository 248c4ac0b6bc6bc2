import { Injectable } from '@nestjs/common';
import { ConnectionsService } from '../connections/connections.service';
import type { ConnectionView } from '../connections/connection.mapper';
import { ConnectorRegistry } from '../marketplaces/connector-registry';
import { Clock } from '../platform/clock/clock';
import { RateBudgetService } from './rate-budget.service';
import { SyncStateRepository } from './sync-state.repository';

/** A connection a sync pass did not run, and why: what a person asks after `sync --once` did nothing. */
export interface SkippedConnection {
  readonly tenantId: string;
  readonly connectionId: string;
  readonly marketplace: string;
  /** not_due, rate_budget, backing_off, auth_failed, needs_configuration, disabled */
  readonly reason: string;
  /** One line for a person, with the instant and the code that explain it. */
  readonly detail: string;
  /** When it will be tried again by itself (null: not until someone acts). */
  readonly until: string | null;
}

/**
 * Explains, per connection, why a pass left it alone. Read-only: the status, the sync state's schedule and
 * last error, and the shared rate budget of the operation a page fetch uses.
 */
@Injectable()
export class SyncSkipReasons {
  constructor(
    private readonly connections: ConnectionsService,
    private readonly states: SyncStateRepository,
    private readonly budgets: RateBudgetService,
    private readonly connectors: ConnectorRegistry,
    private readonly clock: Clock,
  ) {}

  async explain(
    filter: { tenantId?: string; connectionId?: string },
    ran: ReadonlySet<string>,
  ): Promise<SkippedConnection[]> {
    const all = await this.connections.listForSync(filter.tenantId);
    const skipped: SkippedConnection[] = [];
    for (const c of all) {
      if (ran.has(c.connectionId) || (filter.connectionId && c.connectionId !== filter.connectionId)) continue;
      skipped.push(await this.why(c));
    }
    return skipped;
  }

  private async why(c: ConnectionView): Promise<SkippedConnection> {
    const base = { tenantId: c.tenantId, connectionId: c.connectionId, marketplace: c.marketplace };
    switch (c.status) {
      case 'auth_failed':
        return {
          ...base,
          reason: 'auth_failed',
          detail: `auth failed (${c.statusReason ?? 'unknown'}): the seller must authorise the app again`,
          until: null,
        };
      case 'needs_configuration':
        return {
          ...base,
          reason: 'needs_configuration',
          detail: `needs configuration (${c.statusReason ?? ''})`,
          until: null,
        };
      case 'disabled':
        return { ...base, reason: 'disabled', detail: `disabled (${c.statusReason ?? 'disconnected'})`, until: null };
      case 'active':
        break;
    }
    const now = this.clock.nowMs();
    const connector = this.connectors.get(c.marketplace as 'amazon' | 'ebay');
    const budgetWait = await this.budgets.waitMs({
      tenantId: c.tenantId,
      connectionId: c.connectionId,
      operation: connector.pageOperation,
    });
    if (budgetWait > 0) {
      const until = new Date(now + budgetWait).toISOString();
      return { ...base, reason: 'rate_budget', detail: `rate budget empty until ${until}`, until };
    }
    const state = await this.states.get(c.tenantId, c.connectionId);
    const next = state?.nextRunAt ?? null;
    const until = next ? next.toISOString() : null;
    if (state && state.consecutiveFailures > 0 && next && next.getTime() > now) {
      return {
        ...base,
        reason: 'backing_off',
        detail: `backing off after ${state.consecutiveFailures} failure(s), last ${state.lastErrorCode ?? 'unknown'}, until ${until}`,
        until,
      };
    }
    return { ...base, reason: 'not_due', detail: until ? `not due until ${until}` : 'not due', until };
  }
}
