/**
 * `npm run bench -- <name> [--option value ...]`: performance measured beside the raw limit in the same run.
 * `npm run bench -- --help` lists the benchmarks and their options (`bench/bench-args.ts`).
 */
import 'reflect-metadata';
import { loadConfigFromProcess } from '../config';
import { parseBenchArgs } from './bench/bench-args';
import { runIngestBench } from './bench/ingest-bench';
import { runDeliverBench } from './bench/deliver-bench';
import { runDestroyBench } from './bench/destroy-bench';
import { runRevealBench } from './bench/reveal-bench';

async function main(): Promise<number> {
  const args = parseBenchArgs(process.argv.slice(2));
  if (args.kind === 'help') {
    console.log(args.text);
    return 0;
  }
  if (args.kind === 'error') {
    console.error(args.text);
    return 2;
  }
  const url = loadConfigFromProcess().database.url;
  const print = (line: string) => console.log(line);
  const o = args.options;
  if (args.benchmark === 'ingest') {
    await runIngestBench({ databaseUrl: url, pages: o.pages, rounds: o.rounds, print });
  } else if (args.benchmark === 'deliver') {
    await runDeliverBench({
      databaseUrl: url,
      orders: o.orders,
      rounds: o.rounds,
      warmup: o.warmup,
      tenants: o.tenants,
      commits: o.commits,
      print,
    });
  } else if (args.benchmark === 'destroy') {
    await runDestroyBench({
      databaseUrl: url,
      compare: o.compare,
      orders: o.orders,
      workers: o.workers,
      duty: o.duty,
      print,
    });
  } else {
    await runRevealBench({
      databaseUrl: url,
      tenants: o.tenants,
      requests: o.requests,
      concurrency: o.concurrency,
      rounds: o.rounds,
      print,
    });
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
