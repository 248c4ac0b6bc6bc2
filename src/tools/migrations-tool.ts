/**
 * Developer and CI tooling for the schema:
 *   check-drift       apply all migrations to a scratch database, then fail if the
 *                     entities still differ from the schema (a migration is missing)
 *   generate <Name>   write migrations/<timestamp>-<Name>.ts with the SQL that would
 *                     close the drift (review it before committing)
 * Uses DATABASE_URL (a scratch database is created and dropped) or, without it,
 * an in-memory embedded database.
 */
import 'reflect-metadata';
import { PGlite } from '@electric-sql/pglite';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Client } from 'pg';
import { MIGRATIONS } from '../../migrations';
import { ALL_ENTITIES } from '../app.entities';
import { loadConfigFromProcess } from '../config';
import { openDataSource } from '../platform/database/data-source.factory';
import type { DatabaseTarget } from '../platform/database/database-target';
import { runMigrations } from '../platform/database/migration-runner';

async function withScratchDatabase<T>(work: (target: DatabaseTarget) => Promise<T>): Promise<T> {
  const url = loadConfigFromProcess().database.url;
  if (!url) {
    const pglite = await PGlite.create();
    try {
      return await work({ kind: 'embedded-instance', pglite });
    } finally {
      await pglite.close();
    }
  }
  const name = `ov_drift_${process.pid}_${Date.now()}`;
  const admin = new Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  try {
    const scratch = new URL(url);
    scratch.pathname = `/${name}`;
    return await work({ kind: 'server', url: scratch.toString(), poolSize: 2 });
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

async function pendingSchemaChanges(target: DatabaseTarget) {
  const db = await openDataSource(target, { entities: ALL_ENTITIES, migrations: MIGRATIONS });
  try {
    await runMigrations(db.dataSource, target.kind !== 'server');
    return await db.dataSource.driver.createSchemaBuilder().log();
  } finally {
    await db.close();
  }
}

const esc = (q: string) => q.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${');

async function main(): Promise<number> {
  const [command, name] = process.argv.slice(2);
  if (command === 'check-drift') {
    const sql = await withScratchDatabase(pendingSchemaChanges);
    if (sql.upQueries.length === 0) {
      console.log(`migrations match the entities (${MIGRATIONS.length} migrations, ${ALL_ENTITIES.length} entities)`);
      return 0;
    }
    console.error('schema drift: the entities need changes no migration makes:');
    for (const q of sql.upQueries) console.error(`  ${q.query}`);
    console.error('run `npm run migration:generate -- <Name>` and review the result');
    return 1;
  }
  if (command === 'generate' && name && /^[A-Z][A-Za-z0-9]+$/.test(name)) {
    const sql = await withScratchDatabase(pendingSchemaChanges);
    if (sql.upQueries.length === 0) {
      console.log('nothing to generate: migrations already match the entities');
      return 0;
    }
    const stamp = Date.now();
    const className = `${name}${stamp}`;
    const up = sql.upQueries.map((q) => `    await q.query(\`${esc(q.query)}\`);`).join('\n');
    const down = sql.downQueries
      .reverse()
      .map((q) => `    await q.query(\`${esc(q.query)}\`);`)
      .join('\n');
    const file = path.resolve(__dirname, '../../../migrations', `${stamp}-${name}.ts`);
    writeFileSync(
      file,
      `import type { MigrationInterface, QueryRunner } from 'typeorm';\n\nexport class ${className} implements MigrationInterface {\n  name = '${className}';\n\n  async up(q: QueryRunner): Promise<void> {\n${up}\n  }\n\n  async down(q: QueryRunner): Promise<void> {\n${down}\n  }\n}\n`,
    );
    console.log(`wrote ${path.relative(process.cwd(), file)}; add it to migrations/index.ts`);
    return 0;
  }
  console.error('usage: migrations-tool check-drift | generate <PascalCaseName>');
  return 2;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
