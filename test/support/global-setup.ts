/**
 * Prepares one migrated template database per test run:
 *  - with DATABASE_URL: a server database `ovt_tpl_<run>` that each test file
 *    clones with CREATE DATABASE … TEMPLATE (seconds saved per file, same schema);
 *  - without it: an embedded PGlite data directory dumped to a tarball that each
 *    test file loads into its own in-memory instance.
 */
import 'reflect-metadata';
import { PGlite } from '@electric-sql/pglite';
import { writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { MIGRATIONS } from '../../migrations';
import { ALL_ENTITIES } from '../../src/app.entities';
import { openDataSource } from '../../src/platform/database/data-source.factory';
import { runMigrations } from '../../src/platform/database/migration-runner';
import { TEST_ENV } from './test-env';

export default async function globalSetup(): Promise<void> {
  const run = `${process.pid}_${Date.now().toString(36)}`;
  const url = process.env.DATABASE_URL;
  if (url) {
    const template = `ovt_tpl_${run}`;
    const admin = new Client({ connectionString: url });
    await admin.connect();
    // Leftovers of runs that were killed before their teardown: only those whose process is
    // gone, so two test runs against one server (two developers, CI) never drop each other's.
    const stale = await admin.query(`SELECT datname FROM pg_database WHERE datname LIKE 'ovt\\_%'`);
    for (const { datname } of stale.rows as Array<{ datname: string }>) {
      const pid = Number(/^ovt_(?:tpl_)?(\d+)_/.exec(datname)?.[1]);
      if (!pid || pid === process.pid || processAlive(pid)) continue;
      await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`).catch(() => undefined);
    }
    await admin.query(`CREATE DATABASE ${template}`);
    await admin.end();
    const db = await openDataSource(
      { kind: 'server', url: withDatabase(url, template), poolSize: 2 },
      { entities: ALL_ENTITIES, migrations: MIGRATIONS },
    );
    await runMigrations(db.dataSource, false);
    await db.close();
    process.env[TEST_ENV.templateDb] = template;
  } else {
    const pglite = await PGlite.create();
    const db = await openDataSource(
      { kind: 'embedded-instance', pglite },
      { entities: ALL_ENTITIES, migrations: MIGRATIONS },
    );
    await runMigrations(db.dataSource, true);
    await db.close();
    const dump = await pglite.dumpDataDir('none');
    await pglite.close();
    const file = path.join(os.tmpdir(), `ovt_pglite_${run}.tar`);
    writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
    process.env[TEST_ENV.pgliteTemplate] = file;
  }
  process.env[TEST_ENV.runId] = run;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
