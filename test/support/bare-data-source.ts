import { PGlite } from '@electric-sql/pglite';
import { openDataSource, type OpenedDataSource } from '../../src/platform/database/data-source.factory';
import { createTestDatabase, type TestDatabase } from './test-database';

/**
 * A data source with no entities and no migrations, for tests of the database layer itself: on a fresh
 * in-memory embedded database, or on a fresh database of the test server (`poolSize` connections).
 * `close` closes whatever was opened.
 */
export async function openBareDataSource(
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
