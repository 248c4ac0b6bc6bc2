import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Token bucket per (connection, operation), seeded from the marketplace's
 * published usage plan and kept in PostgreSQL so every replica draws from the
 * same bucket.
 */
@Entity({ name: 'rate_budgets' })
export class RateBudget {
  @PrimaryColumn('uuid')
  tenantId: string;

  @PrimaryColumn('uuid')
  connectionId: string;

  @PrimaryColumn('text')
  operation: string;

  @Column('double precision')
  tokens: number;

  /** Tokens restored per second. */
  @Column('double precision')
  rate: number;

  @Column('double precision')
  burst: number;

  @Column('timestamptz')
  refilledAt: Date;

  /** Set after a throttle response: nobody calls before this instant. */
  @Column('timestamptz', { nullable: true })
  blockedUntil: Date | null;
}
