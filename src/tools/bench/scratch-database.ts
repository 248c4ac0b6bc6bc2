import { PGlite } from '@electric-sql/pglite';
import { Client } from 'pg';
import type { DatabaseTarget } from '../../platform/database/database-target';

/** A throwaway database for a benchmark run: a scratch database on the server, or in-memory PGlite. */
export async function withScratchDatabase<T>(
  url: string | undefined,
  work: (target: DatabaseTarget, label: string) => Promise<T>,
): Promise<T> {
  if (!url) {
    const pglite = await PGlite.create();
    try {
      return await work({ kind: 'embedded-instance', pglite }, 'embedded PGlite (in memory)');
    } finally {
      await pglite.close();
    }
  }
  const name = `ov_bench_${process.pid}_${Date.now()}`;
  const admin = new Client({ connectionString: url });
  await admin.connect();
  const [{ server_version: version }] = (await admin.query('SHOW server_version')).rows;
  await admin.query(`CREATE DATABASE ${name}`);
  try {
    const u = new URL(url);
    u.pathname = `/${name}`;
    return await work({ kind: 'server', url: u.toString(), poolSize: 4 }, `PostgreSQL ${version} server`);
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
