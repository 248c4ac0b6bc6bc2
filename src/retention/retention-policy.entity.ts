import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A seller's own retention choice for one marketplace. No row means the
 * defaults (the caps in retention-caps.ts). Windows are applied when a sweep
 * runs, so a change reaches every stored order without rewriting them.
 */
@Entity({ name: 'retention_policies' })
export class RetentionPolicy {
  @PrimaryColumn('uuid')
  tenantId: string;

  @PrimaryColumn('text')
  marketplace: string;

  /** Days after the retention anchor that buyer data is destroyed; null: the cap. */
  @Column('int', { nullable: true })
  piiWindowDays: number | null;

  /** Months after purchase that the order record is deleted; null: the default (18). */
  @Column('int', { nullable: true })
  orderRecordMonths: number | null;

  /** The legal basis stated for keeping order records longer than the default. */
  @Column('text', { nullable: true })
  orderRecordBasis: string | null;

  @Column('timestamptz')
  updatedAt: Date;
}
