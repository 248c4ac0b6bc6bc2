import type { DataSource } from 'typeorm';

/** Advisory-lock key that serialises migration runs across replicas ('ovmg'). */
export const MIGRATION_LOCK_KEY = 0x6f766d67;

/**
 * Applies pending migrations, each in its own transaction. On a server, a
 * session advisory lock makes replicas that start together take turns: the
 * second waits, then finds nothing left to apply. The embedded database is
 * single-process by construction (directory lock), so it needs no lock.
 */
export async function runMigrations(dataSource: DataSource, embedded: boolean): Promise<string[]> {
  if (embedded) {
    return (await dataSource.runMigrations({ transaction: 'each' })).map((m) => m.name);
  }
  const lock = dataSource.createQueryRunner();
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    return (await dataSource.runMigrations({ transaction: 'each' })).map((m) => m.name);
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await lock.release();
  }
}

/** Names of migrations known to the code but not yet applied. */
export async function pendingMigrations(dataSource: DataSource): Promise<string[]> {
  const table = dataSource.options.migrationsTableName ?? 'migrations';
  const exists = await dataSource.query(`SELECT to_regclass($1) IS NOT NULL AS present`, [table]);
  const applied = new Set<string>(
    exists[0]?.present
      ? (await dataSource.query(`SELECT name FROM ${table}`)).map((r: { name: string }) => r.name)
      : [],
  );
  return dataSource.migrations.map((m) => m.name ?? m.constructor.name).filter((name) => !applied.has(name));
}
