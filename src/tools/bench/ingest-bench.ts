import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AppModule } from '../../app.module';
import { systemActor } from '../../auth';
import { loadConfig } from '../../config';
import { ConnectionsService } from '../../connections/connections.service';
import { ConnectorRegistry } from '../../marketplaces/connector-registry';
import type { FetchedPage } from '../../marketplaces/marketplace-connector';
import { ManualClock } from '../../platform/clock/clock';
import { bulkValues } from '../../platform/database/bulk-values';
import { AppLogger } from '../../platform/logging/app-logger';
import { AmazonSimulator } from '../../sandbox/amazon';
import { createLoopbackTls } from '../../sandbox/tls/loopback-ca';
import { PageCommitter } from '../../sync/page-committer';
import { SyncStateRepository } from '../../sync/sync-state.repository';
import { TenantsService } from '../../tenants/tenants.service';
import { median, withScratchDatabase } from './scratch-database';

const APP = { clientId: 'amzn1.application-oa2-client.bench', clientSecret: 'bench-secret' };
const MARKETPLACE = 'A1PA6795UKMFR9';

export interface IngestBenchOptions {
  readonly databaseUrl?: string;
  readonly pages: number;
  readonly rounds: number;
  readonly print: (line: string) => void;
}

/**
 * Ingestion throughput: orders per second from fetched simulator pages (real
 * client, real mapping) into sealed rows, data keys and outbox events, one
 * transaction per page exactly as the sync commits them; beside the raw floor
 * measured in the same run: a multi-row INSERT through `pg` of rows of the same
 * size (the very rows ingestion wrote, copied into a same-shaped table), one
 * statement and transaction per page. The ratio is ours over the floor.
 */
export async function runIngestBench(o: IngestBenchOptions): Promise<{ ratio: number }> {
  return withScratchDatabase(o.databaseUrl, async (target, label) => {
    const clock = new ManualClock('2026-11-20T12:00:00Z');
    const tls = await createLoopbackTls();
    const sim = await AmazonSimulator.start({
      clock,
      tls,
      lwaClients: [APP],
      seed: 'bench',
      usagePlans: { searchOrders: { rate: 1000, burst: 1000 } },
    });
    const config = {
      ...loadConfig({
        NODE_ENV: 'test',
        ORDERVAULT_MASTER_KEY: randomBytes(32).toString('base64'),
        AMAZON_LWA_CLIENT_ID: APP.clientId,
        AMAZON_LWA_CLIENT_SECRET: APP.clientSecret,
        AMAZON_SPAPI_ENDPOINT: sim.url,
        AMAZON_LWA_ENDPOINT: sim.url,
        SYNC_SCHEDULER_ENABLED: 'false',
        LOG_LEVEL: 'error',
      }),
      extraCaPem: tls.caPem,
    };
    const app = await NestFactory.createApplicationContext(
      AppModule.forRoot({
        config,
        clock,
        database: target,
        migrateOnStart: true,
        logger: new AppLogger({ level: 'error', destination: 'stderr' }),
      }),
      { logger: false },
    );
    try {
      return await measure(app, sim, clock, o, label);
    } finally {
      await app.close();
      await sim.close();
    }
  });
}

async function measure(
  app: INestApplicationContext,
  sim: AmazonSimulator,
  clock: ManualClock,
  o: IngestBenchOptions,
  label: string,
): Promise<{ ratio: number }> {
  const ds = app.get(DataSource);
  const seller = sim.addSeller({ marketplaceIds: [MARKETPLACE] });
  const perRound = o.pages * 100;
  sim.addOrders(seller.sellingPartnerId, perRound * o.rounds, { createdAt: clock.nowMs() - 48 * 3600_000 });
  clock.advance(3600_000);

  const bench = systemActor('bench', null);
  const tenant = await app.get(TenantsService).create(bench, 'bench');
  const conn = await app.get(ConnectionsService).connect(bench, {
    tenantId: tenant.tenantId,
    marketplace: 'amazon',
    region: 'eu',
    marketplaceIds: [MARKETPLACE],
    accountId: seller.sellingPartnerId,
    credentials: { refreshToken: seller.refreshToken },
  });
  const { context } = await app.get(ConnectionsService).connectorContext(tenant.tenantId, conn.connectionId);
  const connector = app.get(ConnectorRegistry).get('amazon');
  await app.get(SyncStateRepository).ensure(tenant.tenantId, conn.connectionId, clock.now());

  // Fetch every page once through the real client (HTTP and mapping are not what this measures).
  const window = { from: new Date(clock.nowMs() - 72 * 3600_000), to: connector.maxWindowEnd(clock.now()) };
  const pages: FetchedPage[] = [];
  const fetchStart = performance.now();
  let position: string | null = null;
  do {
    const page: FetchedPage = await connector.fetchPage(context, window, position);
    pages.push(page);
    position = page.nextPosition;
  } while (position);
  const fetchSeconds = (performance.now() - fetchStart) / 1000;
  const total = pages.reduce((n, p) => n + p.orders.length, 0);

  await ds.query('CREATE TABLE bench_raw_orders (LIKE orders INCLUDING ALL)');
  const columns: Array<{ column_name: string; udt_name: string }> = await ds.query(
    `SELECT column_name, udt_name FROM information_schema.columns WHERE table_name = 'orders' ORDER BY ordinal_position`,
  );
  const committer = app.get(PageCommitter, { strict: false });
  const scope = { tenantId: tenant.tenantId, connectionId: conn.connectionId, marketplace: 'amazon' as const };

  const names = columns.map((c) => c.column_name);
  const types = columns.map((c) => (c.udt_name === 'bpchar' ? 'text' : c.udt_name));
  const ours: number[] = [];
  const raw: number[] = [];
  const ratios: number[] = [];
  for (let round = 0; round < o.rounds; round++) {
    let oursMs = 0;
    let rawMs = 0;
    let n = 0;
    // Ours and the floor alternate page by page, so load from elsewhere on the machine
    // and the tables' growth hit both alike.
    for (const page of pages.slice(round * o.pages, (round + 1) * o.pages)) {
      let t = performance.now();
      await committer.commit(scope, page, { pagePosition: randomUUID() }, null, clock);
      oursMs += performance.now() - t;
      n += page.orders.length;

      const rows: Array<Record<string, unknown>> = await ds.query(
        `SELECT * FROM orders WHERE tenant_id = $1 AND marketplace_order_id = ANY($2::text[])`,
        [tenant.tenantId, page.orders.map((x) => x.marketplaceOrderId)],
      );
      const { sql, params } = bulkValues(
        rows.map((r) => names.map((c) => (c === 'line_items' ? JSON.stringify(r[c]) : r[c]))),
        types,
      );
      t = performance.now();
      await ds.transaction((m) => m.query(`INSERT INTO bench_raw_orders (${names.join(',')}) VALUES ${sql}`, params));
      rawMs += performance.now() - t;
    }
    ours.push(n / (oursMs / 1000));
    raw.push(n / (rawMs / 1000));
    ratios.push(rawMs / oursMs);
  }
  const [{ rows: storedEvents }] = await ds.query(`SELECT count(*)::int AS rows FROM outbox_events`);
  const oursMedian = median(ours);
  const rawMedian = median(raw);
  const ratio = median(ratios);
  o.print(`ingest benchmark on ${label}`);
  o.print(
    `  ${total} orders in ${pages.length} pages fetched through amazon-sp-api from the simulator in ${fetchSeconds.toFixed(2)} s (not timed below)`,
  );
  o.print(
    `  ${o.rounds} rounds of ${o.pages} pages; per round: sealed rows + data keys + outbox events + sync position, one transaction per page`,
  );
  o.print(
    `  ordervault ingest   ${oursMedian.toFixed(0).padStart(8)} orders/s  (median; rounds: ${ours.map((x) => x.toFixed(0)).join(', ')})`,
  );
  o.print(
    `  raw INSERT floor    ${rawMedian.toFixed(0).padStart(8)} rows/s    (median; rounds: ${raw.map((x) => x.toFixed(0)).join(', ')})`,
  );
  o.print(
    `  ratio               ${ratio.toFixed(2)}  (median of per-round ratios: ${ratios.map((r) => r.toFixed(2)).join(', ')}; goal >= 0.50)`,
  );
  o.print(`  outbox events written: ${storedEvents}`);
  return { ratio };
}
