import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { driverQuery } from '../platform/database/driver-query';
import { OUTBOX_CHANNEL } from '../platform/database/notifications';
import type { Tx } from '../platform/database/transaction-manager';
import type { OrderEventType } from './outbox-event.entity';

/** An undispatched event, as the fan-out claims it. */
export interface PendingOutboxEvent {
  readonly tenantId: string;
  readonly eventId: string;
  readonly orderId: string;
  readonly type: OrderEventType;
  readonly orderVersion: number;
  readonly occurredAt: Date;
}

export interface NewOutboxEvent {
  readonly orderId: string;
  readonly type: OrderEventType;
  readonly orderVersion: number;
  readonly payload: Record<string, unknown>;
}

/** An event as an export lists it: what it announced and when it was queued and handed on. */
export interface OrderEventRecord {
  readonly orderId: string;
  readonly type: OrderEventType;
  readonly orderVersion: number;
  readonly occurredAt: Date;
  readonly dispatchedAt: Date | null;
}

@Injectable()
export class OutboxRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Appends events in the caller's transaction (they commit with the order change). */
  async append(tx: Tx, tenantId: string, events: readonly NewOutboxEvent[], occurredAt: Date): Promise<string[]> {
    if (!events.length) return [];
    const ids = events.map(() => randomUUID());
    // Column arrays + unnest: one statement with seven parameters per page.
    await driverQuery(
      tx,
      `INSERT INTO outbox_events (tenant_id, event_id, order_id, type, order_version, payload, occurred_at)
       SELECT $1, u.event_id, u.order_id, u.type, u.order_version, u.payload::jsonb, $2
         FROM unnest($3::uuid[], $4::uuid[], $5::text[], $6::int[], $7::text[])
           AS u(event_id, order_id, type, order_version, payload)`,
      [
        tenantId,
        occurredAt,
        ids,
        events.map((e) => e.orderId),
        events.map((e) => e.type),
        events.map((e) => e.orderVersion),
        events.map((e) => JSON.stringify(e.payload)),
      ],
    );
    // Delivered at commit (never for a rollback): wakes dispatchers listening on a server database.
    await tx.query(`SELECT pg_notify('${OUTBOX_CHANNEL}', '')`);
    return ids;
  }

  /** Every event of these orders, oldest first, in the caller's transaction. */
  async listForOrders(tx: Tx, tenantId: string, orderIds: readonly string[]): Promise<OrderEventRecord[]> {
    if (!orderIds.length) return [];
    const rows: Array<{
      order_id: string;
      type: OrderEventType;
      order_version: number;
      occurred_at: Date;
      dispatched_at: Date | null;
    }> = await tx.query(
      `SELECT order_id, type, order_version, occurred_at, dispatched_at FROM outbox_events
        WHERE tenant_id = $1 AND order_id = ANY($2::uuid[]) ORDER BY seq`,
      [tenantId, orderIds],
    );
    return rows.map((r) => ({
      orderId: r.order_id,
      type: r.type,
      orderVersion: r.order_version,
      occurredAt: r.occurred_at,
      dispatchedAt: r.dispatched_at,
    }));
  }

  /**
   * Old, dispatched events after a seq, locked for deletion (`SKIP LOCKED`: rows another
   * replica's purge or a fan-out holds are left for later). Scans without an index of its
   * own: every ingested order writes an event, so the write path is kept lean and the
   * purge, which runs rarely, pays instead.
   */
  async claimPurgeable(
    tx: Tx,
    cutoff: Date,
    afterSeq: string,
    limit: number,
  ): Promise<Array<{ tenantId: string; eventId: string; seq: string }>> {
    const rows: Array<{ tenant_id: string; event_id: string; seq_text: string }> = await tx.query(
      `SELECT o.tenant_id, o.event_id, o.seq::text AS seq_text FROM outbox_events o
        WHERE o.occurred_at < $1 AND o.dispatched_at IS NOT NULL AND o.seq > $2::bigint
        ORDER BY o.seq
        LIMIT $3
        FOR UPDATE SKIP LOCKED`,
      [cutoff, afterSeq, limit],
    );
    return rows.map((r) => ({ tenantId: r.tenant_id, eventId: r.event_id, seq: r.seq_text }));
  }

  /** Deletes events and their feed positions (a consumer's cursor simply moves on to the next one kept). */
  async deleteEvents(tx: Tx, events: ReadonlyArray<{ tenantId: string; eventId: string }>): Promise<void> {
    if (!events.length) return;
    const tenants = events.map((e) => e.tenantId);
    const ids = events.map((e) => e.eventId);
    await tx.query(
      `DELETE FROM event_feed f USING unnest($1::uuid[], $2::uuid[]) AS d(tenant_id, event_id)
        WHERE f.tenant_id = d.tenant_id AND f.event_id = d.event_id`,
      [tenants, ids],
    );
    await tx.query(
      `DELETE FROM outbox_events o USING unnest($1::uuid[], $2::uuid[]) AS d(tenant_id, event_id)
        WHERE o.tenant_id = d.tenant_id AND o.event_id = d.event_id`,
      [tenants, ids],
    );
  }

  async countPending(tenantId?: string): Promise<number> {
    const [row] = await this.dataSource.query(
      `SELECT count(*)::int AS n FROM outbox_events WHERE dispatched_at IS NULL ${tenantId ? 'AND tenant_id = $1' : ''}`,
      tenantId ? [tenantId] : [],
    );
    return row.n;
  }

  async listForOrder(
    tenantId: string,
    orderId: string,
  ): Promise<Array<{ type: OrderEventType; orderVersion: number; seq: string }>> {
    const rows = await this.dataSource.query(
      `SELECT type, order_version, seq FROM outbox_events WHERE tenant_id = $1 AND order_id = $2 ORDER BY seq`,
      [tenantId, orderId],
    );
    return rows.map((r: { type: OrderEventType; order_version: number; seq: string }) => ({
      type: r.type,
      orderVersion: r.order_version,
      seq: r.seq,
    }));
  }

  /**
   * Locks up to `limit` undispatched events (the partial index's range), skipping
   * rows another fan-out holds. A row appears here only once its transaction has
   * committed, so a late commit with a low `seq` is found on a later pass: there is
   * no "highest seq seen" to skip past it.
   */
  async claimPending(tx: Tx, limit: number): Promise<PendingOutboxEvent[]> {
    const { rows } = await driverQuery<{
      tenant_id: string;
      event_id: string;
      order_id: string;
      type: OrderEventType;
      order_version: number;
      occurred_at: Date;
    }>(
      tx,
      `SELECT tenant_id, event_id, order_id, type, order_version, occurred_at
         FROM outbox_events WHERE dispatched_at IS NULL
        ORDER BY tenant_id, seq LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit],
      { prepare: true },
    );
    return rows.map((r) => ({
      tenantId: r.tenant_id,
      eventId: r.event_id,
      orderId: r.order_id,
      type: r.type,
      orderVersion: r.order_version,
      occurredAt: new Date(r.occurred_at),
    }));
  }

  /**
   * A tenant's dispatched events that happened at or after `since`, oldest first, after `afterSeq` (keyset
   * paging). For a replay to an endpoint that was disabled meanwhile: a scan of the tenant's range of the
   * primary key, bounded by the outbox window, run on a seller's request only.
   */
  async dispatchedSince(
    tx: Tx,
    tenantId: string,
    since: Date,
    afterSeq: string,
    limit: number,
  ): Promise<Array<PendingOutboxEvent & { seq: string }>> {
    const rows: Array<{
      event_id: string;
      order_id: string;
      type: OrderEventType;
      order_version: number;
      occurred_at: Date;
      seq: string;
    }> = await tx.query(
      `SELECT event_id, order_id, type, order_version, occurred_at, seq::text AS seq
         FROM outbox_events
        WHERE tenant_id = $1 AND dispatched_at IS NOT NULL AND occurred_at >= $2 AND seq > $3::bigint
        ORDER BY seq LIMIT $4`,
      [tenantId, since, afterSeq, limit],
    );
    return rows.map((r) => ({
      tenantId,
      eventId: r.event_id,
      orderId: r.order_id,
      type: r.type,
      orderVersion: r.order_version,
      occurredAt: new Date(r.occurred_at),
      seq: r.seq,
    }));
  }

  async markDispatched(tx: Tx, events: readonly PendingOutboxEvent[], at: Date): Promise<void> {
    if (!events.length) return;
    await driverQuery(
      tx,
      `UPDATE outbox_events o SET dispatched_at = $1
         FROM json_to_recordset($2::json) AS u(t uuid, e uuid)
        WHERE o.tenant_id = u.t AND o.event_id = u.e`,
      [at, JSON.stringify(events.map((e) => ({ t: e.tenantId, e: e.eventId })))],
      { prepare: true },
    );
  }
}
