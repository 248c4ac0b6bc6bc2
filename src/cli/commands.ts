import type { INestApplicationContext } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { StaffService } from '../access/staff.service';
import { cliActor } from '../auth';
import { ConnectionsService } from '../connections/connections.service';
import { MasterKeyring, TenantKeyService } from '../crypto';
import type { MarketplaceName } from '../marketplaces/canonical-order';
import { OrdersService } from '../orders';
import { SyncSkipReasons } from '../sync/sync-skip-reasons';
import { SyncWorker } from '../sync/sync-worker';
import { notFound } from '../platform/errors/domain-error';
import { isUuid } from '../platform/validation/uuid';
import { TenantsService } from '../tenants/tenants.service';
import { table, UsageError } from './output';

/** Each CLI command as a function of the application context: the same services the server uses. */

export async function createTenant(app: INestApplicationContext, name: string) {
  return app.get(TenantsService).create(cliActor('tenant create'), name);
}

export async function listTenants(app: INestApplicationContext) {
  return app.get(TenantsService).list(500);
}

export interface ConnectionAddOptions {
  tenant: string;
  marketplace: string;
  region: string;
  marketplaceIds?: string;
  accountId: string;
  refreshTokenFile?: string;
  refreshTokenStdin?: boolean;
  displayName?: string;
}

/** Secrets are read from a file or stdin, never from argv (argv is visible to every local user). */
export async function addConnection(
  app: INestApplicationContext,
  o: ConnectionAddOptions,
  stdin: () => Promise<string>,
) {
  if (o.marketplace !== 'amazon' && o.marketplace !== 'ebay')
    throw new UsageError('--marketplace must be amazon or ebay');
  let refreshToken: string;
  if (o.refreshTokenFile) refreshToken = readFileSync(o.refreshTokenFile, 'utf8').trim();
  else if (o.refreshTokenStdin) refreshToken = (await stdin()).trim();
  else throw new UsageError('give the refresh token with --refresh-token-file <path> or --refresh-token-stdin');
  return app.get(ConnectionsService).connect(cliActor('connection add'), {
    tenantId: o.tenant,
    marketplace: o.marketplace as MarketplaceName,
    region: o.region,
    marketplaceIds: (o.marketplaceIds ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    accountId: o.accountId,
    displayName: o.displayName,
    credentials: { refreshToken },
  });
}

export async function listConnections(app: INestApplicationContext, tenant: string) {
  return app.get(ConnectionsService).list(tenant);
}

/** The `connection list` table: the status reason is shown, not only in --json (why a connection is not syncing). */
export function connectionsTable(list: Awaited<ReturnType<typeof listConnections>>): string {
  return table(
    list.map(({ connectionId, marketplace, region, accountId, status, statusReason }) => ({
      connectionId,
      marketplace,
      region,
      accountId,
      status,
      reason: statusReason,
    })),
  );
}

export interface SyncOnceOptions {
  tenant?: string;
  /** Sync regardless of the schedule (the marketplaces' rate budgets still apply). */
  now?: boolean;
  connection?: string;
}

export async function syncOnce(app: INestApplicationContext, o: SyncOnceOptions = {}) {
  if (o.connection !== undefined) {
    const known = isUuid(o.connection) ? await app.get(ConnectionsService).listForSync(o.tenant) : [];
    if (!known.some((c) => c.connectionId === o.connection)) throw notFound('connection');
  }
  const outcomes = await app.get(SyncWorker).runOnce(o.tenant, { now: o.now, connectionId: o.connection });
  const skipped = await app
    .get(SyncSkipReasons)
    .explain({ tenantId: o.tenant, connectionId: o.connection }, new Set(outcomes.map((r) => r.connectionId)));
  const orders = app.get(OrdersService);
  return {
    runs: outcomes.map((o) => ({
      connectionId: o.connectionId,
      marketplace: o.marketplace,
      result: o.result,
      pages: o.pages,
      created: o.created,
      updated: o.updated,
      cancelled: o.cancelled,
      unchanged: o.unchanged,
      deadLettered: o.deadLettered,
      errorCode: o.errorCode ?? null,
      nextRunAt: o.nextRunAt.toISOString(),
    })),
    skipped,
    ordersByMarketplace: await orders.countByMarketplace(o.tenant),
    eventsQueued: await orders.pendingEvents(o.tenant),
  };
}

export function syncSummaryText(s: Awaited<ReturnType<typeof syncOnce>>): string {
  return [
    s.runs.length ? table(s.runs) : 'no connection was synced',
    ...(s.skipped.length
      ? [
          '',
          'not synced:',
          table(s.skipped.map((k) => ({ connectionId: k.connectionId, marketplace: k.marketplace, why: k.detail }))),
        ]
      : []),
    '',
    `orders stored: ${s.ordersByMarketplace.map((m) => `${m.marketplace} ${m.count}`).join(', ') || 'none'}`,
    `events queued for delivery: ${s.eventsQueued}`,
  ].join('\n');
}

export async function rotateMaster(app: INestApplicationContext, generate: boolean) {
  const keyring = app.get(MasterKeyring);
  const change = generate ? await keyring.addGeneratedKey() : undefined;
  const summary = await app.get(TenantKeyService).rotateMaster();
  return { newKey: change ?? null, ...summary };
}

export async function rotateTenant(app: INestApplicationContext, tenant: string) {
  await app.get(TenantsService).requireTenant(tenant);
  return app.get(TenantKeyService).rotateTenant(tenant);
}

export async function createStaff(app: INestApplicationContext, name: string, role: string) {
  return app.get(StaffService).create(cliActor('staff create'), name, role);
}

export async function listStaff(app: INestApplicationContext) {
  return app.get(StaffService).list();
}
