import { Injectable } from '@nestjs/common';
import type { UsagePlan } from '../marketplaces/marketplace-connector';
import { Clock } from '../platform/clock/clock';
import { RateBudgetRepository, type BudgetKey } from './rate-budget.repository';

export type { BudgetKey } from './rate-budget.repository';

export type BudgetDecision = { granted: true } | { granted: false; waitMs: number };

/**
 * Token buckets per (connection, operation) in PostgreSQL, so every replica
 * draws from one bucket. Seeded from the marketplace's published usage plan,
 * following the rate the marketplace reports, and emptied on a throttle.
 * Time comes from the injected clock (replicas are NTP-synchronised; negative
 * elapsed time from skew never adds tokens).
 */
@Injectable()
export class RateBudgetService {
  constructor(
    private readonly budgets: RateBudgetRepository,
    private readonly clock: Clock,
  ) {}

  /** Takes one token if available; otherwise says how long until one is. */
  async take(key: BudgetKey, plan: UsagePlan): Promise<BudgetDecision> {
    const now = this.clock.now();
    await this.budgets.seed(key, plan.rate, plan.burst, now);
    if (await this.budgets.takeOne(key, now)) return { granted: true };
    const row = (await this.budgets.availability(key, now))!; // seeded above
    const blockedMs = row.blocked_until ? new Date(row.blocked_until).getTime() - now.getTime() : 0;
    const refillMs = Number(row.rate) > 0 ? Math.ceil(((1 - Number(row.available)) / Number(row.rate)) * 1000) : 60_000;
    return { granted: false, waitMs: Math.max(blockedMs, refillMs, 1) };
  }

  /**
   * How long until the bucket has a token, without taking one: 0 when one is there (or the bucket does not
   * exist yet: it is created full).
   */
  async waitMs(key: BudgetKey): Promise<number> {
    const now = this.clock.now();
    const row = await this.budgets.availability(key, now);
    if (!row) return 0;
    const blockedMs = row.blocked_until ? new Date(row.blocked_until).getTime() - now.getTime() : 0;
    const available = Number(row.available);
    const refillMs =
      available >= 1 ? 0 : Number(row.rate) > 0 ? Math.ceil(((1 - available) / Number(row.rate)) * 1000) : 60_000;
    return Math.max(blockedMs, refillMs, 0);
  }

  /** The marketplace throttled us: empty the bucket and block until `retryAfterMs` has passed. */
  async throttled(key: BudgetKey, retryAfterMs: number): Promise<Date> {
    const now = this.clock.now();
    const until = new Date(now.getTime() + retryAfterMs);
    await this.budgets.empty(key, now, until);
    return until;
  }

  /** The marketplace told us the current rate (x-amzn-RateLimit-Limit): follow it. */
  async followReportedRate(key: BudgetKey, rate: number): Promise<void> {
    await this.budgets.setRate(key, rate);
  }

  /** One over the rate: the time a single token takes to come back. */
  async restoreMs(key: BudgetKey, plan: UsagePlan): Promise<number> {
    const rate = Number((await this.budgets.rate(key)) ?? plan.rate);
    return Math.ceil(1000 / Math.max(rate, 1e-6));
  }
}
