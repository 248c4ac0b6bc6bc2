import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

export type DeliveryStatus = 'pending' | 'succeeded' | 'failed_retrying' | 'given_up';
export const DELIVERY_STATUSES: readonly DeliveryStatus[] = ['pending', 'succeeded', 'failed_retrying', 'given_up'];
/** Statuses that still hold their place in an order's queue (a later version waits for them). */
export const OPEN_DELIVERY_STATUSES: readonly DeliveryStatus[] = ['pending', 'failed_retrying'];

/**
 * One event to one endpoint. Order events are queued per (endpoint, order) in
 * `order_version` order; `stream_id` is the order id for them, and the event's
 * own id for events that concern no order (ping, operational events), which
 * therefore wait for nothing. Holds ids and facts only: the payload is built
 * when it is sent, from the order as it is then.
 */
@Entity({ name: 'deliveries' })
// The claim: endpoints with open deliveries (loose index scan), then each one's due rows oldest first.
@Index('deliveries_open_endpoint_idx', ['tenantId', 'endpointId', 'nextAttemptAt'], {
  where: "status IN ('pending', 'failed_retrying')",
})
// No index names a lease column: the lease is then a HOT update (see DeliveryEndpointHolds1796700400000).
// The claim's FIFO check: is an earlier version of this order still open for this endpoint?
@Index('deliveries_open_stream_idx', ['tenantId', 'endpointId', 'streamId', 'orderVersion'], {
  where: "status IN ('pending', 'failed_retrying')",
})
// The per-order queue and the endpoint's listing.
@Index('deliveries_stream_idx', ['tenantId', 'endpointId', 'streamId', 'orderVersion'])
@Index('deliveries_endpoint_created_idx', ['tenantId', 'endpointId', 'createdAt'])
// The purge of finished deliveries past the retention window.
@Index('deliveries_finished_idx', ['completedAt'], { where: "status IN ('succeeded', 'given_up')" })
@Index('deliveries_event_uq', ['tenantId', 'endpointId', 'eventId'], { unique: true })
export class Delivery {
  @PrimaryColumn('uuid')
  tenantId: string;

  @PrimaryColumn('uuid')
  deliveryId: string;

  @Column('uuid')
  endpointId: string;

  /** The event (outbox event id, or a ping's own id): the `webhook-id`, the same on every attempt. */
  @Column('uuid')
  eventId: string;

  @Column('text')
  eventType: string;

  /** The order the event is about; null for events about no order (ping, operational). */
  @Column('uuid', { nullable: true })
  orderId: string | null;

  /** FIFO key: the order id, or the event id for events about no order. */
  @Column('uuid')
  streamId: string;

  @Column('int', { default: 0 })
  orderVersion: number;

  /** When the event happened (the payload's `timestamp`). */
  @Column('timestamptz')
  occurredAt: Date;

  /** What an event about no order says (ids and times only: an operational event's endpoint and dates). */
  @Column('jsonb', { nullable: true })
  facts: Record<string, unknown> | null;

  @Column('text', { default: 'pending' })
  status: DeliveryStatus;

  @Column('int', { default: 0 })
  attemptCount: number;

  @Column('timestamptz')
  nextAttemptAt: Date;

  /** The claim currently sending it (a random token per claim) and until when it holds. */
  @Column('uuid', { nullable: true })
  leaseToken: string | null;

  @Column('text', { nullable: true })
  leaseOwner: string | null;

  @Column('timestamptz', { nullable: true })
  leaseExpiresAt: Date | null;

  @Column('timestamptz', { nullable: true })
  lastAttemptAt: Date | null;

  @Column('int', { nullable: true })
  lastStatusCode: number | null;

  @Column('text', { nullable: true })
  lastErrorClass: string | null;

  @Column('timestamptz', { nullable: true })
  completedAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
