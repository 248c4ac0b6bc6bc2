import type { INestApplicationContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { DataKeyService } from '../../src/crypto';
import type { MarketplaceName } from '../../src/marketplaces/canonical-order';
import { ORDER_PII_PURPOSE, OrderIngestService } from '../../src/orders';
import { TransactionManager } from '../../src/platform/database/transaction-manager';
import { canonicalOrder } from '../../src/sandbox/canonical-orders';
import { DEAD_LETTER_PURPOSE } from '../../src/sync/page-committer';

export const DAY = 86_400_000;

export interface SeededOrders {
  readonly orderIds: string[];
  /** Strings unique to these orders' buyers (serial-numbered names, e-mails, buyer ids). */
  readonly buyerNeedles: string[];
}

/**
 * Stores `count` delivered orders through the real ingestion path: anchored at
 * `deliveredAt` (rule 1), so due `window` days later.
 */
export async function seedDelivered(
  app: INestApplicationContext,
  tenantId: string,
  options: { marketplace: MarketplaceName; count: number; deliveredAt: Date; firstIndex: number },
): Promise<SeededOrders> {
  const orders = Array.from({ length: options.count }, (_, i) =>
    canonicalOrder(options.firstIndex + i, {
      marketplace: options.marketplace,
      status: 'delivered',
      rawStatus: 'SHIPPED',
      shippedAt: new Date(options.deliveredAt.getTime() - DAY),
      deliveredAt: options.deliveredAt,
    }),
  );
  const orderIds: string[] = [];
  const connectionId = randomUUID();
  for (let i = 0; i < orders.length; i += 500) {
    const summary = await app
      .get(TransactionManager)
      .run((tx) => app.get(OrderIngestService).ingestPage(tx, { tenantId, connectionId }, orders.slice(i, i + 500)));
    orderIds.push(...summary.orderIds);
  }
  const buyerNeedles = orders.flatMap((o) => [o.pii!.email!, o.pii!.buyerName!.split(' ')[1]]);
  return { orderIds, buyerNeedles };
}

export const sql = <T = Record<string, unknown>>(
  app: INestApplicationContext,
  text: string,
  params: unknown[] = [],
): Promise<T[]> => app.get(DataSource).query(text, params);

/** Receipts (`pii.destroyed` entries) of a tenant: their order ids and reasons, in log order. */
export const receipts = (app: INestApplicationContext, tenantId: string) =>
  sql<{ order_ids: string[] | null; reason: string; actor_id: string }>(
    app,
    `SELECT targets->'orderIds' AS order_ids, reason, actor_id FROM audit_entries
      WHERE tenant_id = $1 AND action = 'pii.destroyed' ORDER BY seq`,
    [tenantId],
  );

/**
 * Opens every sealed value still in the database that its key still opens (orders' buyer
 * data, dead-letter payloads) and returns the plaintexts: what anyone holding the master
 * key could still read.
 */
export async function everythingStillReadable(app: INestApplicationContext): Promise<string[]> {
  const sealed = await sql<{ tenant_id: string; subject_id: string; ciphertext: Buffer; purpose: string }>(
    app,
    `SELECT tenant_id, order_id AS subject_id, pii_ciphertext AS ciphertext, '${ORDER_PII_PURPOSE}' AS purpose
       FROM orders WHERE pii_ciphertext IS NOT NULL
     UNION ALL
     SELECT tenant_id, dead_letter_id, payload_ciphertext, '${DEAD_LETTER_PURPOSE}'
       FROM dead_letters WHERE payload_ciphertext IS NOT NULL`,
  );
  const keys = app.get(DataKeyService);
  return app.get(TransactionManager).run(async (tx) => {
    const out: string[] = [];
    for (const s of sealed) {
      const handle = (await keys.openDataKeys(tx, s.tenant_id, [s.subject_id])).get(s.subject_id);
      if (handle) out.push(handle.open(s.purpose as typeof ORDER_PII_PURPOSE, s.ciphertext).toString('utf8'));
    }
    return out;
  });
}
