import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { execute } from '../platform/database/sql';

/** One bucket: a connection's budget for one marketplace operation. */
export interface BudgetKey {
  readonly tenantId: string;
  readonly connectionId: string;
  readonly operation: string;
}

/** Tokens available at `$4` (now): refilled at `rate` per second since `refilled_at`, never above `burst`. */
const REFILL = `LEAST(burst, tokens + rate * GREATEST(0, EXTRACT(EPOCH FROM ($4::timestamptz - refilled_at))))`;

/** The `rate_budgets` token buckets. Each statement is atomic, so replicas drawing from one bucket never overdraw it. */
@Injectable()
export class RateBudgetRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Creates the bucket full, unless it exists. */
  async seed(key: BudgetKey, rate: number, burst: number, now: Date): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO rate_budgets (tenant_id, connection_id, operation, tokens, rate, burst, refilled_at)
       VALUES ($1, $2, $3, $5, $4, $5, $6) ON CONFLICT (tenant_id, connection_id, operation) DO NOTHING`,
      [key.tenantId, key.connectionId, key.operation, rate, burst, now],
    );
  }

  /** Refills and takes one token in one statement; false when none is available or the bucket is blocked. */
  async takeOne(key: BudgetKey, now: Date): Promise<boolean> {
    const taken = await execute(
      this.dataSource.manager,
      `UPDATE rate_budgets SET tokens = ${REFILL} - 1, refilled_at = GREATEST(refilled_at, $4::timestamptz)
        WHERE tenant_id = $1 AND connection_id = $2 AND operation = $3
          AND (blocked_until IS NULL OR blocked_until <= $4::timestamptz)
          AND ${REFILL} >= 1
        RETURNING tokens`,
      [key.tenantId, key.connectionId, key.operation, now],
    );
    return taken.rowCount === 1;
  }

  /** Tokens available now, the rate, and the end of a block, if any. */
  async availability(
    key: BudgetKey,
    now: Date,
  ): Promise<{ available: string | number; rate: string | number; blocked_until: Date | string | null } | undefined> {
    const [row] = await this.dataSource.query(
      `SELECT ${REFILL} AS available, rate, blocked_until FROM rate_budgets
        WHERE tenant_id = $1 AND connection_id = $2 AND operation = $3`,
      [key.tenantId, key.connectionId, key.operation, now],
    );
    return row;
  }

  /** Empties the bucket and blocks it until `until` (a later block already set stays). */
  async empty(key: BudgetKey, now: Date, until: Date): Promise<void> {
    await this.dataSource.query(
      `UPDATE rate_budgets SET tokens = 0, refilled_at = $4, blocked_until = GREATEST(COALESCE(blocked_until, $4), $5)
        WHERE tenant_id = $1 AND connection_id = $2 AND operation = $3`,
      [key.tenantId, key.connectionId, key.operation, now, until],
    );
  }

  async setRate(key: BudgetKey, rate: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE rate_budgets SET rate = $4 WHERE tenant_id = $1 AND connection_id = $2 AND operation = $3 AND rate <> $4`,
      [key.tenantId, key.connectionId, key.operation, rate],
    );
  }

  /** The bucket's rate, or undefined when it does not exist yet. */
  async rate(key: BudgetKey): Promise<string | number | undefined> {
    const [row] = await this.dataSource.query(
      `SELECT rate FROM rate_budgets WHERE tenant_id = $1 AND connection_id = $2 AND operation = $3`,
      [key.tenantId, key.connectionId, key.operation],
    );
    return row?.rate;
  }
}
