import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A legal hold: buyer data and order records of a tenant (all of them, or a list of orders) are kept past their
 * retention windows while the hold is active. It says why, who asked, and until when (at most a year; renewable).
 * Released or expired holds stay as records of what was kept and why.
 */
@Entity({ name: 'legal_holds' })
@Index('legal_holds_tenant_idx', ['tenantId', 'expiresAt'], { where: 'released_at IS NULL' })
export class LegalHold {
  @PrimaryColumn('uuid')
  tenantId: string;

  @PrimaryGeneratedColumn('uuid')
  holdId: string;

  /** The orders held; null holds every order of the tenant. */
  @Column('uuid', { array: true, nullable: true })
  orderIds: string[] | null;

  /** Why (a case, a tax audit). Operator text: never buyer data. */
  @Column('text')
  reason: string;

  /** Who asked for it (a person, a court, an authority). */
  @Column('text')
  requester: string;

  /** The principal that placed it (seller key or staff member id). */
  @Column('text')
  placedBy: string;

  @Column('timestamptz')
  placedAt: Date;

  @Column('timestamptz')
  expiresAt: Date;

  @Column('timestamptz', { nullable: true })
  renewedAt: Date | null;

  @Column('timestamptz', { nullable: true })
  releasedAt: Date | null;

  @Column('text', { nullable: true })
  releasedBy: string | null;
}
