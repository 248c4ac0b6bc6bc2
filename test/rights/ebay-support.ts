import * as https from 'node:https';
import { DataSource } from 'typeorm';
import { ConnectionsService } from '../../src/connections/connections.service';
import { MetricsRegistry } from '../../src/platform/metrics/metrics-registry';
import { EbayDeletionWorker } from '../../src/rights/ebay-deletion';
import type { Order } from '../../src/sandbox/ebay';
import { SyncWorker } from '../../src/sync/sync-worker';
import { EBAY_APP, startMarketplaces, type MarketplaceHarness } from '../support/marketplace-harness';
import { TEST_ACTOR } from '../support/test-actor';
import { startTestApp, type TestApp } from '../support/test-app';

export const VERIFICATION_TOKEN = 'ovTest_verification-token_0123456789abcdef';
export const REGISTERED_URL = 'https://ordervault.example.com/v1/marketplace-notifications/ebay';
export const NOTIFICATIONS_PATH = '/v1/marketplace-notifications/ebay';

export interface EbayRightsEnv {
  readonly m: MarketplaceHarness;
  readonly t: TestApp;
  /** Where the simulator POSTs notifications (the app listening on loopback). */
  readonly endpoint: string;
  close(): Promise<void>;
}

/** The simulators and the real HTTP app listening on loopback, account deletion configured, one manual clock. */
export async function startEbayRightsEnv(env: Record<string, string> = {}): Promise<EbayRightsEnv> {
  const m = await startMarketplaces();
  const t = await startTestApp({
    env: { ...m.env, EBAY_VERIFICATION_TOKEN: VERIFICATION_TOKEN, EBAY_DELETION_ENDPOINT_URL: REGISTERED_URL, ...env },
    clock: m.clock,
  });
  await t.app.listen(0, '127.0.0.1');
  const address = t.app.getHttpServer().address() as { port: number };
  return {
    m,
    t,
    endpoint: `http://127.0.0.1:${address.port}${NOTIFICATIONS_PATH}`,
    close: async () => {
      await t.close();
      await m.close();
    },
  };
}

export const sql = <T = Record<string, unknown>>(t: TestApp, text: string, params: unknown[] = []): Promise<T[]> =>
  t.app.get(DataSource).query(text, params);

/** A tenant with one eBay connection backed by a simulator seller. */
export async function ebayTenant(e: EbayRightsEnv, name: string) {
  const tenantId = await e.t.tenant(name);
  const seller = e.m.ebay.addSeller({ marketplaceId: 'EBAY_DE' });
  const connection = await e.t.app.get(ConnectionsService).connect(TEST_ACTOR, {
    tenantId,
    marketplace: 'ebay',
    region: 'EBAY_DE',
    marketplaceIds: [],
    accountId: seller.sellerId,
    credentials: { refreshToken: seller.refreshToken, scopes: seller.scopes },
  });
  return { tenantId, seller, connectionId: connection.connectionId };
}

/** One sync pass of every connection due now (the clock moved past the eBay safety margin first). */
export async function syncNow(e: EbayRightsEnv, tenantId?: string) {
  e.m.clock.advance(10 * 60_000);
  return e.t.app.get(SyncWorker).runOnce(tenantId);
}

export const usernameOf = (order: Order): string => (order.buyer as { username: string }).username;

/** Waits for the background erasure to finish (no drain running and no job left), without timers. */
export async function erasureSettled(t: TestApp): Promise<void> {
  const worker = t.app.get(EbayDeletionWorker);
  for (let i = 0; i < 50; i++) {
    await worker.idle();
    const [{ n }] = await sql<{ n: number }>(
      t,
      `SELECT count(*)::int AS n FROM jobs WHERE queue = 'ebay-account-deletion'`,
    );
    if (n === 0) return;
    worker.kick();
  }
  throw new Error('eBay account deletion jobs did not settle');
}

/** Value of a counter (with these labels) in the app's metrics registry. */
export async function counter(t: TestApp, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = t.app.get(MetricsRegistry).registry.getSingleMetric(name);
  if (!metric) return 0;
  const { values } = await metric.get();
  return values
    .filter((v) => Object.entries(labels).every(([k, val]) => v.labels[k] === val))
    .reduce((n, v) => n + v.value, 0);
}

/** Buyer-data state of orders by marketplace order id. */
export async function piiStates(t: TestApp, tenantId: string, orderIds: readonly string[]) {
  const rows = await sql<{ marketplace_order_id: string; pii_state: string; sealed: boolean; indexed: boolean }>(
    t,
    `SELECT marketplace_order_id, pii_state, pii_ciphertext IS NOT NULL AS sealed, buyer_index IS NOT NULL AS indexed
       FROM orders WHERE tenant_id = $1 AND marketplace_order_id = ANY($2::text[]) ORDER BY marketplace_order_id`,
    [tenantId, orderIds],
  );
  return Object.fromEntries(rows.map((r) => [r.marketplace_order_id, `${r.pii_state}${r.sealed ? '+sealed' : ''}`]));
}

/** The seller consents again: a fresh eBay refresh token (authorization-code grant), stored with connect(). */
export async function reauthorise(e: EbayRightsEnv, tenantId: string, seller: { sellerId: string; scopes: string[] }) {
  const code = e.m.ebay.issueAuthorizationCode(seller.sellerId, {
    clientId: EBAY_APP.clientId,
    ruName: EBAY_APP.ruName,
    scopes: seller.scopes,
  });
  const body = new URLSearchParams({
    grant_type: 'authorization_code',
    code,
    redirect_uri: EBAY_APP.ruName,
  }).toString();
  const granted = await new Promise<{ refresh_token: string }>((resolve, reject) => {
    const req = https.request(
      `${e.m.ebay.origin}/identity/v1/oauth2/token`,
      {
        method: 'POST',
        ca: e.m.tls.caPem,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${EBAY_APP.clientId}:${EBAY_APP.clientSecret}`).toString('base64')}`,
        },
      },
      (res) => {
        let data = '';
        res.on('data', (c) => (data += c));
        res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(data)) : reject(new Error(data))));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
  return e.t.app.get(ConnectionsService).connect(TEST_ACTOR, {
    tenantId,
    marketplace: 'ebay',
    region: 'EBAY_DE',
    marketplaceIds: [],
    accountId: seller.sellerId,
    credentials: { refreshToken: granted.refresh_token, scopes: seller.scopes },
  });
}
