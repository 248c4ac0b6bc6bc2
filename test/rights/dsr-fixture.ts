import { DataSource } from 'typeorm';
import { ConnectionsService } from '../../src/connections/connections.service';
import { SyncWorker } from '../../src/sync/sync-worker';
import { TenantsService } from '../../src/tenants/tenants.service';
import {
  connectedTenant,
  startMarketplaces,
  type MarketplaceHarness,
  type SyncApp,
} from '../support/marketplace-harness';
import { startTestApp, type AuthHeader, type TestApp } from '../support/test-app';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DSR_SCOPES = ['dsr:manage', 'orders:read_pii', 'orders:read'];

export interface DsrWorld {
  readonly m: MarketplaceHarness;
  readonly t: TestApp;
  readonly tenant: Awaited<ReturnType<typeof connectedTenant>>;
  readonly tenantId: string;
  /** A seller key with dsr:manage and orders:read_pii. */
  readonly owner: AuthHeader;
  /** One marketplace sync pass of the tenant, ten minutes on. */
  sync(): Promise<void>;
  sql<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

/**
 * The HTTP application wired to both marketplace simulators (real clients), a
 * tenant with an Amazon and an eBay connection, and a seller key for requests.
 */
export async function startDsrWorld(name: string, env: Record<string, string> = {}): Promise<DsrWorld> {
  const m = await startMarketplaces();
  const t = await startTestApp({ env: { ...m.env, ...env }, clock: m.clock });
  const asSyncApp = {
    tenants: t.app.get(TenantsService),
    connections: t.app.get(ConnectionsService),
  } as unknown as SyncApp;
  const tenant = await connectedTenant(m, asSyncApp, name);
  const tenantId = tenant.tenant.tenantId;
  const owner = (await t.seller(tenantId, DSR_SCOPES)).auth;
  return {
    m,
    t,
    tenant,
    tenantId,
    owner,
    sync: async () => {
      m.clock.advance(10 * MINUTE);
      await t.app.get(SyncWorker).runOnce(tenantId);
    },
    sql: (text, params = []) => t.app.get(DataSource).query(text, params),
    close: async () => {
      await t.close();
      await m.close();
    },
  };
}

/** The access-log entries of a tenant with one of these actions, in log order. */
export const entries = (w: DsrWorld, actions: string[]) =>
  w.sql<{
    action: string;
    outcome: string;
    order_ids: string[] | null;
    dsr_id: string | null;
    reason: string | null;
    actor_id: string;
  }>(
    `SELECT action, outcome, targets->'orderIds' AS order_ids, targets->>'dsrId' AS dsr_id, reason, actor_id
       FROM audit_entries WHERE tenant_id = $1 AND action = ANY($2::text[]) ORDER BY seq`,
    [w.tenantId, actions],
  );
