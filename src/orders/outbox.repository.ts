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

  /**
   * Locks up to `limit` undispatched events (the partial index's range), skipping
   * rows another fan-out holds. A row appears here only once its transaction has
   * committed, so a late commit with a low `seq` is found on a later pass: there is
   * no "highest seq seen" to skip past it.
   */
  async claimPending(tx: Tx, limit: number): Promise<PendingOutboxEvent[]> {
    const rows: Array<{
      tenant_id: string;
      event_id: string;
      order_id: string;
      type: OrderEventType;
      order_version: number;
      occurred_at: Date;
    }> = await tx.query(
      `SELECT tenant_id, event_id, order_id, type, order_version, occurred_at
         FROM outbox_events WHERE dispatched_at IS NULL
        ORDER BY tenant_id, seq LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit],
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

  async markDispatched(tx: Tx, events: readonly PendingOutboxEvent[], at: Date): Promise<void> {
    if (!events.length) return;
    await tx.query(
      `UPDATE outbox_events o SET dispatched_at = $1
         FROM unnest($2::uuid[], $3::uuid[]) AS u(tenant_id, event_id)
        WHERE o.tenant_id = u.tenant_id AND o.event_id = u.event_id`,
      [at, events.map((e) => e.tenantId), events.map((e) => e.eventId)],
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
}
