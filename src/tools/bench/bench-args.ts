/** The benchmarks `npm run bench` knows, their options, and the parsing of its arguments. */

export interface BenchOption {
  readonly name: string;
  readonly default: number;
  readonly min: number;
  readonly max: number;
  readonly description: string;
}

export interface Benchmark {
  readonly name: string;
  readonly summary: string;
  readonly options: readonly BenchOption[];
}

export const BENCHMARKS: readonly Benchmark[] = [
  {
    name: 'ingest',
    summary:
      'orders/s into sealed rows, data keys and outbox events, vs a raw multi-row INSERT of rows of the same size',
    options: [
      { name: 'pages', default: 20, min: 1, max: 10_000, description: 'simulator pages ingested per round' },
      { name: 'rounds', default: 5, min: 1, max: 1_000, description: 'measured rounds (the median is reported)' },
    ],
  },
  {
    name: 'reveal',
    summary: 'buyer-data reveals/s over HTTP with the access-log entry, vs the same requests with a no-op access log',
    options: [
      { name: 'tenants', default: 4, min: 1, max: 1_000, description: 'tenants (one access-log chain each)' },
      { name: 'requests', default: 600, min: 1, max: 1_000_000, description: 'reveal requests per round' },
      { name: 'concurrency', default: 8, min: 1, max: 1_000, description: 'requests in flight at once' },
      { name: 'rounds', default: 12, min: 1, max: 1_000, description: 'rounds, alternating with and without the log' },
    ],
  },
  {
    name: 'deliver',
    summary:
      'full-mode webhooks/s through fan-out, prepare, sign, POST and record vs the same signed POSTs sent raw; idle commit-to-receiver latency',
    options: [
      {
        name: 'orders',
        default: 6000,
        min: 10,
        max: 1_000_000,
        description: 'order events delivered for the throughput, in all rounds',
      },
      { name: 'rounds', default: 3, min: 1, max: 100, description: 'measured rounds, each pipeline then raw' },
      { name: 'warmup', default: 4000, min: 10, max: 100_000, description: 'orders of the uncounted first round' },
      { name: 'tenants', default: 10, min: 1, max: 100, description: 'tenants, one full-mode endpoint each' },
      { name: 'commits', default: 200, min: 1, max: 100_000, description: 'single-order commits timed for latency' },
    ],
  },
  {
    name: 'destroy',
    summary:
      'overdue orders destroyed/s by the retention sweep (key shredded, columns cleared, event and receipt) vs a raw UPDATE + key DELETE; time to clear a backlog',
    options: [
      { name: 'compare', default: 20_000, min: 100, max: 10_000_000, description: 'orders per side of the comparison' },
      {
        name: 'orders',
        default: 200_000,
        min: 100,
        max: 10_000_000,
        description: 'overdue backlog to clear (1000000 for the 5-minute goal)',
      },
      { name: 'workers', default: 2, min: 1, max: 64, description: 'concurrent sweepers clearing the backlog' },
      {
        name: 'duty',
        default: 25,
        min: 1,
        max: 100,
        description: 'duty cycle of each backlog sweeper, % (RETENTION_SWEEP_DUTY_PERCENT)',
      },
    ],
  },
];

export type BenchArgs =
  | { readonly kind: 'help'; readonly text: string }
  | { readonly kind: 'run'; readonly benchmark: string; readonly options: Readonly<Record<string, number>> }
  | { readonly kind: 'error'; readonly text: string };

const HELP = new Set(['--help', '-h', 'help']);

function optionLines(b: Benchmark): string[] {
  const width = Math.max(...b.options.map((o) => o.name.length)) + 2;
  return b.options.map(
    (o) => `    --${o.name.padEnd(width)} ${o.description} (default ${o.default}, ${o.min}..${o.max})`,
  );
}

/** The usage text: every benchmark with its options, or one benchmark's. */
export function benchUsage(only?: Benchmark): string {
  const list = only ? [only] : BENCHMARKS;
  return [
    `usage: npm run bench -- <benchmark> [--option value ...]${only ? '' : '   (default benchmark: ingest)'}`,
    '',
    'Each benchmark measures ordervault beside the raw limit in the same run. It uses a scratch database',
    'on the server in DATABASE_URL (created and dropped), or an in-memory embedded PostgreSQL without it.',
    '',
    ...list.flatMap((b) => [`  ${b.name}  ${b.summary}`, ...optionLines(b), '']),
    ...list.map(
      (b, i) =>
        `${i ? '         ' : 'example:'} npm run bench -- ${b.name} --${b.options[0].name} ${b.options[0].default * 2}`,
    ),
  ].join('\n');
}

/** `[name] [--option value ...]`, `--help` anywhere; unknown names and options, and bad values, are errors. */
export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const [first, ...rest] = argv;
  if (first !== undefined && HELP.has(first)) return { kind: 'help', text: benchUsage() };
  const name = first === undefined || first.startsWith('--') ? 'ingest' : first;
  const args = first === undefined || first.startsWith('--') ? argv : rest;
  const bench = BENCHMARKS.find((b) => b.name === name);
  if (!bench) return { kind: 'error', text: `unknown benchmark "${name}"\n\n${benchUsage()}` };
  if (args.some((a) => HELP.has(a))) return { kind: 'help', text: benchUsage(bench) };
  const options: Record<string, number> = Object.fromEntries(bench.options.map((o) => [o.name, o.default]));
  for (let i = 0; i < args.length; i += 2) {
    const option = bench.options.find((o) => `--${o.name}` === args[i]);
    if (!option) return { kind: 'error', text: `unknown option "${args[i]}" for ${name}\n\n${benchUsage(bench)}` };
    const raw = args[i + 1];
    const value = raw === undefined ? NaN : Number(raw);
    if (!Number.isInteger(value) || value < option.min || value > option.max) {
      return {
        kind: 'error',
        text: `--${option.name} takes a whole number from ${option.min} to ${option.max}\n\n${benchUsage(bench)}`,
      };
    }
    options[option.name] = value;
  }
  return { kind: 'run', benchmark: name, options };
}
