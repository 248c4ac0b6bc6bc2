import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A seller's permission for our staff to see its buyers' data: who (a staff
 * member or everyone with a role), which orders (all, or a list), until when
 * (at most 30 days), and why (a support ticket reference records that the help
 * request implied consent).
 */
@Entity({ name: 'support_grants' })
@Index('support_grants_lookup_idx', ['tenantId', 'expiresAt'])
export class SupportGrant {
  @Column('uuid')
  tenantId: string;

  @PrimaryGeneratedColumn('uuid')
  grantId: string;

  @Column('uuid', { nullable: true })
  granteeStaffId: string | null;

  @Column('text', { nullable: true })
  granteeRole: 'support' | 'admin' | null;

  /** Null means every order of the tenant. */
  @Column('uuid', { array: true, nullable: true })
  orderIds: string[] | null;

  /**
   * False: masked orders only (a grant answering an access request for a masked view); the reveal policy
   * looks only at grants that allow revealing.
   */
  @Column('boolean', { default: true })
  revealAllowed: boolean;

  @Column('text')
  basis: 'explicit' | 'support_ticket';

  @Column('text', { nullable: true })
  ticketRef: string | null;

  @Column('text')
  createdBy: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column('timestamptz')
  expiresAt: Date;

  @Column('timestamptz', { nullable: true })
  revokedAt: Date | null;

  @Column('text', { nullable: true })
  revokedBy: string | null;
}
