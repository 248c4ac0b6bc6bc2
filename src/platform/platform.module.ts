import { DynamicModule, Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { DataSource, type MixedList } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config';
import { Clock, SystemClock } from './clock/clock';
import { Mailer, mailerFor } from './mail/mailer';
import type { DatabaseTarget } from './database/database-target';
import { openDataSource, type DataSourceParts, type OpenedDataSource } from './database/data-source.factory';
import { runMigrations } from './database/migration-runner';
import { TransactionManager } from './database/transaction-manager';
import { JobQueue } from './jobs/job-queue';
import { AppLogger } from './logging/app-logger';
import { MetricsRegistry } from './metrics/metrics-registry';

export interface PlatformOptions {
  readonly entities: MixedList<Function>;
  readonly migrations: MixedList<Function>;
  /** Defaults to the configured server or embedded data directory. */
  readonly database?: DatabaseTarget;
  readonly clock?: Clock;
  readonly logger?: AppLogger;
  /** Apply pending migrations while booting (the service does; `migrate` does it explicitly). */
  readonly migrateOnStart?: boolean;
}

export const OPENED_DATABASE = Symbol('OPENED_DATABASE');
export const DATABASE_TARGET = Symbol('DATABASE_TARGET');

export function databaseTargetFor(config: AppConfig): DatabaseTarget {
  return config.database.url
    ? { kind: 'server', url: config.database.url, poolSize: config.database.poolSize, appRole: config.database.appRole }
    : { kind: 'embedded', dataDir: config.database.dataDir };
}

/**
 * Applies migrations as the owner role. With a separate runtime role, a short-lived
 * owner connection migrates and (re)grants the runtime role its privileges.
 */
export async function migrateAs(target: DatabaseTarget, parts: DataSourceParts): Promise<string[]> {
  const owner: DatabaseTarget = target.kind === 'server' ? { ...target, appRole: undefined, poolSize: 2 } : target;
  const db = await openDataSource(owner, parts);
  try {
    const applied = await runMigrations(db.dataSource, owner.kind !== 'server');
    if (target.kind === 'server' && target.appRole) {
      await db.dataSource.query('SELECT ordervault_grant_app_role($1)', [target.appRole]);
    }
    return applied;
  } finally {
    await db.close();
  }
}

@Injectable()
class DatabaseLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(OPENED_DATABASE) private readonly db: OpenedDataSource,
    private readonly logger: AppLogger,
  ) {}

  /** Last: every module's work stopped in `beforeApplicationShutdown`, the HTTP server is closed. */
  async onApplicationShutdown(): Promise<void> {
    await this.db.close();
    this.logger.info('database pool closed');
  }
}

/**
 * Infrastructure every feature module uses: configuration-derived database,
 * transactions, clock and logger. Global because it is the floor of the house,
 * not a grab bag: feature code never lands here.
 */
@Global()
@Module({})
export class PlatformModule {
  static forRoot(options: PlatformOptions): DynamicModule {
    return {
      module: PlatformModule,
      providers: [
        { provide: Clock, useValue: options.clock ?? new SystemClock() },
        {
          provide: AppLogger,
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => options.logger ?? new AppLogger({ level: config.logLevel }),
        },
        {
          provide: DATABASE_TARGET,
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => options.database ?? databaseTargetFor(config),
        },
        {
          provide: OPENED_DATABASE,
          inject: [DATABASE_TARGET, AppLogger],
          useFactory: async (target: DatabaseTarget, logger: AppLogger) => {
            if (options.migrateOnStart && target.kind === 'server' && target.appRole) {
              const applied = await migrateAs(target, options);
              if (applied.length) logger.info('migrations applied', { count: applied.length, applied });
              return openDataSource(target, options);
            }
            const opened = await openDataSource(target, options);
            if (options.migrateOnStart) {
              const applied = await runMigrations(opened.dataSource, target.kind !== 'server');
              if (applied.length) logger.info('migrations applied', { count: applied.length, applied });
            }
            return opened;
          },
        },
        {
          provide: DataSource,
          inject: [OPENED_DATABASE],
          useFactory: (db: OpenedDataSource) => db.dataSource,
        },
        {
          provide: TransactionManager,
          inject: [DataSource],
          useFactory: (ds: DataSource) => new TransactionManager(ds),
        },
        { provide: MetricsRegistry, useFactory: () => new MetricsRegistry({ defaultMetrics: true }) },
        {
          provide: Mailer,
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => mailerFor(config.smtp, config.extraCaPem),
        },
        JobQueue,
        DatabaseLifecycle,
      ],
      exports: [Clock, AppLogger, DataSource, TransactionManager, DATABASE_TARGET, MetricsRegistry, JobQueue, Mailer],
    };
  }
}
