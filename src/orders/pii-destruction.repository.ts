import { Injectable } from '@nestjs/common';
import { driverQuery } from '../platform/database/driver-query';
import type { Tx } from '../platform/database/transaction-manager';
import type { OrderStatus } from '../marketplaces/canonical-order';

/** An order claimed for destruction (locked until the batch commits). */
export interface ClaimedOrder {
  readonly orderId: string;
  readonly connectionId: string;
  readonly marketplace: string;
  readonly marketplaceOrderId: string;
  readonly retentionAnchorAt: Date;
}

export interface DestroyedRow extends ClaimedOrder {
  readonly status: OrderStatus;
  readonly version: number;
}

/** The buyer half of `content_hash` once nothing is held: the same zeros ingestion uses for "no buyer data". */
const NO_PII_DIGEST = Buffer.alloc(32);

/** The SQL of destroying buyer data in `orders`. Every method runs in the caller's transaction. */
@Injectable()
export class PiiDestructionRepository {
  /**
   * Up to `limit` orders of one marketplace still holding buyer data whose anchor is at or
   * before `anchorBefore`, oldest first, locked; rows another transaction holds (a sync page,
   * a reveal, another sweep) are skipped, not waited for. `fromAnchor` resumes a scan where
   * the previous batch stopped, so a long backlog is not re-walked from its start.
   */
  async claimDue(
    tx: Tx,
    tenantId: string,
    marketplace: string,
    window: { anchorBefore: Date; fromAnchor: Date | null },
    skipOrderIds: readonly string[],
    limit: number,
  ): Promise<ClaimedOrder[]> {
    const { rows } = await driverQuery<{
      order_id: string;
      connection_id: string;
      marketplace: string;
      marketplace_order_id: string;
      retention_anchor_at: Date;
    }>(
      tx,
      `SELECT order_id, connection_id, marketplace, marketplace_order_id, retention_anchor_at FROM orders
        WHERE tenant_id = $1 AND marketplace = $2 AND pii_state = 'present'
          AND retention_anchor_at <= $3 AND ($4::timestamptz IS NULL OR retention_anchor_at >= $4)
          AND NOT (order_id = ANY($5::uuid[]))
        ORDER BY retention_anchor_at
        LIMIT $6
        FOR UPDATE SKIP LOCKED`,
      [tenantId, marketplace, window.anchorBefore, window.fromAnchor, skipOrderIds, limit],
    );
    return rows.map((r) => ({
      orderId: r.order_id,
      connectionId: r.connection_id,
      marketplace: r.marketplace,
      marketplaceOrderId: r.marketplace_order_id,
      retentionAnchorAt: r.retention_anchor_at,
    }));
  }

  /** Clears the sealed data, both blind indexes and the buyer digest of claimed orders; bumps their version. */
  async clear(tx: Tx, tenantId: string, orderIds: readonly string[], now: Date): Promise<DestroyedRow[]> {
    if (!orderIds.length) return [];
    const { rows } = await driverQuery<{
      order_id: string;
      connection_id: string;
      marketplace: string;
      marketplace_order_id: string;
      retention_anchor_at: Date;
      status: OrderStatus;
      version: number;
    }>(
      tx,
      `UPDATE orders SET pii_ciphertext = NULL, email_index = NULL, buyer_index = NULL, pii_overrides = '{}',
              content_hash = substring(content_hash from 1 for 32) || $4::bytea,
              pii_state = 'destroyed', pii_destroyed_at = $3, version = version + 1, updated_at = $3
        WHERE tenant_id = $1 AND order_id = ANY($2::uuid[]) AND pii_state = 'present'
        RETURNING order_id, connection_id, marketplace, marketplace_order_id, retention_anchor_at, status, version`,
      [tenantId, orderIds, now, NO_PII_DIGEST],
    );
    return rows.map((r) => ({
      orderId: r.order_id,
      connectionId: r.connection_id,
      marketplace: r.marketplace,
      marketplaceOrderId: r.marketplace_order_id,
      retentionAnchorAt: r.retention_anchor_at,
      status: r.status,
      version: r.version,
    }));
  }

  /**
   * Tenants with at least one order still holding buyer data: a loose index scan over the
   * partial anchor index (one probe per tenant, however many orders each holds).
   */
  async tenantsHoldingPii(tx: Tx): Promise<string[]> {
    const rows: Array<{ tenant_id: string }> = await tx.query(
      `WITH RECURSIVE t(tenant_id) AS (
         (SELECT tenant_id FROM orders WHERE pii_state = 'present' ORDER BY tenant_id LIMIT 1)
         UNION ALL
         SELECT (SELECT o.tenant_id FROM orders o WHERE o.pii_state = 'present' AND o.tenant_id > t.tenant_id
                  ORDER BY o.tenant_id LIMIT 1)
           FROM t WHERE t.tenant_id IS NOT NULL)
       SELECT tenant_id FROM t WHERE tenant_id IS NOT NULL`,
    );
    return rows.map((r) => r.tenant_id);
  }

  /** Which of these marketplace orders have had their buyer data destroyed. */
  async destroyedAmong(
    tx: Tx,
    tenantId: string,
    marketplace: string,
    marketplaceOrderIds: readonly string[],
  ): Promise<Set<string>> {
    if (!marketplaceOrderIds.length) return new Set();
    const rows: Array<{ marketplace_order_id: string }> = await tx.query(
      `SELECT marketplace_order_id FROM orders
        WHERE tenant_id = $1 AND marketplace = $2 AND marketplace_order_id = ANY($3::text[]) AND pii_state = 'destroyed'`,
      [tenantId, marketplace, marketplaceOrderIds],
    );
    return new Set(rows.map((r) => r.marketplace_order_id));
  }
}
