import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { DataSource, type DataSourceOptions, type MixedList } from 'typeorm';
import type { DatabaseTarget } from './database-target';
import { markSharedSession } from './driver-query';
import { openEmbeddedPostgres } from './embedded-postgres';
import { SnakeNamingStrategy } from './snake-naming.strategy';

export interface DataSourceParts {
  readonly entities: MixedList<Function>;
  readonly migrations: MixedList<Function>;
}

export interface OpenedDataSource {
  readonly dataSource: DataSource;
  /** Closes the pool and, for an embedded database we opened, the database itself. */
  close(): Promise<void>;
}

/**
 * Builds a TypeORM DataSource for the target. Never `synchronize`: the schema
 * comes only from migrations.
 */
export async function openDataSource(target: DatabaseTarget, parts: DataSourceParts): Promise<OpenedDataSource> {
  const common = {
    type: 'postgres',
    entities: parts.entities,
    migrations: parts.migrations,
    migrationsTableName: 'schema_migrations',
    // gen_random_uuid() is core PostgreSQL (13+) and exists in PGlite; uuid-ossp does not.
    uuidExtension: 'pgcrypto',
    migrationsRun: false,
    synchronize: false,
    namingStrategy: new SnakeNamingStrategy(),
    logging: false,
  } as const;

  if (target.kind === 'server') {
    const dataSource = new DataSource({
      ...common,
      url: target.url,
      poolSize: target.poolSize,
      applicationName: 'ordervault',
      extra: { idleTimeoutMillis: 30000, options: connectionOptions(target.appRole) },
    } satisfies DataSourceOptions);
    await dataSource.initialize();
    return { dataSource, close: () => dataSource.destroy() };
  }

  let release = () => {};
  let pglite;
  if (target.kind === 'embedded') {
    ({ pglite, release } = await openEmbeddedPostgres(target.dataDir));
  } else {
    pglite = target.pglite;
  }
  // PGlite is one session: a pool of one serialises every checkout, so each
  // transaction owns the session until it commits or rolls back.
  const dataSource = new DataSource({
    ...common,
    poolSize: 1,
    extra: { ...createPgConfig(pglite), idleTimeoutMillis: 0 },
  } as DataSourceOptions);
  markSharedSession(dataSource);
  await dataSource.initialize();
  const owned = target.kind === 'embedded';
  return {
    dataSource,
    close: async () => {
      await dataSource.destroy();
      if (owned) {
        await pglite.close();
        release();
      }
    },
  };
}

/**
 * Settings of every server connection, from its start:
 * - the runtime role (if any), so no statement runs as the owner;
 * - a plan for each execution of a prepared statement (`driverQuery`'s `prepare`), made for its parameters and the
 *   tables as they are then. The default lets PostgreSQL switch to one generic plan after five executions, and on
 *   the delivery path that plan was made while the tables were small: it kept hash-joining a sequential scan of
 *   `deliveries` and `data_keys` as they grew (`bench deliver --orders 30000`: the lease statement 2.9 → 5.4 ms,
 *   the data keys' read 0.3 → 2.0 ms per call). Parsing is still saved.
 * - `random_page_cost` 1.1, PostgreSQL's own advice for storage whose random reads cost little more than sequential
 *   ones (solid-state disks, or a working set held in memory). The delivery path joins a JSON list of keys to
 *   `deliveries` and `outbox_events`, which the planner takes for 100 rows; at the default of 4, 100 primary-key
 *   probes cost more than a sequential scan of a table below about 15,000 rows, so every claim and record scanned
 *   the whole table (a young table, or a small seller's: the plan flips as it grows). `bench deliver` (Node 24, two
 *   runs each): statement time 3.4 / 3.2 → 2.7 / 2.8 s, PostgreSQL's CPU 282 / 277 → 258 / 260 µs a webhook with
 *   autovacuum on; 3.6 / 3.4 → 2.7 / 2.6 s, 303 / 323 → 257 / 223 µs with it off.
 */
function connectionOptions(appRole: string | undefined): string {
  return [
    '-c plan_cache_mode=force_custom_plan',
    '-c random_page_cost=1.1',
    ...(appRole ? [`-c role=${appRole}`] : []),
  ].join(' ');
}
