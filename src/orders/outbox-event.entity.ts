import { Column, Entity, Generated, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/** Every type of event the outbox holds (wire contract: only ever added to). */
export const OUTBOX_EVENT_TYPES = ['order.created', 'order.updated', 'order.cancelled', 'order.pii_destroyed'] as const;
export type OrderEventType = (typeof OUTBOX_EVENT_TYPES)[number];

/**
 * An event committed in the same transaction as the order change it announces.
 * Delivery reads these after commit. The payload holds ids and non-PII facts
 * only; buyer data is opened just in time when a webhook is sent.
 */
@Entity({ name: 'outbox_events' })
// Two secondary indexes only: every ingested order writes an event.
@Index('outbox_events_pending_idx', ['tenantId', 'seq'], { where: 'dispatched_at IS NULL' })
// The event feed's scan for events not yet given a feed position (transactions at or above its watermark).
@Index('outbox_events_tx_idx', ['tenantId', 'txId'])
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

  /**
   * The id of the transaction that wrote the event (`pg_current_xact_id()`, set by the
   * database). The event feed uses it to know when every event below a bound has
   * committed or never will (see outbox-feed.repository.ts); `seq` alone cannot tell.
   */
  @Column('bigint', { default: () => 'ordervault_current_xact_id()' })
  txId: string;
}
