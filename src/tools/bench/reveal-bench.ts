import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { ApiKeysService } from '../../access/api-keys.service';
import { systemActor } from '../../auth';
import { AppModule, type AppOptions } from '../../app.module';
import { AuditLog } from '../../audit';
import { loadConfig } from '../../config';
import type { CanonicalOrder } from '../../marketplaces/canonical-order';
import { OrderIngestService } from '../../orders';
import { configureHttpApp, createHttpApp } from '../../http-app';
import { ManualClock } from '../../platform/clock/clock';
import { TransactionManager } from '../../platform/database/transaction-manager';
import { AppLogger } from '../../platform/logging/app-logger';
import { canonicalOrder } from '../../sandbox/canonical-orders';
import { TenantsService } from '../../tenants/tenants.service';
import { median, withScratchDatabase } from './scratch-database';

export interface RevealBenchOptions {
  readonly databaseUrl?: string;
  readonly tenants: number;
  readonly requests: number;
  readonly concurrency: number;
  readonly rounds: number;
  readonly print: (line: string) => void;
}

/**
 * Buyer-data reveal requests per second over HTTP (authentication, the reveal
 * decision, order read, key unwrap, decryption, and the hash-chained access-log
 * entry committed in the same transaction) beside the very same requests served
 * by the same application whose access log is replaced by a no-op, in one run,
 * alternating round by round against one database.
 */
export async function runRevealBench(o: RevealBenchOptions): Promise<{ overhead: number }> {
  return withScratchDatabase(o.databaseUrl, async (target, label) => {
    const options: AppOptions = {
      config: loadConfig({
        NODE_ENV: 'test',
        ORDERVAULT_MASTER_KEY: randomBytes(32).toString('base64'),
        SYNC_SCHEDULER_ENABLED: 'false',
        LOG_LEVEL: 'error',
      }),
      clock: new ManualClock('2026-11-20T12:00:00Z'),
      database: target.kind === 'server' ? { ...target, poolSize: o.concurrency + 2 } : target,
      migrateOnStart: true,
      logger: new AppLogger({ level: 'error', destination: 'stderr' }),
    };
    const audited = await createHttpApp(options);
    await audited.listen(0, '127.0.0.1');
    // PGlite is one in-process session: a second application cannot share it.
    const unaudited = target.kind === 'server' ? await withoutAccessLog(options) : audited;
    try {
      const seeded = await seed(audited, o.tenants);
      return await measure(url(audited), target.kind === 'server' ? url(unaudited) : null, seeded, o, label);
    } finally {
      if (unaudited !== audited) await unaudited.close();
      await audited.close();
    }
  });
}

/** The same application with the access log replaced by a no-op (the benchmark's baseline only). */
async function withoutAccessLog(options: AppOptions): Promise<INestApplication> {
  const noop = {
    append: async () => ({ chainId: '', seq: '0', hash: '' }),
    record: async () => ({ chainId: '', seq: '0', hash: '' }),
  };
  const module = await Test.createTestingModule({ imports: [AppModule.forRoot({ ...options, migrateOnStart: false })] })
    .overrideProvider(AuditLog)
    .useValue(noop)
    .compile();
  const app = configureHttpApp(module.createNestApplication({ logger: false }));
  await app.listen(0, '127.0.0.1');
  return app;
}

const url = (app: INestApplication) => `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;

interface Seeded {
  auth: string;
  orderIds: string[];
}

const BENCH = systemActor('bench', null);

async function seed(app: INestApplication, tenants: number): Promise<Seeded[]> {
  const out: Seeded[] = [];
  for (let t = 0; t < tenants; t++) {
    const tenant = await app.get(TenantsService).create(BENCH, `bench ${t}`);
    const orders: CanonicalOrder[] = Array.from({ length: 50 }, (_, i) => canonicalOrder(t * 1000 + i, {}, 'bench'));
    const summary = await app
      .get(TransactionManager)
      .run((tx) =>
        app
          .get(OrderIngestService)
          .ingestPage(tx, { tenantId: tenant.tenantId, connectionId: tenant.tenantId }, orders),
      );
    const key = await app.get(ApiKeysService).createSellerKey(BENCH, tenant.tenantId, {
      label: 'bench',
      scopes: ['orders:read_pii'],
    });
    out.push({ auth: `Bearer ${key.key}`, orderIds: [...summary.orderIds] });
  }
  return out;
}

async function measure(
  audited: string,
  unaudited: string | null,
  seeded: Seeded[],
  o: RevealBenchOptions,
  label: string,
) {
  let n = 0;
  const request = async (base: string) => {
    const s = seeded[n % seeded.length];
    const orderId = s.orderIds[Math.floor(n / seeded.length) % s.orderIds.length];
    n++;
    const res = await fetch(`${base}/v1/orders/${orderId}/reveal`, {
      method: 'POST',
      headers: { Authorization: s.auth, 'X-Access-Reason': 'benchmark: customer asked about delivery' },
    });
    if (res.status !== 200) throw new Error(`reveal answered ${res.status}`);
    await res.arrayBuffer();
  };
  const round = async (base: string) => {
    let left = o.requests;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: o.concurrency }, async () => {
        while (left-- > 0) await request(base);
      }),
    );
    return o.requests / ((performance.now() - started) / 1000);
  };
  await round(audited);
  if (!unaudited) {
    const rates = [];
    for (let r = 0; r < o.rounds; r++) rates.push(await round(audited));
    o.print(`reveal benchmark on ${label}`);
    o.print(`  with access log      ${median(rates).toFixed(0).padStart(7)} reveals/s`);
    o.print('  (embedded database: one session, so no second application for the baseline; set DATABASE_URL)');
    return { overhead: Number.NaN };
  }
  await round(unaudited);
  // Pairs of rounds, each pair measured back to back so drift and noise from the rest of the
  // machine hit both sides alike; the overhead is the median over the pairs.
  const withLog: number[] = [];
  const without: number[] = [];
  const overheads: number[] = [];
  for (let r = 0; r < o.rounds; r++) {
    const first = r % 2 === 0;
    const a = first ? await round(audited) : 0;
    const b = await round(unaudited);
    const a2 = first ? a : await round(audited);
    withLog.push(a2);
    without.push(b);
    overheads.push(1 - a2 / b);
  }
  const overhead = median(overheads);
  o.print(`reveal benchmark on ${label}`);
  o.print(
    `  POST /v1/orders/{id}/reveal over HTTP, ${o.tenants} tenants, ${o.requests} requests per round, ${o.concurrency} concurrent, ${o.rounds} pairs of rounds`,
  );
  o.print(
    `  with access log       ${median(withLog).toFixed(0).padStart(6)} reveals/s  (rounds: ${withLog.map((x) => x.toFixed(0)).join(', ')})`,
  );
  o.print(
    `  same requests, no log ${median(without).toFixed(0).padStart(6)} reveals/s  (rounds: ${without.map((x) => x.toFixed(0)).join(', ')})`,
  );
  o.print(
    `  overhead              ${(overhead * 100).toFixed(1)} %  (median of per-pair overheads: ${overheads.map((x) => (x * 100).toFixed(0)).join(', ')} %; goal <= 20 %)`,
  );
  return { overhead };
}
