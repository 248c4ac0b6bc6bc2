import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule, type AppOptions } from '../app.module';
import type { AppConfig } from '../config';
import { AppLogger } from '../platform/logging/app-logger';

/**
 * The application without HTTP, for one CLI command: same modules and services
 * as the server, migrations applied on start (under the advisory lock), the
 * scheduler off so the command alone decides what runs.
 */
export async function withAppContext<T>(
  config: AppConfig,
  work: (app: INestApplicationContext) => Promise<T>,
  options: Partial<AppOptions> = {},
): Promise<T> {
  const quiet: AppConfig = {
    ...config,
    logLevel: config.logLevel === 'info' ? 'warn' : config.logLevel,
    sync: { ...config.sync, schedulerEnabled: false },
    delivery: { ...config.delivery, loopEnabled: false },
  };
  // Command output owns stdout; log lines go to stderr.
  const logger = options.logger ?? new AppLogger({ level: quiet.logLevel, destination: 'stderr' });
  const app = await NestFactory.createApplicationContext(
    AppModule.forRoot({ config: quiet, migrateOnStart: true, logger, ...options }),
    { logger, abortOnError: false },
  );
  try {
    return await work(app);
  } finally {
    await app.close();
  }
}
