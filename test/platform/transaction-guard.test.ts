import { QueryOutsideTransactionError } from '../../src/platform/database/transaction-manager';
import { useBareDataSource } from '../support/bare-data-source';
import { usingServer } from '../support/test-database';

/**
 * Inside a unit of work every query goes through its `tx`. Asking the pool for a second connection while the
 * transaction is open waited forever on the embedded database (one session), and on a server holds one
 * connection while waiting for another; it now fails at once and the unit rolls back.
 */
describe.each([
  ['embedded', false],
  ['server', true],
] as const)('a unit of work on the %s database', (_kind, server) => {
  const run = server && !usingServer() ? it.skip : it;
  const db = useBareDataSource(server ? 'server' : 'embedded', {
    poolSize: 2,
    setupSql: 'CREATE TABLE guard_probe (n int)',
  });
  const count = async () => Number((await db.ds.query('SELECT count(*)::int AS n FROM guard_probe'))[0].n);

  run('fails at once when the unit queries outside its transaction, and nothing of it commits', async () => {
    await expect(
      db.tm.run(async (tx) => {
        await tx.query('INSERT INTO guard_probe VALUES (1)');
        await db.ds.query('SELECT 1');
      }),
    ).rejects.toBeInstanceOf(QueryOutsideTransactionError);
    await expect(
      db.tm.run(async (tx) => {
        await tx.query('INSERT INTO guard_probe VALUES (2)');
        await db.tm.manager.createQueryBuilder().select('1', 'one').getRawOne();
      }),
    ).rejects.toBeInstanceOf(QueryOutsideTransactionError);
    expect(await count()).toBe(0);
  });

  run('a transaction started inside another fails the same way', async () => {
    await expect(
      db.tm.run(async (tx) => {
        await tx.query('INSERT INTO guard_probe VALUES (3)');
        await db.tm.run((inner) => inner.query('INSERT INTO guard_probe VALUES (4)'));
      }),
    ).rejects.toBeInstanceOf(QueryOutsideTransactionError);
    expect(await count()).toBe(0);
  });

  run('work the unit started that runs after it committed uses the pool freely', async () => {
    let later: Promise<unknown> = Promise.resolve();
    await db.tm.run(async (tx) => {
      await tx.query('INSERT INTO guard_probe VALUES (5)');
      later = new Promise((resolve) => setTimeout(resolve, 10)).then(() => db.ds.query('SELECT 1 AS one'));
    });
    await expect(later).resolves.toEqual([{ one: 1 }]);
    expect(await count()).toBe(1);
    await db.ds.query('DELETE FROM guard_probe');
  });

  if (server) {
    run('detached work (a lock held across it) runs on a connection of its own', async () => {
      const seen = await db.tm.run(async (tx) => {
        await tx.query('SELECT pg_advisory_xact_lock(42)');
        return db.tm.detached(async () => (await db.ds.query('SELECT count(*)::int AS n FROM guard_probe'))[0].n);
      });
      expect(seen).toBe(0);
    });
  }
});
