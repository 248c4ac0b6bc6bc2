import { Column, Entity, Generated, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

export type OrderEventType = 'order.created' | 'order.updated' | 'order.cancelled' | 'order.pii_destroyed';

/**
 * An event committed in the same transaction as the order change it announces.
 * Delivery reads these after commit. The payload holds ids and non-PII facts
 * only; buyer data is opened just in time when a webhook is sent.
 */
@Entity({ name: 'outbox_events' })
// One secondary index only (pending events in order): every ingested order writes an event.
@Index('outbox_events_pending_idx', ['tenantId', 'seq'], { where: 'dispatched_at IS NULL' })
export class OutboxEvent {
  @PrimaryColumn('uuid')
  tenantId: string;

  @PrimaryGeneratedColumn('uuid')
  eventId: string;

  @Column('bigint')
  @Generated('increment')
  seq: string;

  @Column('uuid')
  orderId: string;

  @Column('text')
  type: OrderEventType;

  /** The order version this event describes. */
  @Column('int')
  orderVersion: number;

  @Column('jsonb')
  payload: Record<string, unknown>;

  @Column('timestamptz')
  occurredAt: Date;

  @Column('timestamptz', { nullable: true })
  dispatchedAt: Date | null;
}
