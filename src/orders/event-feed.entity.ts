import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * The event feed's positions: each outbox event gets one, in the order the feed
 * sequencer found it committed. A consumer's cursor is a position, so an event
 * that commits after others written later is placed after them and is never
 * skipped. Rows are never updated; they go when their outbox event is purged.
 */
@Entity({ name: 'event_feed' })
@Index('event_feed_event_uq', ['tenantId', 'eventId'], { unique: true })
export class EventFeedEntry {
  @PrimaryColumn('uuid')
  tenantId: string;

  @PrimaryColumn('bigint')
  position: string;

  @Column('uuid')
  eventId: string;
}

/**
 * One row per tenant: the last position handed out, and the transaction-id watermark
 * below which every committed outbox event already has a position.
 */
@Entity({ name: 'event_feed_heads' })
export class EventFeedHead {
  @PrimaryColumn('uuid')
  tenantId: string;

  @Column('bigint')
  position: string;

  @Column('bigint')
  sequencedBelow: string;
}
