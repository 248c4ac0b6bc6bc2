import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import type { AppConfig } from '../config';
import { createHttpApp } from '../http-app';
import type { Clock } from '../platform/clock/clock';
import { AppLogger } from '../platform/logging/app-logger';
import { MetricsRegistry } from '../platform/metrics/metrics-registry';
import { PRODUCT_VERSION } from '../version';

export interface RunningService {
  readonly app: INestApplication;
  readonly port: number;
}

export interface ServiceOptions {
  readonly clock?: Clock;
  /** Runs after the application closed on SIGTERM/SIGINT (a sandbox stops its simulators). */
  readonly afterClose?: () => Promise<void>;
}

/**
 * The service: HTTP API, scheduler and sync workers, migrations applied at start, a graceful stop on SIGTERM or
 * SIGINT. `npm start` (main.ts) and `ordervault serve [--sandbox]` run it.
 */
export async function runService(config: AppConfig, options: ServiceOptions = {}): Promise<RunningService> {
  const app = await createHttpApp({ config, clock: options.clock, migrateOnStart: true }, { shutdownHooks: false });
  await app.listen(config.port, config.host);
  const logger = app.get(AppLogger);
  const metrics = config.metrics.port ? serveMetrics(app, config) : null;
  const port = ((app.getHttpServer() as Server).address() as AddressInfo | null)?.port ?? config.port;
  logger.info('ordervault started', {
    version: PRODUCT_VERSION,
    node: process.version,
    env: config.env,
    mode: config.mode,
    host: config.host,
    port,
    database: config.database.url ? 'postgresql server (DATABASE_URL)' : `embedded PGlite (${config.database.dataDir})`,
    scheduler: config.sync.schedulerEnabled ? 'on' : 'off',
    // Whether invitation links also go out by email; the relay's host only (its URL may carry a password).
    mailRelay: config.smtp ? `smtp ${config.smtp.url.hostname}` : 'off',
    metricsPort: config.metrics.port,
  });
  stopOnSignals(app, logger, metrics, options.afterClose);
  return { app, port };
}

/** Metrics on their own listener, for a scraper on a private network; the API port no longer serves them. */
function serveMetrics(app: INestApplication, config: AppConfig): Server {
  const registry = app.get(MetricsRegistry);
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    registry.render().then(
      (body) => res.writeHead(200, { 'Content-Type': registry.contentType }).end(body),
      () => res.writeHead(500).end(),
    );
  });
  server.listen(config.metrics.port ?? 0, config.host);
  return server;
}

/**
 * SIGTERM or SIGINT: a graceful stop. `app.close()` runs the modules' shutdown hooks: the schedulers stop
 * enqueueing and claiming, workers finish the job they hold (its lease is completed), the HTTP server stops
 * accepting and finishes its requests, and the database pool closes last. Exit 0 when it is done; a second
 * signal meanwhile exits at once (1) and the leases still held expire for another replica.
 */
function stopOnSignals(
  app: INestApplication,
  logger: AppLogger,
  metrics: Server | null,
  afterClose?: () => Promise<void>,
): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn('second signal during shutdown: exiting now', { signal });
      logger.flush(() => process.exit(1));
      return;
    }
    stopping = true;
    logger.info('shutting down', { signal });
    metrics?.close();
    app
      .close()
      .then(() => afterClose?.())
      .then(
        () => {
          logger.info('ordervault stopped', { signal });
          logger.flush(() => process.exit(0));
        },
        (err: unknown) => {
          logger.error('shutdown failed', { err });
          logger.flush(() => process.exit(1));
        },
      );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
