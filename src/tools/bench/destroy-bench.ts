import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { systemActor } from '../../auth';
import { AppModule } from '../../app.module';
import { loadConfig } from '../../config';
import { OrderIngestService } from '../../orders';
import { ManualClock } from '../../platform/clock/clock';
import { TransactionManager } from '../../platform/database/transaction-manager';
import { AppLogger } from '../../platform/logging/app-logger';
import { RetentionSweeper, SweepPacer } from '../../retention';
import { canonicalOrder } from '../../sandbox/canonical-orders';
import { TenantsService } from '../../tenants/tenants.service';
import { IngestProcess, type IngestRun } from './ingest-process';
import { withScratchDatabase } from './scratch-database';

export interface DestroyBenchOptions {
  readonly databaseUrl?: string;
  /** Orders per side of the comparison (ours vs raw). */
  readonly compare: number;
  /** Overdue orders seeded by SQL and cleared by one sweep (the backlog figure). */
  readonly orders: number;
  /** Sweeps running at once on the backlog (as replicas would; SKIP LOCKED shares it). */
  readonly workers: number;
  /** Duty cycle of each backlog sweeper, percent. */
  readonly duty: number;
  readonly print: (line: string) => void;
}

const BENCH = systemActor('bench', null);
const NOW = new Date('2027-03-01T12:00:00Z');
const DELIVERED = new Date('2026-11-02T09:00:00Z'); // anchors 119 days before NOW: every window has passed

/**
 * Buyer-data destruction throughput. (1) Overdue orders destroyed per second by the real sweep, unpaced (claim
 * SKIP LOCKED, data key shredded, ciphertext, indexes and digest cleared, version bumped, `order.pii_destroyed`
 * event, copy holders, one receipt per batch in the hash-chained log) beside a raw `UPDATE orders SET
 * pii_ciphertext = NULL` plus `DELETE FROM data_keys` of the same number of orders in batches of the same size,
 * in one run on one database. (2) The time to clear a backlog of N overdue orders seeded with SQL, paced at the
 * configured duty cycle as the scheduled sweep is. (3) Ingest throughput (pages of 100 orders sealed, keyed and
 * evented, one transaction each, as the sync commits them) from a separate process, as an ingest replica would run,
 * while that backlog is swept, beside the same ingest with nothing else running, in the same run (server only:
 * an embedded database serves one process).
 */
export async function runDestroyBench(
  o: DestroyBenchOptions,
): Promise<{ ratio: number; backlogSeconds: number; ingestDuringSweep: number }> {
  return withScratchDatabase(o.databaseUrl, async (target, label) => {
    const masterKey = randomBytes(32).toString('base64');
    const config = loadConfig({
      NODE_ENV: 'test',
      ORDERVAULT_MASTER_KEY: masterKey,
      RETENTION_SWEEP_DUTY_PERCENT: String(o.duty),
      SYNC_SCHEDULER_ENABLED: 'false',
      LOG_LEVEL: 'error',
    });
    const app = await NestFactory.createApplicationContext(
      AppModule.forRoot({
        config,
        clock: new ManualClock(NOW),
        database: target.kind === 'server' ? { ...target, poolSize: o.workers + 4 } : target,
        migrateOnStart: true,
        logger: new AppLogger({ level: 'error', destination: 'stderr' }),
      }),
      { logger: false },
    );
    const batch = config.retention.batchSize;
    try {
      o.print(`destroy benchmark on ${label}; batches of ${batch} orders`);
      const ours = await seedTenant(app, 'bench ours', o.compare);
      const raw = await seedTenant(app, 'bench raw', o.compare);
      await analyze(app);

      let t = performance.now();
      const swept = await app.get(RetentionSweeper).sweep(BENCH, { tenantId: ours, pacer: SweepPacer.unpaced() });
      const oursSeconds = (performance.now() - t) / 1000;
      t = performance.now();
      const rawCount = await rawDestroy(app, raw, batch);
      const rawSeconds = (performance.now() - t) / 1000;
      if (swept.destroyed !== o.compare || rawCount !== o.compare) {
        throw new Error(`expected ${o.compare} on each side, got ${swept.destroyed} and ${rawCount}`);
      }
      const oursRate = o.compare / oursSeconds;
      const rawRate = o.compare / rawSeconds;
      const ratio = oursRate / rawRate;
      o.print(
        `  ours: ${o.compare} orders in ${oursSeconds.toFixed(2)} s = ${oursRate.toFixed(0)} orders/s ` +
          `(unpaced; key shredded, columns cleared, event, receipt per batch)`,
      );
      o.print(
        `  raw:  ${o.compare} orders in ${rawSeconds.toFixed(2)} s = ${rawRate.toFixed(0)} orders/s ` +
          `(UPDATE … SET pii_ciphertext = NULL + DELETE of the key rows)`,
      );
      o.print(`  ratio ours/raw: ${ratio.toFixed(2)} (goal ≥ 0.5)`);

      const backlog = await seedTenant(app, 'bench backlog', o.orders);
      await analyze(app);
      t = performance.now();
      const results = await Promise.all(
        Array.from({ length: o.workers }, () => app.get(RetentionSweeper).sweep(BENCH, { tenantId: backlog })),
      );
      const backlogSeconds = (performance.now() - t) / 1000;
      const cleared = results.reduce((n, r) => n + r.destroyed, 0);
      const left = await count(
        app,
        `SELECT count(*)::int AS n FROM orders WHERE tenant_id = $1 AND pii_state = 'present'`,
        [backlog],
      );
      o.print(
        `  backlog: ${cleared} overdue orders cleared in ${backlogSeconds.toFixed(1)} s by ${o.workers} concurrent sweep(s) ` +
          `paced at ${config.retention.dutyPercent} % duty = ${(cleared / backlogSeconds).toFixed(0)} orders/s; ${left} left; ` +
          `1,000,000 at this rate: ${(1_000_000 / (cleared / backlogSeconds) / 60).toFixed(1)} min (goal ≤ 5)`,
      );
      const ingestDuringSweep =
        target.kind === 'server'
          ? await ingestBesideSweep(app, o, { url: target.url, masterKey })
          : notMeasured(o.print, 'needs a PostgreSQL server: DATABASE_URL; an embedded database serves one process');
      return { ratio, backlogSeconds, ingestDuringSweep };
    } finally {
      await app.close();
    }
  });
}

const SLICE_SECONDS = 2;
const INGEST_BACKLOG = 300_000;
const MAX_SLICE_PAIRS = 10;
const WARM_UP_SECONDS = 5;

/**
 * Ingest from a separate process while a second backlog is swept, beside the same ingest with the sweep held.
 * Ingest slows as it runs (its tables grow, checkpoints come), so idle and busy are measured in alternating
 * slices of a few seconds: the sweep is held at its next batch for an idle slice and released for a busy one,
 * and the drift falls on both sides alike.
 */
async function ingestBesideSweep(
  app: INestApplicationContext,
  o: DestroyBenchOptions,
  db: { url: string; masterKey: string },
): Promise<number> {
  // Enough backlog for the slices (the clearing time was measured above).
  const backlog = await seedTenant(app, 'bench backlog beside ingest', Math.min(o.orders, INGEST_BACKLOG));
  const ingestTenant = (await app.get(TenantsService).create(BENCH, 'bench ingest')).tenantId;
  await analyze(app);
  const ingest = await IngestProcess.start({ ...db, tenantId: ingestTenant, now: NOW.toISOString() });
  try {
    await ingest.run(WARM_UP_SECONDS);
    const gate = new Gate();
    let sweeping = true;
    const sweeps = Promise.all(
      Array.from({ length: o.workers }, () =>
        app.get(RetentionSweeper).sweep(BENCH, { tenantId: backlog, beforeBatch: () => gate.passed() }),
      ),
    ).finally(() => {
      sweeping = false;
      ingest.stop();
    });
    const idle: IngestRun[] = [];
    const busy: IngestRun[] = [];
    for (let pair = 0; pair < MAX_SLICE_PAIRS && sweeping; pair++) {
      gate.close();
      const quiet = await ingest.run(SLICE_SECONDS);
      gate.open();
      const loaded = await ingest.run(SLICE_SECONDS);
      if (!sweeping) break; // the sweep ended within the slice: not a busy slice
      idle.push(quiet);
      busy.push(loaded);
    }
    gate.open();
    await sweeps;
    if (!busy.length) return notMeasured(o.print, 'the sweep ended before one slice; seed a larger --orders');
    const rate = (runs: IngestRun[]) =>
      runs.reduce((n, r) => n + r.orders, 0) / runs.reduce((n, r) => n + r.seconds, 0);
    const ratio = rate(busy) / rate(idle);
    o.print(
      `  ingest (separate process, ${busy.length} × ${SLICE_SECONDS} s slices each): sweep held ${rate(idle).toFixed(0)} orders/s, ` +
        `sweeping ${rate(busy).toFixed(0)} orders/s; ratio ${ratio.toFixed(2)} (goal ≥ 0.8)`,
    );
    return ratio;
  } finally {
    await ingest.close();
  }
}

function notMeasured(print: (line: string) => void, why: string): number {
  print(`  ingest during a sweep: not measured (${why})`);
  return Number.NaN;
}

/** Holds sweepers at their next batch while closed. */
class Gate {
  private waiting: Promise<void> | null = null;
  private release: (() => void) | null = null;

  close(): void {
    if (!this.waiting) this.waiting = new Promise((r) => (this.release = r));
  }

  open(): void {
    this.release?.();
    this.waiting = null;
    this.release = null;
  }

  passed(): Promise<void> {
    return this.waiting ?? Promise.resolve();
  }
}

/** A tenant with `n` delivered orders past their window: one ingested for real, copied by SQL with its key. */
async function seedTenant(app: INestApplicationContext, name: string, n: number): Promise<string> {
  const tenantId = (await app.get(TenantsService).create(BENCH, name)).tenantId;
  const template = canonicalOrder(1, {
    status: 'delivered',
    rawStatus: 'SHIPPED',
    shippedAt: new Date(DELIVERED.getTime() - 86_400_000),
    deliveredAt: DELIVERED,
  });
  const [templateId] = (
    await app
      .get(TransactionManager)
      .run((tx) => app.get(OrderIngestService).ingestPage(tx, { tenantId, connectionId: tenantId }, [template]))
  ).orderIds;
  const ds = app.get(DataSource);
  const step = 100_000;
  for (let from = 1; from < n; from += step) {
    const to = Math.min(n - 1, from + step - 1);
    // Ids derived from the tenant and the row number, so the order and its key row agree.
    await ds.query(
      `INSERT INTO orders (tenant_id, order_id, connection_id, marketplace, marketplace_order_id, sales_channel, status,
              raw_status, purchased_at, marketplace_updated_at, shipped_at, delivered_at, cancelled_at,
              latest_delivery_at, fulfilment_channel, retention_anchor_at, currency, total_amount, line_items,
              ship_to_country, pii_state, pii_ciphertext, pii_destroyed_at, content_hash, email_index, buyer_index,
              version, created_at, updated_at)
       SELECT o.tenant_id, md5(o.tenant_id::text || i)::uuid, o.connection_id, o.marketplace, 'bench-' || i,
              o.sales_channel, o.status, o.raw_status, o.purchased_at, o.marketplace_updated_at, o.shipped_at,
              o.delivered_at, o.cancelled_at, o.latest_delivery_at, o.fulfilment_channel,
              o.retention_anchor_at - make_interval(secs => i), o.currency, o.total_amount, o.line_items,
              o.ship_to_country, o.pii_state, o.pii_ciphertext, o.pii_destroyed_at, o.content_hash,
              o.email_index, o.buyer_index, o.version, o.created_at, o.updated_at
         FROM orders o, generate_series($3::int, $4::int) AS i
        WHERE o.tenant_id = $1 AND o.order_id = $2`,
      [tenantId, templateId, from, to],
    );
    await ds.query(
      `INSERT INTO data_keys (tenant_id, subject_id, purpose, tenant_key_version, wrapped_key, created_at)
       SELECT k.tenant_id, md5(k.tenant_id::text || i)::uuid, k.purpose, k.tenant_key_version, k.wrapped_key, k.created_at
         FROM data_keys k, generate_series($3::int, $4::int) AS i
        WHERE k.tenant_id = $1 AND k.subject_id = $2`,
      [tenantId, templateId, from, to],
    );
  }
  return tenantId;
}

/** The baseline: the bare minimum of destroying, in batches of the same size, one transaction each. */
async function rawDestroy(app: INestApplicationContext, tenantId: string, batch: number): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await app.get(TransactionManager).run(async (tx) => {
      const [rows]: [Array<{ order_id: string }>, number] = await tx.query(
        `UPDATE orders SET pii_ciphertext = NULL
          WHERE (tenant_id, order_id) IN (
            SELECT tenant_id, order_id FROM orders
             WHERE tenant_id = $1 AND pii_ciphertext IS NOT NULL LIMIT $2 FOR UPDATE SKIP LOCKED)
          RETURNING order_id`,
        [tenantId, batch],
      );
      await tx.query(`DELETE FROM data_keys WHERE tenant_id = $1 AND subject_id = ANY($2::uuid[])`, [
        tenantId,
        rows.map((r) => r.order_id),
      ]);
      return rows.length;
    });
    total += n;
    if (n < batch) return total;
  }
}

async function analyze(app: INestApplicationContext): Promise<void> {
  await app.get(DataSource).query('ANALYZE orders; ANALYZE data_keys');
}

async function count(app: INestApplicationContext, sql: string, params: unknown[]): Promise<number> {
  const [{ n }] = await app.get(DataSource).query(sql, params);
  return n;
}
