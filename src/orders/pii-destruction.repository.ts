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

/** Per-marketplace figures of a tenant's retention (counts and an instant; no ids, no data). */
export interface RetentionCounts {
  readonly marketplace: string;
  /** Orders still holding buyer data. */
  readonly withBuyerData: number;
  /** Due (anchor at or before the cutoff) and not held: what a sweep would destroy. */
  readonly due: number;
  /** Not yet due, due before the `soonBefore` line. */
  readonly dueSoon: number;
  /** Due but kept by a legal hold. */
  readonly heldDue: number;
  /** Holding buyer data under a legal hold, due or not. */
  readonly held: number;
  /** The oldest anchor of buyer data not held (its due date is this plus the window). */
  readonly earliestAnchor: Date | null;
  /** Buyer data destroyed at or after `destroyedSince`. */
  readonly destroyedSince: number;
}
/**
 * Orders whose buyer data is to be destroyed now, whatever their retention anchor: one buyer's orders
 * (found by the per-tenant blind index of their marketplace buyer id), or every order of one connection.
 */
export type DestructionSelector =
  | { readonly kind: 'buyer'; readonly marketplace: string; readonly buyerIndex: Buffer }
  | { readonly kind: 'connection'; readonly connectionId: string };

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
    const { rows } = await driverQuery<ClaimRow>(
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
    return rows.map(toClaimedOrder);
  }

  /**
   * Up to `limit` orders matching the selector that still hold buyer data, locked like `claimDue`
   * (rows another transaction holds are skipped; `holding` tells whether any are left).
   */
  async claimMatching(
    tx: Tx,
    tenantId: string,
    selector: DestructionSelector,
    limit: number,
    skip: readonly string[] = [],
  ): Promise<ClaimedOrder[]> {
    const { where, params } = matching(selector);
    // Orders kept by a legal hold are not claimed (the parameter after the selector's).
    const skipAt = params.length + 3;
    const { rows } = await driverQuery<ClaimRow>(
      tx,
      `SELECT order_id, connection_id, marketplace, marketplace_order_id, retention_anchor_at FROM orders
        WHERE tenant_id = $1 AND pii_state = 'present' AND ${where}
          AND NOT (order_id = ANY($${skipAt}::uuid[]))
        ORDER BY order_id
        LIMIT $2
        FOR UPDATE SKIP LOCKED`,
      [tenantId, limit, ...params, skip],
    );
    return rows.map(toClaimedOrder);
  }

  /** Whether any order matching the selector still holds buyer data (locked ones included). */
  async holding(tx: Tx, tenantId: string, selector: DestructionSelector): Promise<boolean> {
    const { where, params } = matching(selector);
    const rows: unknown[] = await tx.query(
      `SELECT 1 FROM orders WHERE tenant_id = $1 AND pii_state = 'present' AND ${where} LIMIT $2`,
      [tenantId, 1, ...params],
    );
    return rows.length > 0;
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
  async tenantsHoldingPii(tx: Tx, marketplace: string | null = null): Promise<string[]> {
    const rows: Array<{ tenant_id: string }> = await tx.query(
      `WITH RECURSIVE t(tenant_id) AS (
         (SELECT tenant_id FROM orders WHERE pii_state = 'present' AND ($1::text IS NULL OR marketplace = $1)
           ORDER BY tenant_id LIMIT 1)
         UNION ALL
         SELECT (SELECT o.tenant_id FROM orders o
                  WHERE o.pii_state = 'present' AND ($1::text IS NULL OR o.marketplace = $1) AND o.tenant_id > t.tenant_id
                  ORDER BY o.tenant_id LIMIT 1)
           FROM t WHERE t.tenant_id IS NOT NULL)
       SELECT tenant_id FROM t WHERE tenant_id IS NOT NULL`,
      [marketplace],
    );
    return rows.map((r) => r.tenant_id);
  }

  /**
   * What a tenant holds and what is due, per marketplace, for previews, status and metrics:
   * orders still holding buyer data, those due (anchored at or before the marketplace's cutoff)
   * and due soon (before `soonBefore`), the due ones kept by a hold (`heldOrderIds`), the
   * earliest anchor not held, and buyer data destroyed since `destroyedSince`. Counts only.
   */
  async retentionCounts(
    tx: Tx,
    tenantId: string,
    cutoffs: ReadonlyArray<{ marketplace: string; anchorBefore: Date; soonBefore: Date }>,
    heldOrderIds: readonly string[],
    destroyedSince: Date,
  ): Promise<RetentionCounts[]> {
    const rows: Array<{
      marketplace: string;
      with_pii: number;
      due: number;
      due_soon: number;
      held_due: number;
      held: number;
      earliest_anchor: Date | null;
      destroyed_since: number;
    }> = await tx.query(
      `WITH c AS (SELECT * FROM unnest($2::text[], $3::timestamptz[], $4::timestamptz[])
                    AS c(marketplace, anchor_before, soon_before))
       SELECT c.marketplace,
              count(o.order_id) FILTER (WHERE o.pii_state = 'present')::int AS with_pii,
              count(o.order_id) FILTER (WHERE o.pii_state = 'present' AND o.retention_anchor_at <= c.anchor_before
                                          AND NOT o.order_id = ANY($5::uuid[]))::int AS due,
              count(o.order_id) FILTER (WHERE o.pii_state = 'present' AND o.retention_anchor_at > c.anchor_before
                                          AND o.retention_anchor_at <= c.soon_before
                                          AND NOT o.order_id = ANY($5::uuid[]))::int AS due_soon,
              count(o.order_id) FILTER (WHERE o.pii_state = 'present' AND o.retention_anchor_at <= c.anchor_before
                                          AND o.order_id = ANY($5::uuid[]))::int AS held_due,
              count(o.order_id) FILTER (WHERE o.pii_state = 'present' AND o.order_id = ANY($5::uuid[]))::int AS held,
              min(o.retention_anchor_at) FILTER (WHERE o.pii_state = 'present'
                                                   AND NOT o.order_id = ANY($5::uuid[])) AS earliest_anchor,
              count(o.order_id) FILTER (WHERE o.pii_state = 'destroyed' AND o.pii_destroyed_at >= $6)::int
                AS destroyed_since
         FROM c LEFT JOIN orders o ON o.tenant_id = $1 AND o.marketplace = c.marketplace
                  AND (o.pii_state = 'present' OR o.pii_destroyed_at >= $6)
        GROUP BY c.marketplace ORDER BY c.marketplace`,
      [
        tenantId,
        cutoffs.map((c) => c.marketplace),
        cutoffs.map((c) => c.anchorBefore),
        cutoffs.map((c) => c.soonBefore),
        heldOrderIds,
        destroyedSince,
      ],
    );
    return rows.map((r) => ({
      marketplace: r.marketplace,
      withBuyerData: r.with_pii,
      due: r.due,
      dueSoon: r.due_soon,
      heldDue: r.held_due,
      held: r.held,
      earliestAnchor: r.earliest_anchor,
      destroyedSince: r.destroyed_since,
    }));
  }

  /**
   * The oldest anchor of buyer data still held in one marketplace of a tenant, leaving out
   * orders under a legal hold: a walk of the partial anchor index from its start.
   */
  async earliestAnchor(
    tx: Tx,
    tenantId: string,
    marketplace: string,
    heldOrderIds: readonly string[],
  ): Promise<Date | null> {
    const rows: Array<{ anchor: Date }> = await tx.query(
      `SELECT retention_anchor_at AS anchor FROM orders
        WHERE tenant_id = $1 AND marketplace = $2 AND pii_state = 'present' AND NOT (order_id = ANY($3::uuid[]))
        ORDER BY retention_anchor_at LIMIT 1`,
      [tenantId, marketplace, heldOrderIds],
    );
    return rows[0]?.anchor ?? null;
  }

  /** Orders still holding buyer data under legal holds (whole tenants, or listed orders), per marketplace. */
  async countHeld(
    tx: Tx,
    wholeTenants: readonly string[],
    orders: ReadonlyArray<{ tenantId: string; orderId: string }>,
  ): Promise<Array<{ marketplace: string; count: number }>> {
    if (!wholeTenants.length && !orders.length) return [];
    const rows: Array<{ marketplace: string; n: number }> = await tx.query(
      `SELECT marketplace, count(*)::int AS n FROM orders
        WHERE pii_state = 'present'
          AND (tenant_id = ANY($1::uuid[])
               OR (tenant_id, order_id) IN (SELECT * FROM unnest($2::uuid[], $3::uuid[])))
        GROUP BY marketplace`,
      [wholeTenants, orders.map((o) => o.tenantId), orders.map((o) => o.orderId)],
    );
    return rows.map((r) => ({ marketplace: r.marketplace, count: r.n }));
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

/** The WHERE clause of a selector; its parameters are numbered from $3 ($1 tenant, $2 limit). */
function matching(selector: DestructionSelector): { where: string; params: unknown[] } {
  return selector.kind === 'buyer'
    ? { where: 'marketplace = $3 AND buyer_index = $4', params: [selector.marketplace, selector.buyerIndex] }
    : { where: 'connection_id = $3', params: [selector.connectionId] };
}

/** The columns both claims select, as the destruction step takes them. */
interface ClaimRow {
  order_id: string;
  connection_id: string;
  marketplace: string;
  marketplace_order_id: string;
  retention_anchor_at: Date;
}

function toClaimedOrder(r: ClaimRow): ClaimedOrder {
  return {
    orderId: r.order_id,
    connectionId: r.connection_id,
    marketplace: r.marketplace,
    marketplaceOrderId: r.marketplace_order_id,
    retentionAnchorAt: r.retention_anchor_at,
  };
}
