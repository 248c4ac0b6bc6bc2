import type { EntityManager } from 'typeorm';
import { QueryFailedError } from 'typeorm';

interface PgResult {
  rows: Array<Record<string, unknown>>;
  rowCount: number | null;
}

interface PgConnection {
  query(sql: string, params?: unknown[]): Promise<PgResult>;
}

/**
 * Runs a statement straight on the transaction's `pg` connection, skipping
 * TypeORM's per-query wrapping. For the few statements on the ingestion hot
 * path (run once per page of 100 orders); everything else uses `tx.query`.
 * Errors are wrapped as TypeORM does, so callers see one error shape.
 */
export async function driverQuery<R = Record<string, unknown>>(
  tx: EntityManager,
  sql: string,
  params: unknown[],
): Promise<{ rows: R[]; rowCount: number }> {
  const connection = (tx.queryRunner as unknown as { databaseConnection?: PgConnection } | undefined)
    ?.databaseConnection;
  if (!connection) {
    const rows = await tx.query(sql, params);
    return { rows: Array.isArray(rows) ? rows : [], rowCount: Array.isArray(rows) ? rows.length : 0 };
  }
  // Still through TypeORM's logger, so query logging and statement counting see these too.
  tx.connection.logger.logQuery(sql, params, tx.queryRunner);
  try {
    const result = await connection.query(sql, params);
    return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
  } catch (err) {
    throw new QueryFailedError(sql, params, err as Error);
  }
}
