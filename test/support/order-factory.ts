import type { INestApplicationContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { OrderIngestService } from '../../src/orders';
import { TransactionManager } from '../../src/platform/database/transaction-manager';
import { canonicalOrder } from '../../src/sandbox/canonical-orders';

export { canonicalOrder };

/** Stores `count` orders for a tenant through the real ingestion path; returns their order ids. */
export async function seedOrders(
  app: INestApplicationContext,
  tenantId: string,
  count: number,
  firstIndex = Math.floor(Math.random() * 1e6),
): Promise<string[]> {
  const orders = Array.from({ length: count }, (_, i) => canonicalOrder(firstIndex + i));
  const summary = await app
    .get(TransactionManager)
    .run((tx) => app.get(OrderIngestService).ingestPage(tx, { tenantId, connectionId: randomUUID() }, orders));
  return [...summary.orderIds];
}
