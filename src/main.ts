import 'reflect-metadata';
import { ConfigError, loadConfigFromProcess } from './config';
import { createHttpApp } from './http-app';
import { AppLogger } from './platform/logging/app-logger';

/** The service: HTTP API, scheduler and sync workers, migrations applied at start. */
async function main(): Promise<void> {
  const config = loadConfigFromProcess();
  const app = await createHttpApp({ config, migrateOnStart: true });
  await app.listen(config.port);
  app.get(AppLogger).info('ordervault listening', { port: config.port, embedded: !config.database.url });
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
