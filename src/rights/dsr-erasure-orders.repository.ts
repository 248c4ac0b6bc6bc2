import { Injectable } from '@nestjs/common';
import type { ClaimedOrder } from '../orders';
import type { Tx } from '../platform/database/transaction-manager';

/**
 * A background erasure's batch: the request's own order ids (found and recorded when it was received),
 * those still holding buyer data, locked in id order as every locker of many orders does. Read-only SQL on
 * `orders`: the destruction itself is orders/' step.
 */
@Injectable()
export class DsrErasureOrdersRepository {
  async lockHolding(tx: Tx, tenantId: string, orderIds: readonly string[]): Promise<ClaimedOrder[]> {
    const rows: Array<{
      order_id: string;
      connection_id: string;
      marketplace: string;
      marketplace_order_id: string;
      retention_anchor_at: Date;
    }> = await tx.query(
      `SELECT order_id, connection_id, marketplace, marketplace_order_id, retention_anchor_at FROM orders
        WHERE tenant_id = $1 AND order_id = ANY($2::uuid[]) AND pii_state = 'present'
        ORDER BY order_id FOR UPDATE`,
      [tenantId, orderIds],
    );
    return rows.map((r) => ({
      orderId: r.order_id,
      connectionId: r.connection_id,
      marketplace: r.marketplace,
      marketplaceOrderId: r.marketplace_order_id,
      retentionAnchorAt: r.retention_anchor_at,
    }));
  }
}
