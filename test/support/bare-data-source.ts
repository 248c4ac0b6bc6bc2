import { PGlite } from '@electric-sql/pglite';
import type { DataSource } from 'typeorm';
import { openDataSource, type OpenedDataSource } from '../../src/platform/database/data-source.factory';
import { TransactionManager } from '../../src/platform/database/transaction-manager';
import { createTestDatabase, usingServer, type TestDatabase } from './test-database';

/**
 * A data source with no entities and no migrations, for tests of the database layer itself: on a fresh
 * in-memory embedded database, or on a fresh database of the test server (`poolSize` connections).
 * `close` closes whatever was opened.
 */
async function openBareDataSource(
  kind: 'embedded' | 'server',
  poolSize = 2,
): Promise<{ db: OpenedDataSource; close: () => Promise<void> }> {
  const parts = { entities: [], migrations: [] };
  if (kind === 'server') {
    const testDb: TestDatabase = await createTestDatabase();
    const db = await openDataSource({ ...testDb.target, poolSize } as typeof testDb.target, parts);
    return {
      db,
      close: async () => {
        await db.close();
        await testDb.close();
      },
    };
  }
  const pglite = await PGlite.create();
  const db = await openDataSource({ kind: 'embedded-instance', pglite }, parts);
  return {
    db,
    close: async () => {
      await db.close();
      await pglite.close();
    },
  };
}

/**
 * Inside a `describe`: a bare data source opened before its tests (after `setupSql` ran on it) and closed after
 * them, with a unit-of-work manager over it. On a server without `DATABASE_URL` nothing is opened (the caller skips
 * those tests).
 */
export function useBareDataSource(
  kind: 'embedded' | 'server',
  options: { poolSize: number; setupSql: string },
): { readonly ds: DataSource; readonly tm: TransactionManager } {
  let close: (() => Promise<void>) | null = null;
  let ds: DataSource | null = null;
  let tm: TransactionManager | null = null;
  beforeAll(async () => {
    if (kind === 'server' && !usingServer()) return;
    const opened = await openBareDataSource(kind, options.poolSize);
    close = opened.close;
    ds = opened.db.dataSource;
    tm = new TransactionManager(ds);
    await ds.query(options.setupSql);
  });
  afterAll(async () => {
    await close?.();
  });
  return {
    get ds() {
      if (!ds) throw new Error('the bare data source is not open');
      return ds;
    },
    get tm() {
      if (!tm) throw new Error('the bare data source is not open');
      return tm;
    },
  };
}
