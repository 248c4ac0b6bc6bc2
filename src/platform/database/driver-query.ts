import { createHash } from 'node:crypto';
import type { EntityManager, QueryRunner } from 'typeorm';
import { QueryFailedError } from 'typeorm';

interface PgResult {
  rows: Array<Record<string, unknown>>;
  rowCount: number | null;
}

interface PgConnection {
  query(sql: string | { name: string; text: string; values: unknown[] }, params?: unknown[]): Promise<PgResult>;
}

export interface DriverQueryOptions {
  /**
   * Run as a named statement, parsed once per connection and then only bound and executed (on a database server;
   * not on the embedded database, see `sharedSessions`): for hot statements whose text never varies (each distinct
   * text stays prepared on its connection for the connection's life, so never for text built per call). Each
   * execution is still planned for its parameters (server connections run with `plan_cache_mode` =
   * `force_custom_plan`, see `openDataSource`): a generic plan made while the tables were small outlived their growth.
   */
  readonly prepare?: boolean;
}

/**
 * Data sources whose connections share one database session (the embedded database: every `pg` client of it talks
 * to the same PGlite session). A client only knows what it prepared itself, so a second client of the same session
 * would prepare a name the session already has and fail: statements there are never prepared.
 */
const sharedSessions = new WeakSet<object>();

/** Marks a data source whose connections share one session (see `sharedSessions`). */
export function markSharedSession(dataSource: object): void {
  sharedSessions.add(dataSource);
}

/** Statement names by text: a name is a digest of the text, so two texts never share one. */
const names = new Map<string, string>();

function statementName(sql: string): string {
  let name = names.get(sql);
  if (!name) {
    name = `ov_${createHash('sha256').update(sql).digest('hex').slice(0, 32)}`;
    names.set(sql, name);
  }
  return name;
}

/**
 * Runs a statement straight on the `pg` connection, skipping TypeORM's
 * per-query wrapping: the transaction's when `tx` has one, else a connection of
 * the pool for this statement alone (it commits on its own). For the statements
 * on the ingestion and delivery hot paths; everything else uses `tx.query`.
 * Errors are wrapped as TypeORM does, so callers see one error shape.
 */
export async function driverQuery<R = Record<string, unknown>>(
  tx: EntityManager,
  sql: string,
  params: unknown[],
  options: DriverQueryOptions = {},
): Promise<{ rows: R[]; rowCount: number }> {
  if (tx.queryRunner) return onRunner<R>(tx.queryRunner, sql, params, options);
  const runner = tx.connection.createQueryRunner();
  try {
    return await onRunner<R>(runner, sql, params, options);
  } finally {
    await runner.release();
  }
}

async function onRunner<R>(
  runner: QueryRunner,
  sql: string,
  params: unknown[],
  options: DriverQueryOptions,
): Promise<{ rows: R[]; rowCount: number }> {
  const connection = (await runner.connect()) as PgConnection | undefined;
  if (!connection || typeof connection.query !== 'function') {
    const result = await runner.query(sql, params, true);
    return { rows: (result.records ?? []) as R[], rowCount: result.affected ?? result.records?.length ?? 0 };
  }
  // Still through TypeORM's logger, so query logging and statement counting see these too.
  runner.connection.logger.logQuery(sql, params, runner);
  const prepare = options.prepare === true && !sharedSessions.has(runner.connection);
  try {
    const result = await connection.query(
      prepare ? { name: statementName(sql), text: sql, values: params } : sql,
      prepare ? undefined : params,
    );
    return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
  } catch (err) {
    throw new QueryFailedError(sql, params, err as Error);
  }
}
