import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AppModule } from '../../src/app.module';
import type { AppConfig } from '../../src/config';
import { ConnectionsService } from '../../src/connections/connections.service';
import { OrdersService } from '../../src/orders';
import { ManualClock } from '../../src/platform/clock/clock';
import { AmazonSimulator } from '../../src/sandbox/amazon';
import { EbaySimulator } from '../../src/sandbox/ebay';
import { createLoopbackTls, type LoopbackTls } from '../../src/sandbox/tls/loopback-ca';
import { SyncWorker } from '../../src/sync/sync-worker';
import { TenantsService } from '../../src/tenants/tenants.service';
import { captureLogs } from './log-capture';
import { testConfig } from './test-config';
import { createTestDatabase, type TestDatabase } from './test-database';
import { TEST_ACTOR } from './test-actor';

export const AMAZON_APP = {
  clientId: 'amzn1.application-oa2-client.ordervaulttest',
  clientSecret: 'amzn1.oa2-cs.v1.ordervault-test-secret',
};
export const EBAY_APP = {
  clientId: 'OrderVau-test-PRD-0123456789-abcdef01',
  clientSecret: 'PRD-0123456789ab-cdef-0123-4567-89ab',
  ruName: 'OrderVault-OrderVau-test-PRD-abcdefghi',
};
/** Germany and France: both in Amazon's EU region. */
export const AMAZON_DE = 'A1PA6795UKMFR9';
export const AMAZON_FR = 'A13V1IB3VIYZZH';

let tlsOnce: Promise<LoopbackTls> | undefined;

export interface MarketplaceHarness {
  readonly clock: ManualClock;
  readonly tls: LoopbackTls;
  readonly amazon: AmazonSimulator;
  readonly ebay: EbaySimulator;
  /** Environment a child process needs to reach the simulators (CA file included). */
  readonly env: Record<string, string>;
  close(): Promise<void>;
}

/**
 * Both marketplace simulators on loopback TLS with a shared manual clock, and
 * the configuration that points the product's real clients at them.
 */
export async function startMarketplaces(start = '2026-11-20T12:00:00Z'): Promise<MarketplaceHarness> {
  const tls = await (tlsOnce ??= createLoopbackTls());
  const clock = new ManualClock(start);
  const amazon = await AmazonSimulator.start({ clock, tls, lwaClients: [AMAZON_APP], seed: 'harness-amazon' });
  const ebay = await EbaySimulator.start({ clock, tls, apps: [EBAY_APP], seed: 'harness-ebay' });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ovt-ca-'));
  const caFile = path.join(dir, 'ca.pem');
  writeFileSync(caFile, tls.caPem);
  return {
    clock,
    tls,
    amazon,
    ebay,
    env: {
      AMAZON_SPAPI_ENDPOINT: amazon.url,
      AMAZON_LWA_ENDPOINT: amazon.url,
      EBAY_API_ENDPOINT: ebay.origin,
      NODE_EXTRA_CA_CERTS: caFile,
    },
    close: async () => {
      await amazon.close();
      await ebay.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface SyncApp {
  readonly app: INestApplicationContext;
  readonly config: AppConfig;
  readonly db: TestDatabase;
  readonly logs: ReturnType<typeof captureLogs>;
  readonly tenants: TenantsService;
  readonly connections: ConnectionsService;
  readonly orders: OrdersService;
  readonly sync: SyncWorker;
  close(): Promise<void>;
}

/** The application (no HTTP) on a fresh test database, wired to the simulators. */
export async function startSyncApp(
  m: MarketplaceHarness,
  options: { env?: Record<string, string>; db?: TestDatabase } = {},
): Promise<SyncApp> {
  const db = options.db ?? (await createTestDatabase());
  const config = testConfig({ ...m.env, ...options.env });
  const logs = captureLogs();
  const app = await NestFactory.createApplicationContext(
    AppModule.forRoot({ config, clock: m.clock, logger: logs.logger, database: db.target }),
    { logger: false },
  );
  await app.init();
  return {
    app,
    config,
    db,
    logs,
    tenants: app.get(TenantsService),
    connections: app.get(ConnectionsService),
    orders: app.get(OrdersService),
    sync: app.get(SyncWorker),
    close: async () => {
      await app.close();
      if (!options.db) await db.close();
    },
  };
}

/** A tenant with one Amazon (EU) and one eBay (DE) connection backed by simulator sellers. */
export async function connectedTenant(m: MarketplaceHarness, s: SyncApp, name = 'Acme') {
  const tenant = await s.tenants.create(TEST_ACTOR, name);
  const amazonSeller = m.amazon.addSeller({ marketplaceIds: [AMAZON_DE, AMAZON_FR] });
  const ebaySeller = m.ebay.addSeller({ marketplaceId: 'EBAY_DE' });
  const amazon = await s.connections.connect(TEST_ACTOR, {
    tenantId: tenant.tenantId,
    marketplace: 'amazon',
    region: 'eu',
    marketplaceIds: [AMAZON_DE, AMAZON_FR],
    accountId: amazonSeller.sellingPartnerId,
    credentials: { refreshToken: amazonSeller.refreshToken },
  });
  const ebay = await s.connections.connect(TEST_ACTOR, {
    tenantId: tenant.tenantId,
    marketplace: 'ebay',
    region: 'EBAY_DE',
    marketplaceIds: [],
    accountId: ebaySeller.sellerId,
    credentials: { refreshToken: ebaySeller.refreshToken, scopes: ebaySeller.scopes },
  });
  return { tenant, amazon, ebay, amazonSeller, ebaySeller };
}
