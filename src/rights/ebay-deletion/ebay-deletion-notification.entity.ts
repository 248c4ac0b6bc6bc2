import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A Marketplace Account Deletion notification eBay sent and we acknowledged: its id (replays are refused by
 * it), the highest delivery attempt seen, and what its erasure did. Holds no username, user id or eIAS token.
 * Platform-wide (a notification concerns every tenant), so it has no tenant id.
 */
@Entity({ name: 'ebay_deletion_notifications' })
export class EbayDeletionNotification {
  @PrimaryColumn('text')
  notificationId: string;

  /** The highest `publishAttemptCount` acknowledged: a resend by eBay carries a higher one, signed anew. */
  @Column('int')
  publishAttemptCount: number;

  /** When the user asked eBay to delete their account. */
  @Column('timestamptz')
  eventDate: Date;

  @Column('timestamptz')
  receivedAt: Date;

  /** Set when every tenant's erasure for it is done. */
  @Column('timestamptz', { nullable: true })
  completedAt: Date | null;

  /** Tenants in which at least one order's buyer data was erased for it. */
  @Column('int', { default: 0 })
  tenantsErased: number;

  @Column('int', { default: 0 })
  ordersErased: number;
}
