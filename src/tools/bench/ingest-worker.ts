/**
 * A separate ingest process for the `destroy` benchmark: ingestion runs on its own replica in production, so its
 * throughput beside a sweep is measured from its own process (its own event loop and pool), not from the
 * sweep's. Driven by its parent over the IPC channel:
 *   parent → {init} → child boots the app on the same database and master key → {ready}
 *   parent → {ingest, seconds} → child ingests pages until then or until {stop} → {result}
 *   parent → {exit}
 */
import 'reflect-metadata';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import { AppModule } from '../../app.module';
import { loadConfig } from '../../config';
import { OrderIngestService } from '../../orders';
import { ManualClock } from '../../platform/clock/clock';
import { TransactionManager } from '../../platform/database/transaction-manager';
import { AppLogger } from '../../platform/logging/app-logger';
import { canonicalOrder } from '../../sandbox/canonical-orders';

export type IngestWorkerRequest =
  | {
      readonly type: 'init';
      readonly url: string;
      readonly masterKey: string;
      readonly tenantId: string;
      readonly now: string;
    }
  | { readonly type: 'ingest'; readonly seconds: number }
  | { readonly type: 'stop' }
  | { readonly type: 'exit' };

export type IngestWorkerReply =
  { readonly type: 'ready' } | { readonly type: 'result'; readonly orders: number; readonly seconds: number };

const PAGE = 100;

let app: INestApplicationContext | null = null;
let tenantId = '';
let stopRequested = false;
let nextOrderIndex = 1_000_000;

function send(reply: IngestWorkerReply): void {
  process.send?.(reply);
}

async function init(m: Extract<IngestWorkerRequest, { type: 'init' }>): Promise<void> {
  const config = loadConfig({
    NODE_ENV: 'test',
    ORDERVAULT_MASTER_KEY: m.masterKey,
    SYNC_SCHEDULER_ENABLED: 'false',
    LOG_LEVEL: 'error',
  });
  app = await NestFactory.createApplicationContext(
    AppModule.forRoot({
      config,
      clock: new ManualClock(m.now),
      database: { kind: 'server', url: m.url, poolSize: 2 },
      migrateOnStart: false,
      logger: new AppLogger({ level: 'error', destination: 'stderr' }),
    }),
    { logger: false },
  );
  tenantId = m.tenantId;
  send({ type: 'ready' });
}

async function ingest(seconds: number): Promise<void> {
  if (!app) throw new Error('ingest before init');
  const connectionId = randomUUID();
  const started = performance.now();
  let orders = 0;
  stopRequested = false;
  while (!stopRequested && performance.now() - started < seconds * 1000) {
    const page = Array.from({ length: PAGE }, () => canonicalOrder(nextOrderIndex++));
    const a = app;
    await a
      .get(TransactionManager)
      .run((tx) => a.get(OrderIngestService).ingestPage(tx, { tenantId, connectionId }, page));
    orders += PAGE;
  }
  send({ type: 'result', orders, seconds: (performance.now() - started) / 1000 });
}

process.on('message', (m: IngestWorkerRequest) => {
  const fail = (err: unknown) => {
    console.error(err);
    process.exit(1);
  };
  if (m.type === 'init') init(m).catch(fail);
  else if (m.type === 'ingest') ingest(m.seconds).catch(fail);
  else if (m.type === 'stop') stopRequested = true;
  else if (m.type === 'exit') {
    void (app?.close() ?? Promise.resolve()).finally(() => process.exit(0));
  }
});
