import 'reflect-metadata';
import { runService } from './cli/service-process';
import { ConfigError, loadConfigFromProcess } from './config';
import { AppLogger } from './platform/logging/app-logger';

/** The service: HTTP API, scheduler and sync workers, migrations applied at start (see cli/service-process.ts). */
async function main(): Promise<void> {
  await runService(loadConfigFromProcess());
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
