import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/**
 * An order the sync could not ingest. The marketplace payload is kept sealed
 * (its own data key) for diagnosis; the reason is a code plus a PII-free detail.
 * Seeing the same poison order again (in a page or by replay) bumps `attempts`
 * instead of adding a row.
 */
@Entity({ name: 'dead_letters' })
@Index('dead_letters_open_uq', ['tenantId', 'connectionId', 'marketplaceOrderId'], {
  unique: true,
  where: 'resolved_at IS NULL',
})
// Destroying an order's buyer data finds its letters, resolved ones included, by marketplace order id.
@Index('dead_letters_order_idx', ['tenantId', 'marketplace', 'marketplaceOrderId'])
export class DeadLetter {
  @PrimaryColumn('uuid')
  tenantId: string;

  @PrimaryGeneratedColumn('uuid')
  deadLetterId: string;

  @Column('uuid')
  connectionId: string;

  @Column('text')
  marketplace: string;

  /** '?' when the payload had no usable id. */
  @Column('text')
  marketplaceOrderId: string;

  @Column('text')
  reasonCode: string;

  @Column('text')
  reasonDetail: string;

  @Column('bytea', { nullable: true })
  payloadCiphertext: Buffer | null;

  @Column('int', { default: 1 })
  attempts: number;

  @Column('timestamptz')
  firstSeenAt: Date;

  @Column('timestamptz')
  lastSeenAt: Date;

  @Column('timestamptz', { nullable: true })
  resolvedAt: Date | null;

  /**
   * How it was resolved: 'ingested' (it read fine later), 'gone' (the marketplace no longer
   * knows it) or 'dismissed' (an operator closed it by hand, `resolvedBy` and `resolutionNote` say who and why).
   */
  @Column('text', { nullable: true })
  resolution: DeadLetterResolution | null;

  /** Who resolved it by hand (`cli:dead-letters-resolve`); null for the automatic resolutions. */
  @Column('text', { nullable: true })
  resolvedBy: string | null;

  /** The operator's note when resolving by hand (operator text, never buyer data). */
  @Column('text', { nullable: true })
  resolutionNote: string | null;

  /**
   * An operator asked for a replay (`dead-letters retry`): the next run of the connection re-fetches
   * it first, whatever its backoff and even after replay gave up. Cleared when that replay settles it.
   */
  @Column('timestamptz', { nullable: true })
  replayRequestedAt: Date | null;

  /**
   * Set when replay stopped re-fetching it (too many attempts). The letter stays open: a
   * later page that reads the order fine still resolves it, and someone should look.
   */
  @Column('timestamptz', { nullable: true })
  gaveUpAt: Date | null;
}

export type DeadLetterResolution = 'ingested' | 'gone' | 'dismissed';

export const DEAD_LETTER_RESOLUTIONS: readonly DeadLetterResolution[] = ['ingested', 'gone', 'dismissed'];

/**
 * The order's stored sealed PII could not be opened while merging a change. Needs a
 * human (restore the row, or shred its PII), so it is never resolved, replayed or
 * re-labelled automatically; later sightings only count attempts.
 */
export const SEALED_DATA_UNREADABLE = 'sealed_data_unreadable';
