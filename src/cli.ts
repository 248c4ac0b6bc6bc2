#!/usr/bin/env node
import 'reflect-metadata';
import { Command, CommanderError, Option } from 'commander';
import { ConfigError, loadConfigFromProcess, type AppConfig } from './config';
import { withAppContext } from './cli/app-context';
import * as cmd from './cli/commands';
import { emit, table, UsageError } from './cli/output';
import { registerAuditCommands } from './cli/audit-commands';
import { registerConsoleCommands } from './cli/console-commands';
import { registerKeyCommands } from './cli/key-commands';
import { registerRetentionCommands } from './cli/retention-commands';
import { registerDeadLetterCommands } from './cli/dead-letter-commands';
import { registerDeliveryCommands } from './cli/delivery-commands';
import { registerOffboardCommand } from './cli/offboarding-commands';
import { registerEndpointCommands } from './cli/endpoint-commands';
import { runSandbox } from './demo/sandbox';
import { runService } from './cli/service-process';
import { runDemo } from './demo/run-demo';
import { DomainError } from './platform/errors/domain-error';
import { databaseTargetFor, migrateAs } from './platform/platform.module';
import { ALL_ENTITIES } from './app.entities';
import { MIGRATIONS } from '../migrations';
import { PRODUCT_VERSION } from './version';

/**
 * `ordervault` command line. Every command runs the same services as the HTTP
 * server. Exit codes: 0 ok, 1 failure, 2 usage or configuration error.
 */
const program = new Command('ordervault')
  .description('Pull marketplace orders, seal buyer data, forward orders by signed webhook.')
  .version(PRODUCT_VERSION, '-V, --version', 'print the version and exit')
  .showHelpAfterError()
  .exitOverride();

const json = () => new Option('--json', 'machine-readable output');
let config: AppConfig | undefined;
const cfg = (): AppConfig => (config ??= loadConfigFromProcess());

function readStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (c) => (data += c));
    process.stdin.on('end', () => resolve(data));
    process.stdin.on('error', reject);
  });
}

program
  .command('migrate')
  .description('apply pending database migrations (safe to run from several replicas at once)')
  .addOption(json())
  .action(async (o: { json?: boolean }) => {
    const applied = await migrateAs(databaseTargetFor(cfg()), { entities: ALL_ENTITIES, migrations: MIGRATIONS });
    emit(!!o.json, { applied }, () => (applied.length ? `applied: ${applied.join(', ')}` : 'schema is up to date'));
  });

const tenant = program.command('tenant').description('sellers (tenants)');
tenant
  .command('create')
  .description('create a tenant')
  .requiredOption('--name <name>', 'display name of the seller')
  .addOption(json())
  .action(async (o: { name: string; json?: boolean }) => {
    const t = await withAppContext(cfg(), (app) => cmd.createTenant(app, o.name));
    emit(!!o.json, t, () => `created tenant ${t.tenantId} (${t.name})`);
  });
tenant
  .command('list')
  .description('list tenants')
  .addOption(json())
  .action(async (o: { json?: boolean }) => {
    const list = await withAppContext(cfg(), (app) => cmd.listTenants(app));
    emit(!!o.json, list, () => table(list.map((t) => ({ ...t }))));
  });
registerOffboardCommand(tenant, cfg);

const staff = program.command('staff').description('staff members (named people; no shared accounts)');
staff
  .command('create')
  .description('create a staff member and print their first API key (shown once)')
  .requiredOption('--name <name>', 'the person')
  .requiredOption('--role <role>', 'admin, support or auditor')
  .addOption(json())
  .action(async (o: { name: string; role: string; json?: boolean }) => {
    const created = await withAppContext(cfg(), (app) => cmd.createStaff(app, o.name, o.role));
    emit(!!o.json, created, () =>
      [
        `created ${created.staff.role} ${created.staff.staffId} (${created.staff.name})`,
        `API key (shown once, store it now): ${created.key.key}`,
      ].join('\n'),
    );
  });
staff
  .command('list')
  .description('list staff members')
  .addOption(json())
  .action(async (o: { json?: boolean }) => {
    const list = await withAppContext(cfg(), (app) => cmd.listStaff(app));
    emit(!!o.json, list, () => table(list.map((m) => ({ ...m }))));
  });

const connection = program.command('connection').description('marketplace connections');
connection
  .command('add')
  .description('add (or re-authorise) a marketplace connection from a refresh token')
  .requiredOption('--tenant <id>', 'tenant id')
  .requiredOption('--marketplace <name>', 'amazon or ebay')
  .requiredOption('--region <region>', 'Amazon region (na, eu, fe) or eBay marketplace id (EBAY_DE)')
  .option('--marketplace-ids <ids>', 'Amazon marketplace ids, comma-separated')
  .requiredOption('--account-id <id>', 'Amazon selling_partner_id or eBay seller id')
  .option('--refresh-token-file <path>', 'file holding the refresh token')
  .option('--refresh-token-stdin', 'read the refresh token from standard input')
  .option('--display-name <name>', 'label for this connection')
  .addOption(json())
  .action(async (o: cmd.ConnectionAddOptions & { json?: boolean }) => {
    const c = await withAppContext(cfg(), (app) => cmd.addConnection(app, o, readStdin));
    emit(!!o.json, c, () => `connection ${c.connectionId} ${c.marketplace}/${c.region} ${c.status}`);
  });
connection
  .command('list')
  .description("list a tenant's connections")
  .requiredOption('--tenant <id>', 'tenant id')
  .addOption(json())
  .action(async (o: { tenant: string; json?: boolean }) => {
    const list = await withAppContext(cfg(), (app) => cmd.listConnections(app, o.tenant));
    emit(!!o.json, list, () => cmd.connectionsTable(list));
  });

program
  .command('sync')
  .description('sync every connection that is due, then print a summary and why the others were not synced')
  .requiredOption('--once', 'run one pass and exit (the server runs sync continuously)')
  .option('--now', 'sync the connections regardless of their schedule (rate budgets still apply)')
  .option('--tenant <id>', 'only this tenant')
  .option('--connection <id>', 'only this connection')
  .addOption(json())
  .action(async (o: cmd.SyncOnceOptions & { json?: boolean }) => {
    const summary = await withAppContext(cfg(), (app) => cmd.syncOnce(app, o));
    emit(!!o.json, summary, () => cmd.syncSummaryText(summary));
    if (summary.runs.some((r) => r.result === 'failed')) process.exitCode = 1;
  });

const keys = program.command('keys').description('key rotation');
keys
  .command('rotate-master')
  .description('rewrap every tenant key under the current master key (old master keys stay usable until done)')
  .option('--generate', 'first add a newly generated key as current to the keyring file')
  .addOption(json())
  .action(async (o: { generate?: boolean; json?: boolean }) => {
    const r = await withAppContext(cfg(), (app) => cmd.rotateMaster(app, !!o.generate));
    emit(!!o.json, r, () => `master rotation: ${JSON.stringify(r)}`);
  });
keys
  .command('rotate-tenant')
  .description("create a new tenant key version and rewrap that tenant's data keys (ciphertext untouched)")
  .requiredOption('--tenant <id>', 'tenant id')
  .addOption(json())
  .action(async (o: { tenant: string; json?: boolean }) => {
    const r = await withAppContext(cfg(), (app) => cmd.rotateTenant(app, o.tenant));
    emit(!!o.json, r, () => `tenant rotation: ${JSON.stringify(r)}`);
  });

registerKeyCommands(program, cfg, json);
registerDeadLetterCommands(program, cfg, json);
registerAuditCommands(program, cfg);
registerConsoleCommands(program, cfg, readStdin);
registerRetentionCommands(program, cfg);
registerDeliveryCommands(program, cfg, json);
registerEndpointCommands(program, cfg, json);

program
  .command('serve')
  .description(
    'run the service (as `npm start`); --sandbox: against in-process marketplace simulators, with a demo seller',
  )
  .option(
    '--sandbox',
    'simulated Amazon and eBay, a demo seller with an API key and a console link, a fresh embedded database',
  )
  .option('--port <n>', 'listen on this port (default PORT, 3000)', (v) => parsePort(v))
  .action(async (o: { sandbox?: boolean; port?: number }) => {
    const config = cfg();
    if (o.sandbox) await runSandbox(config, { port: o.port });
    else await runService(o.port === undefined ? config : { ...config, port: o.port });
  });

program
  .command('demo')
  .description('run the whole pipeline on the embedded database against local marketplace simulators')
  .addOption(json())
  .action(async (o: { json?: boolean }) => {
    const code = await runDemo({ json: !!o.json });
    process.exitCode = code;
  });

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d{1,5}$/.test(value) || port > 65535) throw new UsageError('--port takes a port number (0-65535)');
  return port;
}

async function main(argv: string[]): Promise<void> {
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode === 0 ? 0 : 2;
      return;
    }
    if (err instanceof ConfigError || err instanceof UsageError) {
      process.stderr.write(`${err.message}\n`);
      process.exitCode = 2;
      return;
    }
    if (err instanceof DomainError) {
      process.stderr.write(`error (${err.code}): ${err.message}\n`);
      for (const d of err.details) process.stderr.write(`  - ${d.field ? `${d.field}: ` : ''}${d.issue}\n`);
      process.exitCode = err.code === 'validation_failed' ? 2 : 1;
      return;
    }
    process.stderr.write(`error: ${err instanceof Error ? err.name : 'unexpected failure'}\n`);
    process.exitCode = 1;
  }
}

void main(process.argv);
