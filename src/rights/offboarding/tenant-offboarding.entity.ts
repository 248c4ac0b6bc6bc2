import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { DeletionCertificate } from '../../audit';

/** Where an offboarding stands; each step commits before the next starts, so a re-run resumes after it. */
export type OffboardingStep = 'started' | 'exported' | 'revoked' | 'keys_destroyed' | 'rows_deleted' | 'completed';

/**
 * A seller's offboarding: who asked and why, how far it got, and what it deleted (counts and key ids,
 * never data). Kept after the tenant's data is gone: it holds the signed deletion certificate.
 */
@Entity({ name: 'tenant_offboardings' })
export class TenantOffboarding {
  @PrimaryColumn('uuid')
  tenantId: string;

  /** The seller's request as recorded by the admin (a person, a ticket, a reason; operator text). */
  @Column('text')
  requestedBy: string;

  @Column('text')
  reason: string;

  @Column('text', { nullable: true })
  ticketRef: string | null;

  /** The admin who started it (principal id). */
  @Column('text')
  startedBy: string;

  @Column('text')
  step: OffboardingStep;

  /** Legal holds that were active and that an admin overrode (`force`); empty otherwise. */
  @Column('jsonb')
  overriddenHolds: string[];

  @Column('jsonb')
  deletedRows: Record<string, number>;

  @Column('jsonb')
  revokedRows: Record<string, number>;

  @Column('jsonb')
  destroyedKeys: string[];

  @Column('int', { nullable: true })
  exportedOrders: number | null;

  @Column('timestamptz')
  startedAt: Date;

  @Column('timestamptz', { nullable: true })
  completedAt: Date | null;

  @Column('jsonb', { nullable: true })
  certificate: DeletionCertificate | null;
}
