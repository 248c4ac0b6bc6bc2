import { PGlite } from '@electric-sql/pglite';
import { QueryFailedError } from 'typeorm';
import { openDataSource } from '../../src/platform/database/data-source.factory';
import { driverQuery } from '../../src/platform/database/driver-query';
import { useBareDataSource } from '../support/bare-data-source';
import { usingServer } from '../support/test-database';

const NO_PARTS = { entities: [], migrations: [] };
const INSERT = `INSERT INTO driver_probe (n, at) SELECT n, at FROM json_to_recordset($1::json) AS u(n int, at timestamptz)
                RETURNING n`;

/**
 * Hot statements run straight on the driver's connection, some as named (prepared) statements: the same results
 * as through TypeORM, on a transaction's connection and on a pooled one of their own, and a failed statement
 * leaves its connection and the prepared statement usable.
 */
describe.each([
  ['embedded', false],
  ['server', true],
] as const)('driverQuery on the %s database', (_kind, server) => {
  const run = server && !usingServer() ? it.skip : it;
  // On a server, one connection: every statement below reuses the connection its prepared statement lives on.
  const db = useBareDataSource(server ? 'server' : 'embedded', {
    poolSize: 1,
    setupSql: 'CREATE TABLE driver_probe (n int PRIMARY KEY, at timestamptz NOT NULL)',
  });

  const rows = async () =>
    (await db.ds.query('SELECT n, at FROM driver_probe ORDER BY n')) as Array<{ n: number; at: Date }>;
  const json = (ns: number[]) => JSON.stringify(ns.map((n) => ({ n, at: new Date(Date.UTC(2026, 0, 1, 0, 0, n)) })));

  run('a prepared statement runs again and again with new parameters, in and out of transactions', async () => {
    await db.ds.query('TRUNCATE driver_probe');
    const inTx = await db.tm.run((tx) => driverQuery<{ n: number }>(tx, INSERT, [json([1, 2])], { prepare: true }));
    expect(inTx).toEqual({ rows: [{ n: 1 }, { n: 2 }], rowCount: 2 });
    // Outside a transaction: a pooled connection for this statement alone, committed on its own.
    const alone = await driverQuery<{ n: number }>(db.ds.manager, INSERT, [json([3])], { prepare: true });
    expect(alone).toEqual({ rows: [{ n: 3 }], rowCount: 1 });
    for (let n = 4; n <= 9; n++) {
      await db.tm.run((tx) => driverQuery(tx, INSERT, [json([n])], { prepare: true }));
    }
    const stored = await rows();
    expect(stored.map((r) => r.n)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // On a server: prepared once on the one connection, not once per run. On the embedded database, whose
    // connections share one session, never (a second client of the session would prepare the name again).
    const prepared = (await db.ds.query(
      `SELECT name FROM pg_prepared_statements WHERE statement LIKE '%INSERT INTO driver_probe%'`,
    )) as Array<{ name: string }>;
    expect(prepared).toEqual(server ? [{ name: expect.stringMatching(/^ov_[0-9a-f]{32}$/) }] : []);
    expect(stored.map((r) => new Date(r.at).toISOString())).toEqual(
      stored.map((r) => new Date(Date.UTC(2026, 0, 1, 0, 0, r.n)).toISOString()),
    );
  });

  run(
    'a failing statement is a QueryFailedError, rolls its transaction back, and the statement still runs',
    async () => {
      await db.ds.query('TRUNCATE driver_probe');
      await driverQuery(db.ds.manager, INSERT, [json([1])], { prepare: true });
      // A duplicate key fails at execution; bad input fails at bind time.
      await expect(
        db.tm.run(async (tx) => {
          await driverQuery(tx, INSERT, [json([2])], { prepare: true });
          await driverQuery(tx, INSERT, [json([1])], { prepare: true });
        }),
      ).rejects.toBeInstanceOf(QueryFailedError);
      await expect(driverQuery(db.ds.manager, INSERT, ['not json'], { prepare: true })).rejects.toBeInstanceOf(
        QueryFailedError,
      );
      expect((await rows()).map((r) => r.n)).toEqual([1]);
      await driverQuery(db.ds.manager, INSERT, [json([2])], { prepare: true });
      await db.tm.run((tx) => driverQuery(tx, INSERT, [json([3])], { prepare: true }));
      expect((await rows()).map((r) => r.n)).toEqual([1, 2, 3]);
    },
  );

  // A generic plan is made once and kept: made while a table was small, it kept scanning the whole table as the table
  // grew (the delivery path's reads and updates by lists of keys, `bench deliver --orders 30000`).
  (server ? run : it.skip)('a prepared statement is planned again for a table that grew', async () => {
    await db.ds.query('CREATE TABLE grow_probe (k int PRIMARY KEY, v text)');
    await db.ds.query(`INSERT INTO grow_probe SELECT n, repeat('x', 40) FROM generate_series(1, 50) n`);
    const lookup = 'SELECT k, v FROM grow_probe WHERE k IN (SELECT * FROM unnest($1::int[]))';
    for (let i = 0; i < 8; i++) await driverQuery(db.ds.manager, lookup, [[1, 2, 3]], { prepare: true });
    await db.ds.query(`INSERT INTO grow_probe SELECT n, repeat('x', 40) FROM generate_series(51, 100000) n`);
    const [{ name }] = (await db.ds.query(`SELECT name FROM pg_prepared_statements WHERE statement = $1`, [
      lookup,
    ])) as Array<{ name: string }>;
    const plan = ((await db.ds.query(`EXPLAIN EXECUTE ${name}('{1,2,3}')`)) as Array<{ 'QUERY PLAN': string }>)
      .map((r) => r['QUERY PLAN'])
      .join('\n');
    expect(plan).toMatch(/Index (Only )?Scan/);
    expect(plan).not.toMatch(/Seq Scan/);
  });

  run('the same text unprepared gives the same result', async () => {
    await db.ds.query('TRUNCATE driver_probe');
    const plain = await db.tm.run((tx) => driverQuery<{ n: number }>(tx, INSERT, [json([5, 6])]));
    expect(plain).toEqual({ rows: [{ n: 5 }, { n: 6 }], rowCount: 2 });
  });
});

/** Two data sources over one embedded session (a CLI command that opens the database twice) share its statements. */
it('two data sources over one embedded session run the same hot statement', async () => {
  const pglite = await PGlite.create();
  const first = await openDataSource({ kind: 'embedded-instance', pglite }, NO_PARTS);
  try {
    await first.dataSource.query('CREATE TABLE driver_probe (n int PRIMARY KEY, at timestamptz NOT NULL)');
    await driverQuery(first.dataSource.manager, INSERT, [JSON.stringify([{ n: 1, at: new Date() }])], {
      prepare: true,
    });
    await first.close();
    const second = await openDataSource({ kind: 'embedded-instance', pglite }, NO_PARTS);
    try {
      await driverQuery(second.dataSource.manager, INSERT, [JSON.stringify([{ n: 2, at: new Date() }])], {
        prepare: true,
      });
      expect(await second.dataSource.query('SELECT n FROM driver_probe ORDER BY n')).toEqual([{ n: 1 }, { n: 2 }]);
    } finally {
      await second.close();
    }
  } finally {
    await pglite.close();
  }
});
