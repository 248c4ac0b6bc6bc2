import type { Command, Option } from 'commander';
import { cliActor } from '../auth';
import type { AppConfig } from '../config';
import type { DeadLetterView } from '../sync/dead-letter.mapper';
import { DeadLettersService, type DeadLetterQuery } from '../sync/dead-letters.service';
import { withAppContext } from './app-context';
import { emit, table, UsageError } from './output';

interface ListOptions {
  tenant: string;
  connection?: string;
  marketplace?: string;
  reason?: string;
  state?: string;
  limit?: string;
  cursor?: string;
  json?: boolean;
}

const STATES = ['open', 'resolved', 'all'] as const;

export function listQuery(o: ListOptions): DeadLetterQuery {
  if (o.state !== undefined && !(STATES as readonly string[]).includes(o.state)) {
    throw new UsageError('--state must be open, resolved or all');
  }
  if (o.marketplace !== undefined && o.marketplace !== 'amazon' && o.marketplace !== 'ebay') {
    throw new UsageError('--marketplace must be amazon or ebay');
  }
  const limit = o.limit === undefined ? undefined : Number(o.limit);
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1 && limit <= 200)) {
    throw new UsageError('--limit must be a whole number from 1 to 200');
  }
  return {
    connectionId: o.connection,
    marketplace: o.marketplace,
    reasonCode: o.reason,
    state: o.state as DeadLetterQuery['state'],
    cursor: o.cursor,
    limit,
  };
}

export function deadLettersTable(items: DeadLetterView[]): string {
  return table(
    items.map((d) => ({
      deadLetterId: d.deadLetterId,
      marketplace: d.marketplace,
      order: d.marketplaceOrderId,
      reason: d.reasonCode,
      attempts: d.attempts,
      lastSeen: d.lastSeenAt,
      state: d.state === 'resolved' ? `resolved (${d.resolution})` : d.state,
      replay: d.replay.state === 'scheduled' ? `after ${d.replay.nextAt}` : d.replay.state,
    })),
  );
}

export function deadLetterText(d: DeadLetterView): string {
  const lines: Array<[string, string | number | null]> = [
    ['dead letter', d.deadLetterId],
    ['connection', `${d.connectionId} (${d.marketplace})`],
    ['marketplace order', d.marketplaceOrderId],
    ['reason', d.reasonCode],
    ['detail', d.reasonDetail || '-'],
    ['attempts', d.attempts],
    ['first seen', d.firstSeenAt],
    ['last seen', d.lastSeenAt],
    ['state', d.state],
    ['replay', d.replay.state === 'scheduled' ? `scheduled after ${d.replay.nextAt}` : d.replay.state],
    ['payload', d.payload],
  ];
  if (d.replay.gaveUpAt) lines.push(['gave up at', d.replay.gaveUpAt]);
  if (d.replay.requestedAt) lines.push(['replay requested', d.replay.requestedAt]);
  if (d.state === 'resolved') {
    lines.push(['resolution', d.resolution], ['resolved at', d.resolvedAt]);
    if (d.resolvedBy) lines.push(['resolved by', d.resolvedBy]);
    if (d.resolutionNote) lines.push(['note', d.resolutionNote]);
  }
  return lines.map(([k, v]) => `${`${k}:`.padEnd(19)}${v ?? '-'}`).join('\n');
}

/** `ordervault dead-letters list|show|retry|resolve`: orders the sync could not read. */
export function registerDeadLetterCommands(program: Command, cfg: () => AppConfig, json: () => Option): void {
  const group = program
    .command('dead-letters')
    .description('orders the sync could not read: list, show, retry on the next run, resolve by hand');
  group
    .command('list')
    .description("a tenant's dead letters (open ones unless --state says otherwise), oldest first")
    .requiredOption('--tenant <id>', 'tenant id')
    .option('--connection <id>', 'only this connection')
    .option('--marketplace <name>', 'amazon or ebay')
    .option('--reason <code>', 'only this reason code (bad_order, sealed_data_unreadable, ...)')
    .option('--state <state>', 'open (default), resolved or all')
    .option('--limit <n>', 'at most this many (1-200, default 50)')
    .option('--cursor <cursor>', 'continue after a previous page (its nextCursor)')
    .addOption(json())
    .action(async (o: ListOptions) => {
      const page = await withAppContext(cfg(), (app) => app.get(DeadLettersService).list(o.tenant, listQuery(o)));
      emit(!!o.json, page, () =>
        [deadLettersTable(page.items), ...(page.nextCursor ? [`more: --cursor ${page.nextCursor}`] : [])].join('\n'),
      );
    });
  group
    .command('show')
    .description('one dead letter (never its sealed payload)')
    .argument('<deadLetterId>')
    .requiredOption('--tenant <id>', 'tenant id')
    .addOption(json())
    .action(async (id: string, o: { tenant: string; json?: boolean }) => {
      const d = await withAppContext(cfg(), (app) => app.get(DeadLettersService).get(o.tenant, id));
      emit(!!o.json, d, () => deadLetterText(d));
    });
  group
    .command('retry')
    .description("re-fetch it on the connection's next sync run, ahead of its backoff (even after replay gave up)")
    .argument('<deadLetterId>')
    .requiredOption('--tenant <id>', 'tenant id')
    .addOption(json())
    .action(async (id: string, o: { tenant: string; json?: boolean }) => {
      const d = await withAppContext(cfg(), (app) => app.get(DeadLettersService).retry(o.tenant, id));
      emit(!!o.json, d, () =>
        [
          `replay requested for dead letter ${d.deadLetterId}`,
          `it is fetched again on the next run of connection ${d.connectionId}`,
          `(now: ordervault sync --once --now --connection ${d.connectionId})`,
        ].join('\n'),
      );
    });
  group
    .command('resolve')
    .description('close an open dead letter by hand (resolution "dismissed")')
    .argument('<deadLetterId>')
    .requiredOption('--tenant <id>', 'tenant id')
    .option('--note <text>', 'why (operator text, at most 500 characters; no buyer data)')
    .addOption(json())
    .action(async (id: string, o: { tenant: string; note?: string; json?: boolean }) => {
      const d = await withAppContext(cfg(), (app) =>
        app.get(DeadLettersService).resolve(cliActor('dead-letters resolve'), o.tenant, id, o.note),
      );
      emit(!!o.json, d, () => `dead letter ${d.deadLetterId} resolved (${d.resolution})`);
    });
}
