import { PGlite } from '@electric-sql/pglite';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../migrations';
import { ALL_ENTITIES } from '../../src/app.entities';
import { openDataSource } from '../../src/platform/database/data-source.factory';
import type { DatabaseTarget } from '../../src/platform/database/database-target';
import { withDatabase } from './global-setup';
import { TEST_ENV } from './test-env';

export interface TestDatabase {
  /** Give this to AppModule / PlatformModule (server URL or a loaded PGlite instance). */
  readonly target: DatabaseTarget;
  /** Server URL of this test's database (server mode only). */
  readonly url?: string;
  readonly embedded: boolean;
  /** Drops the database (server) or closes the instance (embedded). */
  close(): Promise<void>;
}

export const usingServer = () => Boolean(process.env.DATABASE_URL);

/**
 * A fresh, migrated database for one test file: cloned from the run's template
 * on the server, or loaded from the template dump into a new PGlite instance.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const url = process.env.DATABASE_URL;
  if (url) {
    const template = process.env[TEST_ENV.templateDb];
    const run = process.env[TEST_ENV.runId];
    if (!template || !run) throw new Error('test template database missing: run through jest (global setup)');
    const name = `ovt_${run}_${randomBytes(4).toString('hex')}`;
    const admin = new Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
    await admin.end();
    const dbUrl = withDatabase(url, name);
    return {
      target: { kind: 'server', url: dbUrl, poolSize: 10 },
      url: dbUrl,
      embedded: false,
      close: async () => {
        const c = new Client({ connectionString: url });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.end();
      },
    };
  }
  const tarball = process.env[TEST_ENV.pgliteTemplate];
  if (!tarball) throw new Error('embedded test template missing: run through jest (global setup)');
  const pglite = await PGlite.create({ loadDataDir: new Blob([readFileSync(tarball)]) });
  return {
    target: { kind: 'embedded-instance', pglite },
    embedded: true,
    close: () => pglite.close(),
  };
}

/** A test database with a TypeORM DataSource already open on it (for repository-level tests). */
export async function createTestDataSource(): Promise<{
  db: TestDatabase;
  dataSource: DataSource;
  close(): Promise<void>;
}> {
  const db = await createTestDatabase();
  const opened = await openDataSource(db.target, { entities: ALL_ENTITIES, migrations: MIGRATIONS });
  return {
    db,
    dataSource: opened.dataSource,
    close: async () => {
      await opened.close();
      await db.close();
    },
  };
}
