import type { INestApplicationContext } from '@nestjs/common';
import { SingleBar, Presets } from 'cli-progress';
import { Option, type Command } from 'commander';
import { cliActor } from '../auth';
import type { AppConfig } from '../config';
import { parseInstant } from '../platform/validation/instant';
import { isUuid } from '../platform/validation/uuid';
import { RetentionOverview, RetentionSweeper, type RetentionPreview, type SweepSummary } from '../retention';
import { TenantsService } from '../tenants/tenants.service';
import { withAppContext } from './app-context';
import { emit, table, UsageError } from './output';

export interface RetentionCliOptions {
  asOf?: string;
  tenant?: string;
  force?: boolean;
  json?: boolean;
}

/** Where a sweep's progress goes: a bar on a terminal, nothing otherwise. */
export interface SweepProgress {
  start(total: number): void;
  advance(destroyed: number): void;
  stop(): void;
}

/**
 * `--as-of` moves the instant due dates are computed from: for tests and rehearsals. A sweep
 * "as of" a later instant destroys buyer data before it is due, so production refuses it
 * unless the operator says `--force`. A preview only counts, so it takes any instant.
 */
export function parseAsOf(config: AppConfig, text: string | undefined, destroys: boolean, force: boolean) {
  if (text === undefined) return undefined;
  const asOf = parseInstant(text);
  if (!asOf) throw new UsageError('--as-of must be an ISO-8601 instant such as 2026-12-01T00:00:00Z');
  if (destroys && config.env === 'production' && !force) {
    throw new UsageError(
      '--as-of is for tests and rehearsals: in production it would destroy buyer data before it is due (add --force if that is meant)',
    );
  }
  return asOf;
}

async function checkTenant(app: INestApplicationContext, tenant: string | undefined): Promise<void> {
  if (tenant === undefined) return;
  if (!isUuid(tenant)) throw new UsageError('--tenant must be a tenant id (uuid)');
  await app.get(TenantsService).requireTenant(tenant.toLowerCase());
}

export interface RetentionRequest {
  /** Already checked with `parseAsOf`. */
  asOf?: Date;
  tenant?: string;
}

export async function retentionPreview(app: INestApplicationContext, o: RetentionRequest): Promise<RetentionPreview> {
  const asOf = o.asOf;
  await checkTenant(app, o.tenant);
  return app.get(RetentionOverview).preview({ asOf, tenantId: o.tenant?.toLowerCase() });
}

/** One sweep now (what the scheduler does every interval), with its progress reported as batches commit. */
export async function retentionRun(
  app: INestApplicationContext,
  o: RetentionRequest,
  progress?: SweepProgress,
): Promise<SweepSummary> {
  const asOf = o.asOf;
  await checkTenant(app, o.tenant);
  const tenantId = o.tenant?.toLowerCase();
  if (progress) progress.start((await app.get(RetentionOverview).preview({ asOf, tenantId })).totals.due);
  try {
    return await app.get(RetentionSweeper).sweep(cliActor('retention run'), {
      asOf,
      tenantId,
      onBatch: (b) => progress?.advance(b.destroyed),
    });
  } finally {
    progress?.stop();
  }
}

export function previewText(p: RetentionPreview): string {
  return [
    `as of ${p.asOf}: ${p.totals.withBuyerData} orders hold buyer data, ${p.totals.due} due for destruction` +
      (p.totals.held ? `, ${p.totals.held} due but under a legal hold` : '') +
      `; ${p.totals.recordsDue} order records past their bookkeeping period due for deletion` +
      (p.totals.recordsHeld ? `, ${p.totals.recordsHeld} kept by a legal hold` : ''),
    table(
      p.rows.map((r) => ({
        tenant: r.tenantId,
        marketplace: r.marketplace,
        window: `${r.windowDays}d`,
        buyerData: r.withBuyerData,
        due: r.due,
        held: r.held,
        earliestDue: r.earliestDueAt,
        records: `${r.recordMonths}mo`,
        recordsDue: r.recordsDue,
        recordsHeld: r.recordsHeld,
      })),
    ),
  ].join('\n');
}

export function sweepText(s: SweepSummary): string {
  const rows = s.tenants
    .filter((t) => t.batches > 0 || t.heldWholeTenant)
    .map((t) => ({
      tenant: t.tenantId,
      amazon: t.destroyed.amazon,
      ebay: t.destroyed.ebay,
      recordsAmazon: t.recordsExpired.amazon,
      recordsEbay: t.recordsExpired.ebay,
      batches: t.batches,
      held: t.heldWholeTenant ? 'whole tenant' : '',
    }));
  return [
    `sweep as of ${s.asOf}: buyer data of ${s.destroyed} orders destroyed, ${s.recordsExpired} expired order records deleted, in ${s.durationMs} ms` +
      (s.unidentifiedLetters ? `; ${s.unidentifiedLetters} dead-letter payloads without an order id expired` : ''),
    ...(rows.length ? [table(rows)] : []),
  ].join('\n');
}

/** A progress bar on standard error (standard output keeps the result). */
function terminalBar(): SweepProgress {
  const bar = new SingleBar(
    { format: 'destroying {bar} {value}/{total} orders', stream: process.stderr, hideCursor: true },
    Presets.shades_classic,
  );
  return {
    start: (total) => bar.start(total, 0),
    advance: (n) => bar.increment(n),
    stop: () => bar.stop(),
  };
}

/**
 * `ordervault retention …`:
 *   preview [--as-of ISO] [--tenant T]   per tenant and marketplace: orders with buyer data, due, held, earliest due;
 *                                        order records due for deletion and held
 *   run [--as-of ISO [--force]] [--tenant T]   a sweep now (the scheduler runs one every interval)
 */
export function registerRetentionCommands(program: Command, loadConfig: () => AppConfig): void {
  const json = () => new Option('--json', 'machine-readable output');
  const retention = program.command('retention').description('buyer-data retention: what is due, and sweeps');
  retention
    .command('preview')
    .description(
      'count orders with buyer data, due and under a legal hold, and order records due for deletion, per tenant and marketplace; destroys nothing',
    )
    .option('--as-of <instant>', 'compute due dates as of this ISO-8601 instant (default: now)')
    .option('--tenant <id>', 'only this tenant')
    .addOption(json())
    .action(async (o: RetentionCliOptions) => {
      const config = loadConfig();
      const asOf = parseAsOf(config, o.asOf, false, false);
      const p = await withAppContext(config, (app) => retentionPreview(app, { asOf, tenant: o.tenant }));
      emit(!!o.json, p, () => previewText(p));
    });
  retention
    .command('run')
    .description('run a destruction sweep now: buyer data that is due is destroyed, with receipts in the access log')
    .option('--as-of <instant>', 'compute due dates as of this instant (tests and rehearsals; refused in production)')
    .option('--force', 'allow --as-of in production')
    .option('--tenant <id>', 'only this tenant')
    .addOption(json())
    .action(async (o: RetentionCliOptions) => {
      const config = loadConfig();
      // Refused before anything starts: no database is touched for a refused --as-of.
      const asOf = parseAsOf(config, o.asOf, true, !!o.force);
      const progress = !o.json && process.stderr.isTTY ? terminalBar() : undefined;
      const s = await withAppContext(config, (app) => retentionRun(app, { asOf, tenant: o.tenant }, progress));
      emit(!!o.json, s, () => sweepText(s));
    });
}
