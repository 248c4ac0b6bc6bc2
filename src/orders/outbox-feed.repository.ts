import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Tx } from '../platform/database/transaction-manager';
import type { OrderEventType } from './outbox-event.entity';

/** An outbox event at its feed position, with the non-PII facts its payload carries. */
export interface FeedRow {
  readonly position: string;
  readonly eventId: string;
  readonly type: OrderEventType;
  readonly orderId: string;
  readonly orderVersion: number;
  readonly marketplace: string;
  readonly marketplaceOrderId: string;
  readonly status: string;
  readonly occurredAt: Date;
}

export interface FeedReadFilter {
  /** Positions strictly after this one. */
  readonly after: string;
  readonly types?: readonly string[];
  readonly onlyOrderIds?: readonly string[];
  readonly limit: number;
}

/**
 * Feed positions for outbox events.
 *
 * Why not `seq`: it is drawn at INSERT, so a transaction holding seq 10 can commit after
 * one holding seq 11, and a reader paging by `seq > 11` never sees 10. Positions are
 * handed out instead by one sequencer per tenant (the head row, locked) to events that
 * have already committed, so a late commit simply gets a later position.
 *
 * How the sequencer knows it has every committed event: each event records the id of
 * its writing transaction (`tx_id`). In a snapshot S, every transaction with an id below
 * `xmin(S)` has finished: its events, if it committed, are visible in S. After a pass
 * that saw S, the head stores `sequenced_below = xmin(S)`; the next pass need only look
 * at events with `tx_id >= sequenced_below` (those not yet placed). Within a pass,
 * events are placed in `seq` order, so two versions of one order (written under the
 * order's row lock, the later one after the earlier committed) keep their order.
 */
@Injectable()
export class OutboxFeedRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Whether any committed event of the tenant still lacks a position (a cheap read, no lock). */
  async hasUnplaced(tenantId: string): Promise<boolean> {
    const [row] = await this.dataSource.query(
      `SELECT EXISTS (
         SELECT 1 FROM outbox_events o
          WHERE o.tenant_id = $1
            AND o.tx_id >= COALESCE((SELECT sequenced_below FROM event_feed_heads WHERE tenant_id = $1), 0)
            AND NOT EXISTS (SELECT 1 FROM event_feed f WHERE f.tenant_id = $1 AND f.event_id = o.event_id)
       ) AS pending`,
      [tenantId],
    );
    return Boolean(row.pending);
  }

  /**
   * One sequencing pass in the caller's transaction: locks the tenant's head (passes
   * serialise), places up to `batch` committed events after the last position, and
   * moves the watermark when the pass saw everything. Returns how many were placed.
   */
  async place(tx: Tx, tenantId: string, batch: number): Promise<number> {
    await tx.query(
      `INSERT INTO event_feed_heads (tenant_id, position, sequenced_below) VALUES ($1, 0, 0)
       ON CONFLICT (tenant_id) DO NOTHING`,
      [tenantId],
    );
    const [head] = await tx.query(
      `SELECT position, sequenced_below FROM event_feed_heads WHERE tenant_id = $1 FOR UPDATE`,
      [tenantId],
    );
    // One statement, one snapshot: the candidates and the xmin below which all of them are final.
    const [placed] = await tx.query(
      `WITH snap AS (SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS xmin),
            candidates AS (
              SELECT o.event_id, o.seq FROM outbox_events o
               WHERE o.tenant_id = $1 AND o.tx_id >= $2
                 AND NOT EXISTS (SELECT 1 FROM event_feed f WHERE f.tenant_id = $1 AND f.event_id = o.event_id)
               ORDER BY o.seq
               LIMIT $4),
            placed AS (
              INSERT INTO event_feed (tenant_id, position, event_id)
              SELECT $1, $3::bigint + row_number() OVER (ORDER BY c.seq), c.event_id FROM candidates c
              RETURNING position)
       SELECT (SELECT count(*) FROM placed)::int AS n, (SELECT xmin FROM snap)::text AS xmin`,
      [tenantId, head.sequenced_below, head.position, batch],
    );
    const n = placed.n as number;
    // A full batch may have left committed events behind: keep the watermark until a pass sees them all.
    await tx.query(
      `UPDATE event_feed_heads
          SET position = position + $2,
              sequenced_below = CASE WHEN $3 THEN GREATEST(sequenced_below, $4::bigint) ELSE sequenced_below END
        WHERE tenant_id = $1`,
      [tenantId, n, n < batch, placed.xmin],
    );
    return n;
  }

  /** The last position handed out (every position up to it is committed and readable). */
  async lastPosition(tenantId: string): Promise<string> {
    const [row] = await this.dataSource.query(`SELECT position FROM event_feed_heads WHERE tenant_id = $1`, [tenantId]);
    return row ? String(row.position) : '0';
  }

  /** Events after a position, up to `upTo` (read first, so no position is passed over unseen). */
  async read(tenantId: string, upTo: string, f: FeedReadFilter): Promise<FeedRow[]> {
    const params: unknown[] = [tenantId, f.after, upTo, f.limit];
    let where = '';
    if (f.types) {
      params.push(f.types);
      where += ` AND o.type = ANY($${params.length}::text[])`;
    }
    if (f.onlyOrderIds) {
      params.push(f.onlyOrderIds);
      where += ` AND o.order_id = ANY($${params.length}::uuid[])`;
    }
    const rows: Array<Record<string, unknown>> = await this.dataSource.query(
      `SELECT f.position::text AS position, o.event_id, o.type, o.order_id, o.order_version, o.occurred_at,
              o.payload->>'marketplace' AS marketplace, o.payload->>'marketplaceOrderId' AS marketplace_order_id,
              o.payload->>'status' AS status
         FROM event_feed f
         JOIN outbox_events o ON o.tenant_id = f.tenant_id AND o.event_id = f.event_id
        WHERE f.tenant_id = $1 AND f.position > $2::bigint AND f.position <= $3::bigint${where}
        ORDER BY f.position
        LIMIT $4`,
      params,
    );
    return rows.map((r) => ({
      position: r.position as string,
      eventId: r.event_id as string,
      type: r.type as OrderEventType,
      orderId: r.order_id as string,
      orderVersion: r.order_version as number,
      marketplace: r.marketplace as string,
      marketplaceOrderId: r.marketplace_order_id as string,
      status: r.status as string,
      occurredAt: r.occurred_at as Date,
    }));
  }
}
