import { PGlite } from '@electric-sql/pglite';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { MIGRATIONS } from '../../migrations';
import { ALL_ENTITIES } from '../../src/app.entities';
import { openDataSource } from '../../src/platform/database/data-source.factory';
import type { DatabaseTarget } from '../../src/platform/database/database-target';
import { pendingMigrations, runMigrations } from '../../src/platform/database/migration-runner';
import { withDatabase } from '../support/global-setup';
import { usingServer } from '../support/test-database';

const parts = { entities: ALL_ENTITIES, migrations: MIGRATIONS };

describe('migrations', () => {
  it('two replicas starting together apply each migration exactly once (advisory lock)', async () => {
    if (!usingServer()) {
      // Embedded: one process owns the database, so "together" means one after the other: the second is a no-op.
      const pglite = await PGlite.create();
      const target: DatabaseTarget = { kind: 'embedded-instance', pglite };
      const db = await openDataSource(target, parts);
      try {
        expect(await runMigrations(db.dataSource, true)).toHaveLength(MIGRATIONS.length);
        expect(await runMigrations(db.dataSource, true)).toEqual([]);
        expect(await pendingMigrations(db.dataSource)).toEqual([]);
      } finally {
        await db.close();
        await pglite.close();
      }
      return;
    }
    // Server: an empty database (not the migrated template), two data sources racing.
    const url = process.env.DATABASE_URL!;
    const name = `ovt_${process.pid}_mig_${randomBytes(3).toString('hex')}`;
    const admin = new Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const target: DatabaseTarget = { kind: 'server', url: withDatabase(url, name), poolSize: 3 };
    const [a, b] = await Promise.all([openDataSource(target, parts), openDataSource(target, parts)]);
    try {
      const [appliedA, appliedB] = await Promise.all([
        runMigrations(a.dataSource, false),
        runMigrations(b.dataSource, false),
      ]);
      // One replica applied everything, the other waited on the lock and found nothing left.
      expect([appliedA.length, appliedB.length].sort()).toEqual([0, MIGRATIONS.length]);
      const [{ n }] = await a.dataSource.query(`SELECT count(*)::int AS n FROM schema_migrations`);
      expect(n).toBe(MIGRATIONS.length);
      expect(await pendingMigrations(b.dataSource)).toEqual([]);
    } finally {
      await a.close();
      await b.close();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  });
});
