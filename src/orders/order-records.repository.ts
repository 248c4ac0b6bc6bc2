import { Injectable } from '@nestjs/common';
import type { Tx } from '../platform/database/transaction-manager';

/** An order record claimed for deletion (locked until the batch commits). */
export interface ExpiredOrder {
  readonly orderId: string;
  readonly connectionId: string;
  readonly marketplace: string;
  readonly marketplaceOrderId: string;
  readonly purchasedAt: Date;
}

/** The SQL of deleting expired order records. Every method runs in the caller's transaction. */
@Injectable()
export class OrderRecordsRepository {
  /**
   * Up to `limit` orders of one marketplace purchased at or before `purchasedBefore` whose buyer data is gone,
   * oldest first, locked; rows another transaction holds are skipped, as are `skipOrderIds` (legal holds).
   * Range scan of `orders_purchased_idx`.
   */
  async claimExpired(
    tx: Tx,
    tenantId: string,
    marketplace: string,
    purchasedBefore: Date,
    skipOrderIds: readonly string[],
    limit: number,
  ): Promise<ExpiredOrder[]> {
    const rows: Array<{
      order_id: string;
      connection_id: string;
      marketplace: string;
      marketplace_order_id: string;
      purchased_at: Date;
    }> = await tx.query(
      `SELECT order_id, connection_id, marketplace, marketplace_order_id, purchased_at FROM orders
        WHERE tenant_id = $1 AND marketplace = $2 AND purchased_at <= $3 AND pii_state <> 'present'
          AND NOT (order_id = ANY($4::uuid[]))
        ORDER BY purchased_at
        LIMIT $5
        FOR UPDATE SKIP LOCKED`,
      [tenantId, marketplace, purchasedBefore, skipOrderIds, limit],
    );
    return rows.map((r) => ({
      orderId: r.order_id,
      connectionId: r.connection_id,
      marketplace: r.marketplace,
      marketplaceOrderId: r.marketplace_order_id,
      purchasedAt: r.purchased_at,
    }));
  }

  /**
   * What `claimExpired` would find over all batches, without locking: orders of one marketplace purchased at or
   * before `purchasedBefore`, split into those a sweep deletes and those a legal hold keeps. Counted whatever
   * their buyer data's state: the same sweep destroys any that is left before it deletes records.
   */
  async countExpired(
    tx: Tx,
    tenantId: string,
    marketplace: string,
    purchasedBefore: Date,
    heldOrderIds: readonly string[],
  ): Promise<{ due: number; held: number }> {
    const [row]: Array<{ due: number; held: number }> = await tx.query(
      `SELECT count(*) FILTER (WHERE NOT (order_id = ANY($4::uuid[])))::int AS due,
              count(*) FILTER (WHERE order_id = ANY($4::uuid[]))::int AS held
         FROM orders
        WHERE tenant_id = $1 AND marketplace = $2 AND purchased_at <= $3`,
      [tenantId, marketplace, purchasedBefore, heldOrderIds],
    );
    return row;
  }

  /**
   * The orders' outbox events. The outbox has no index on the order (ingestion writes one event per order
   * and keeps that table to one secondary index), so this filters the tenant's range of the primary key.
   */
  async deleteOutbox(tx: Tx, tenantId: string, orderIds: readonly string[]): Promise<number> {
    // Their pull-feed positions go with them (a consumer's cursor simply moves on to the next one kept).
    const [deleted, n]: [Array<{ event_id: string }>, number] = await tx.query(
      `DELETE FROM outbox_events WHERE tenant_id = $1 AND order_id = ANY($2::uuid[]) RETURNING event_id`,
      [tenantId, orderIds],
    );
    if (deleted.length) {
      await tx.query(`DELETE FROM event_feed WHERE tenant_id = $1 AND event_id = ANY($2::uuid[])`, [
        tenantId,
        deleted.map((r) => r.event_id),
      ]);
    }
    return n;
  }

  async deleteOrders(
    tx: Tx,
    tenantId: string,
    orderIds: readonly string[],
  ): Promise<Array<{ orderId: string; marketplace: string }>> {
    const [rows]: [Array<{ order_id: string; marketplace: string }>, number] = await tx.query(
      `DELETE FROM orders WHERE tenant_id = $1 AND order_id = ANY($2::uuid[]) RETURNING order_id, marketplace`,
      [tenantId, orderIds],
    );
    return rows.map((r) => ({ orderId: r.order_id, marketplace: r.marketplace }));
  }

  /** Tenants with at least one order (a loose index scan over the primary key). */
  async tenantsWithOrders(tx: Tx): Promise<string[]> {
    const rows: Array<{ tenant_id: string }> = await tx.query(
      `WITH RECURSIVE t(tenant_id) AS (
         (SELECT tenant_id FROM orders ORDER BY tenant_id LIMIT 1)
         UNION ALL
         SELECT (SELECT o.tenant_id FROM orders o WHERE o.tenant_id > t.tenant_id ORDER BY o.tenant_id LIMIT 1)
           FROM t WHERE t.tenant_id IS NOT NULL)
       SELECT tenant_id FROM t WHERE tenant_id IS NOT NULL`,
    );
    return rows.map((r) => r.tenant_id);
  }
}
