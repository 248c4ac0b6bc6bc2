import { DataSource } from 'typeorm';
import type { DataKeyHandle } from '../../src/crypto';
import { DataKeyService } from '../../src/crypto';
import type { BuyerPii } from '../../src/marketplaces/canonical-order';
import { ORDER_PII_PURPOSE } from '../../src/orders/order-ingest.service';
import { TransactionManager } from '../../src/platform/database/transaction-manager';
import type { SyncOutcome } from '../../src/sync/sync-outcome';
import { AMAZON_DE, type MarketplaceHarness, type SyncApp } from '../support/marketplace-harness';
import { TEST_ACTOR } from '../support/test-actor';

/**
 * Assertions shared by the sync failure-mode tests: they read the tables
 * directly, so a test states what is stored, not what a service reports.
 */

export const MINUTE = 60_000;
export const HOUR = 3600_000;

export function dataSourceOf(s: SyncApp): DataSource {
  return s.app.get(DataSource);
}

export function query<T = Record<string, unknown>>(s: SyncApp, sql: string, params: unknown[] = []): Promise<T[]> {
  return dataSourceOf(s).query(sql, params);
}

export interface StoredOrderRow {
  order_id: string;
  marketplace_order_id: string;
  status: string;
  version: number;
  cancelled_at: Date | null;
  marketplace_updated_at: Date;
  pii_state: string;
}

/** Every stored order of a tenant on one marketplace, keyed by marketplace order id. */
export async function storedOrders(
  s: SyncApp,
  tenantId: string,
  marketplace: 'amazon' | 'ebay',
): Promise<Map<string, StoredOrderRow>> {
  const rows = await query<StoredOrderRow>(
    s,
    `SELECT order_id, marketplace_order_id, status, version, cancelled_at, marketplace_updated_at, pii_state
       FROM orders WHERE tenant_id = $1 AND marketplace = $2`,
    [tenantId, marketplace],
  );
  return new Map(rows.map((r) => [r.marketplace_order_id, r]));
}

/** The outbox event types of every order of a tenant on one marketplace, in commit order. */
export async function eventsByOrder(
  s: SyncApp,
  tenantId: string,
  marketplace: 'amazon' | 'ebay',
): Promise<Map<string, string[]>> {
  const rows = await query<{ marketplace_order_id: string; types: string[] }>(
    s,
    `SELECT o.marketplace_order_id, array_agg(e.type ORDER BY e.seq) AS types
       FROM outbox_events e JOIN orders o ON o.tenant_id = e.tenant_id AND o.order_id = e.order_id
      WHERE e.tenant_id = $1 AND o.marketplace = $2
      GROUP BY o.marketplace_order_id`,
    [tenantId, marketplace],
  );
  return new Map(rows.map((r) => [r.marketplace_order_id, r.types]));
}

/**
 * Nothing lost, nothing duplicated: exactly the expected marketplace orders are
 * stored (one row each) and each has exactly one `order.created` event, first.
 */
export async function expectExactlyOnce(
  s: SyncApp,
  tenantId: string,
  marketplace: 'amazon' | 'ebay',
  expectedIds: readonly string[],
): Promise<void> {
  const [{ n }] = await query<{ n: number }>(
    s,
    `SELECT count(*)::int AS n FROM orders WHERE tenant_id = $1 AND marketplace = $2`,
    [tenantId, marketplace],
  );
  expect(n).toBe(expectedIds.length);
  const stored = await storedOrders(s, tenantId, marketplace);
  expect([...stored.keys()].sort()).toEqual([...expectedIds].sort());
  const events = await eventsByOrder(s, tenantId, marketplace);
  const wrong = expectedIds.filter((id) => {
    const types = events.get(id) ?? [];
    return types[0] !== 'order.created' || types.filter((t) => t === 'order.created').length !== 1;
  });
  expect(wrong).toEqual([]);
}

/** Outbox events that point at no order, and order data keys that protect no order. */
export async function orphans(s: SyncApp): Promise<{ events: number; dataKeys: number }> {
  const [{ events }] = await query<{ events: number }>(
    s,
    `SELECT count(*)::int AS events FROM outbox_events e
      WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.tenant_id = e.tenant_id AND o.order_id = e.order_id)`,
  );
  const [{ keys }] = await query<{ keys: number }>(
    s,
    `SELECT count(*)::int AS keys FROM data_keys d
      WHERE d.purpose = $1
        AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.tenant_id = d.tenant_id AND o.order_id = d.subject_id)`,
    [ORDER_PII_PURPOSE],
  );
  return { events, dataKeys: keys };
}

export interface SyncStateRow {
  cursor: Date | null;
  window_from: Date | null;
  window_to: Date | null;
  page_position: string | null;
  pages_in_window: number;
  next_run_at: Date;
  last_error_code: string | null;
  consecutive_failures: number;
}

export async function syncState(s: SyncApp, tenantId: string, connectionId: string): Promise<SyncStateRow> {
  const [row] = await query<SyncStateRow>(
    s,
    `SELECT cursor, window_from, window_to, page_position, pages_in_window, next_run_at, last_error_code,
            consecutive_failures
       FROM sync_states WHERE tenant_id = $1 AND connection_id = $2`,
    [tenantId, connectionId],
  );
  return row;
}

/**
 * Runs sync passes, moving the shared clock by `stepMs` between them, until a
 * pass leaves every connection of the tenant caught up (a pass of only 'done').
 * No sleeping: throttled and failed connections come due as the clock moves.
 */
export async function syncUntilCaughtUp(
  m: MarketplaceHarness,
  s: SyncApp,
  tenantId: string,
  options: { stepMs?: number; maxPasses?: number } = {},
): Promise<SyncOutcome[][]> {
  const passes: SyncOutcome[][] = [];
  for (let i = 0; i < (options.maxPasses ?? 50); i++) {
    const outcomes = await s.sync.runOnce(tenantId);
    passes.push(outcomes);
    if (outcomes.length > 0 && outcomes.every((o) => o.result === 'done')) return passes;
    m.clock.advance(options.stepMs ?? 10 * MINUTE);
  }
  throw new Error(`not caught up after ${passes.length} passes: ${JSON.stringify(passes.map(summary))}`);
}

const summary = (outcomes: SyncOutcome[]) => outcomes.map((o) => `${o.marketplace}:${o.result}:${o.pages}`);

/** Opens the sealed buyer data of stored orders with their own data keys (as the reveal path would). */
export async function openPii(
  s: SyncApp,
  tenantId: string,
  orders: ReadonlyArray<{ orderId: string; ciphertext: Buffer }>,
): Promise<Map<string, BuyerPii>> {
  const tx = s.app.get(TransactionManager);
  const dataKeys = s.app.get(DataKeyService);
  return tx.run(async (t) => {
    const handles: Map<string, DataKeyHandle> = await dataKeys.openDataKeys(
      t,
      tenantId,
      orders.map((o) => o.orderId),
    );
    return new Map(
      orders.map((o) => [o.orderId, handles.get(o.orderId)!.openJson<BuyerPii>(ORDER_PII_PURPOSE, o.ciphertext)]),
    );
  });
}

/** Sealed PII rows of a tenant's orders on one marketplace. */
export async function sealedPii(
  s: SyncApp,
  tenantId: string,
  marketplace: 'amazon' | 'ebay',
): Promise<Array<{ orderId: string; marketplaceOrderId: string; ciphertext: Buffer }>> {
  const rows = await query<{ order_id: string; marketplace_order_id: string; pii_ciphertext: Buffer }>(
    s,
    `SELECT order_id, marketplace_order_id, pii_ciphertext FROM orders
      WHERE tenant_id = $1 AND marketplace = $2 AND pii_ciphertext IS NOT NULL ORDER BY marketplace_order_id`,
    [tenantId, marketplace],
  );
  return rows.map((r) => ({
    orderId: r.order_id,
    marketplaceOrderId: r.marketplace_order_id,
    ciphertext: r.pii_ciphertext,
  }));
}

/** A tenant with one Amazon (EU) connection whose simulator seller has the given options (e.g. usage plans). */
export async function amazonConnection(
  m: MarketplaceHarness,
  s: SyncApp,
  tenantId: string,
  seller: Omit<Parameters<MarketplaceHarness['amazon']['addSeller']>[0], 'marketplaceIds'> = {},
) {
  const added = m.amazon.addSeller({ marketplaceIds: [AMAZON_DE], ...seller });
  const connection = await s.connections.connect(TEST_ACTOR, {
    tenantId,
    marketplace: 'amazon',
    region: 'eu',
    marketplaceIds: [AMAZON_DE],
    accountId: added.sellingPartnerId,
    credentials: { refreshToken: added.refreshToken },
  });
  return { seller: added, connection };
}

/** A tenant's eBay (DE) connection backed by a new simulator seller. */
export async function ebayConnection(m: MarketplaceHarness, s: SyncApp, tenantId: string) {
  const added = m.ebay.addSeller({ marketplaceId: 'EBAY_DE' });
  const connection = await s.connections.connect(TEST_ACTOR, {
    tenantId,
    marketplace: 'ebay',
    region: 'EBAY_DE',
    marketplaceIds: [],
    accountId: added.sellerId,
    credentials: { refreshToken: added.refreshToken, scopes: added.scopes },
  });
  return { seller: added, connection };
}
