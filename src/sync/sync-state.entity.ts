import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Where one connection's sync stands. The cursor is an instant: the next window
 * starts a little before it (overlap) and it only moves after a page's orders
 * have committed. A window in progress remembers its page position so a restart
 * resumes it (or restarts the window if the marketplace token expired).
 */
@Entity({ name: 'sync_states' })
export class SyncState {
  @PrimaryColumn('uuid')
  tenantId: string;

  @PrimaryColumn('uuid')
  connectionId: string;

  /** Everything modified before this instant has been committed. */
  @Column('timestamptz', { nullable: true })
  cursor: Date | null;

  @Column('timestamptz', { nullable: true })
  windowFrom: Date | null;

  @Column('timestamptz', { nullable: true })
  windowTo: Date | null;

  /** Opaque marketplace position within the window (Amazon token / eBay offset). */
  @Column('text', { nullable: true })
  pagePosition: string | null;

  @Column('int', { default: 0 })
  pagesInWindow: number;

  @Column('timestamptz', { nullable: true })
  lastSuccessAt: Date | null;

  @Column('timestamptz', { nullable: true })
  lastAttemptAt: Date | null;

  @Column('text', { nullable: true })
  lastErrorCode: string | null;

  @Column('int', { default: 0 })
  consecutiveFailures: number;

  @Column('timestamptz')
  nextRunAt: Date;

  @Column('bigint', { default: 0 })
  ordersIngested: string;
}
