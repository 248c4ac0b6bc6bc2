import 'reflect-metadata';
import { createServer } from 'node:http';
import { ConfigError, loadConfigFromProcess } from './config';
import { createHttpApp } from './http-app';
import { AppLogger } from './platform/logging/app-logger';
import { MetricsRegistry } from './platform/metrics/metrics-registry';

/** The service: HTTP API, scheduler and sync workers, migrations applied at start. */
async function main(): Promise<void> {
  const config = loadConfigFromProcess();
  const app = await createHttpApp({ config, migrateOnStart: true });
  await app.listen(config.port, config.host);
  const logger = app.get(AppLogger);
  logger.info('ordervault listening', { host: config.host, port: config.port, embedded: !config.database.url });
  if (config.metrics.port) {
    // Metrics on their own listener, for a scraper on a private network; the API port no longer serves them.
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
    server.listen(config.metrics.port, config.host);
    process.once('SIGTERM', () => server.close());
    logger.info('metrics listening', { host: config.host, port: config.metrics.port });
  }
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`ordervault failed to start: ${err instanceof Error ? err.name : 'error'}\n`);
  new AppLogger().error('startup failed', { err });
  process.exit(1);
});
