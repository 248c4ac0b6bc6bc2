import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { UsagePlan } from '../marketplaces/marketplace-connector';
import { Clock } from '../platform/clock/clock';
import { execute } from '../platform/database/sql';

export interface BudgetKey {
  readonly tenantId: string;
  readonly connectionId: string;
  readonly operation: string;
}

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
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  /** Takes one token if available; otherwise says how long until one is. */
  async take(key: BudgetKey, plan: UsagePlan): Promise<BudgetDecision> {
    const now = this.clock.now();
    await this.dataSource.query(
      `INSERT INTO rate_budgets (tenant_id, connection_id, operation, tokens, rate, burst, refilled_at)
       VALUES ($1, $2, $3, $5, $4, $5, $6) ON CONFLICT (tenant_id, connection_id, operation) DO NOTHING`,
      [key.tenantId, key.connectionId, key.operation, plan.rate, plan.burst, now],
    );
    const refill = `LEAST(burst, tokens + rate * GREATEST(0, EXTRACT(EPOCH FROM ($4::timestamptz - refilled_at))))`;
    const taken = await execute(
      this.dataSource.manager,
      `UPDATE rate_budgets SET tokens = ${refill} - 1, refilled_at = GREATEST(refilled_at, $4::timestamptz)
        WHERE tenant_id = $1 AND connection_id = $2 AND operation = $3
          AND (blocked_until IS NULL OR blocked_until <= $4::timestamptz)
          AND ${refill} >= 1
        RETURNING tokens`,
      [key.tenantId, key.connectionId, key.operation, now],
    );
    if (taken.rowCount === 1) return { granted: true };
    const [row] = await this.dataSource.query(
      `SELECT ${refill} AS available, rate, blocked_until FROM rate_budgets
        WHERE tenant_id = $1 AND connection_id = $2 AND operation = $3`,
      [key.tenantId, key.connectionId, key.operation, now],
    );
    const blockedMs = row.blocked_until ? new Date(row.blocked_until).getTime() - now.getTime() : 0;
    const refillMs = row.rate > 0 ? Math.ceil(((1 - Number(row.available)) / Number(row.rate)) * 1000) : 60_000;
    return { granted: false, waitMs: Math.max(blockedMs, refillMs, 1) };
  }

  /** The marketplace throttled us: empty the bucket and block until `retryAfterMs` has passed. */
  async throttled(key: BudgetKey, retryAfterMs: number): Promise<Date> {
    const now = this.clock.now();
    const until = new Date(now.getTime() + retryAfterMs);
    await this.dataSource.query(
      `UPDATE rate_budgets SET tokens = 0, refilled_at = $4, blocked_until = GREATEST(COALESCE(blocked_until, $4), $5)
        WHERE tenant_id = $1 AND connection_id = $2 AND operation = $3`,
      [key.tenantId, key.connectionId, key.operation, now, until],
    );
    return until;
  }

  /** The marketplace told us the current rate (x-amzn-RateLimit-Limit): follow it. */
  async followReportedRate(key: BudgetKey, rate: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE rate_budgets SET rate = $4 WHERE tenant_id = $1 AND connection_id = $2 AND operation = $3 AND rate <> $4`,
      [key.tenantId, key.connectionId, key.operation, rate],
    );
  }

  /** One over the rate: the time a single token takes to come back. */
  async restoreMs(key: BudgetKey, plan: UsagePlan): Promise<number> {
    const [row] = await this.dataSource.query(
      `SELECT rate FROM rate_budgets WHERE tenant_id = $1 AND connection_id = $2 AND operation = $3`,
      [key.tenantId, key.connectionId, key.operation],
    );
    const rate = Number(row?.rate ?? plan.rate);
    return Math.ceil(1000 / Math.max(rate, 1e-6));
  }
}
