/**
 * `npm run bench -- <name>`: performance measured beside the raw limit in the same run.
 *   ingest   orders/s into sealed rows + outbox vs a raw multi-row INSERT of rows of the same size
 *   reveal   buyer-data reveals/s with the access-log entry vs the same read without it
 *   destroy  overdue orders destroyed/s by the sweep vs a raw UPDATE + key DELETE; time to clear a backlog
 *            (--compare N per side, --orders N backlog [default 200000; 1000000 for the figure], --workers K)
 * Uses DATABASE_URL (a scratch database is created and dropped) or in-memory embedded PostgreSQL.
 */
import 'reflect-metadata';
import { loadConfigFromProcess } from '../config';
import { runIngestBench } from './bench/ingest-bench';
import { runRevealBench } from './bench/reveal-bench';
import { runDestroyBench } from './bench/destroy-bench';

async function main(): Promise<number> {
  const [name = 'ingest', ...rest] = process.argv.slice(2);
  const flag = (n: string, d: number) => {
    const i = rest.indexOf(`--${n}`);
    return i >= 0 ? Number(rest[i + 1]) : d;
  };
  const url = loadConfigFromProcess().database.url;
  const print = (line: string) => console.log(line);
  if (name === 'ingest') {
    await runIngestBench({ databaseUrl: url, pages: flag('pages', 20), rounds: flag('rounds', 5), print });
    return 0;
  }
  if (name === 'reveal') {
    await runRevealBench({
      databaseUrl: url,
      tenants: flag('tenants', 4),
      requests: flag('requests', 600),
      concurrency: flag('concurrency', 8),
      rounds: flag('rounds', 12),
      print,
    });
    return 0;
  }
  if (name === 'destroy') {
    await runDestroyBench({
      databaseUrl: url,
      compare: flag('compare', 20_000),
      orders: flag('orders', 200_000),
      workers: flag('workers', 2),
      print,
    });
    return 0;
  }
  console.error(`unknown benchmark "${name}" (available: ingest, reveal, destroy)`);
  return 2;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
