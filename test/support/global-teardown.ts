import { rmSync } from 'node:fs';
import { Client } from 'pg';
import { TEST_ENV } from './test-env';

export default async function globalTeardown(): Promise<void> {
  const url = process.env.DATABASE_URL;
  const run = process.env[TEST_ENV.runId];
  if (url && run) {
    const admin = new Client({ connectionString: url });
    await admin.connect();
    const dbs = await admin.query(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`ovt\\_%${run}%`]);
    for (const { datname } of dbs.rows) {
      await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`).catch(() => undefined);
    }
    await admin.end();
  }
  const tarball = process.env[TEST_ENV.pgliteTemplate];
  if (tarball) rmSync(tarball, { force: true });
}
