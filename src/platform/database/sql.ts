import type { EntityManager } from 'typeorm';

export interface SqlResult<R> {
  rows: R[];
  rowCount: number;
}

/**
 * Runs a statement and returns rows and affected-row count in one shape,
 * whatever the command (TypeORM returns `[rows, count]` for UPDATE/DELETE and
 * bare rows otherwise). Joins the manager's transaction when it has one.
 */
export async function execute<R = Record<string, unknown>>(
  manager: EntityManager,
  sql: string,
  params: unknown[] = [],
): Promise<SqlResult<R>> {
  const runner = manager.queryRunner ?? manager.connection.createQueryRunner();
  try {
    const result = await runner.query(sql, params, true);
    return { rows: (result.records ?? []) as R[], rowCount: result.affected ?? result.records?.length ?? 0 };
  } finally {
    if (!manager.queryRunner) await runner.release();
  }
}
