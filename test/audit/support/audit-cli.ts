/**
 * `registerAuditCommands` on its own command line (until the lead wires it into src/cli.ts), with the same
 * exit codes as the real CLI: 0 ok, 1 failure (verification failed, domain error), 2 usage or configuration.
 */
import 'reflect-metadata';
import { Command, CommanderError } from 'commander';
import { registerAuditCommands } from '../../../src/cli/audit-commands';
import { UsageError } from '../../../src/cli/output';
import { ConfigError, loadConfigFromProcess, type AppConfig } from '../../../src/config';
import { DomainError } from '../../../src/platform';

export async function runAuditCli(argv: string[], loadConfig: () => AppConfig = loadConfigFromProcess): Promise<void> {
  const program = new Command('ordervault').exitOverride();
  registerAuditCommands(program, loadConfig);
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode === 0 ? 0 : 2;
    } else if (err instanceof ConfigError || err instanceof UsageError) {
      process.stderr.write(`${err.message}\n`);
      process.exitCode = 2;
    } else if (err instanceof DomainError) {
      process.stderr.write(`error (${err.code}): ${err.message}\n`);
      process.exitCode = err.code === 'validation_failed' ? 2 : 1;
    } else {
      process.stderr.write(`error: ${err instanceof Error ? err.message : 'unexpected failure'}\n`);
      process.exitCode = 1;
    }
  }
}

if (require.main === module) void runAuditCli(process.argv.slice(2));
