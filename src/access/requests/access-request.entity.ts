import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

import type { AccessRequestStatus, RequestedAccess } from './access-request-scope';

/**
 * A staff member asking a seller for access to its buyers' data for a support
 * case. The seller answers it; an approval becomes a support grant naming the
 * requester (`grantId`), never wider than what was asked.
 */
@Entity({ name: 'access_requests' })
@Index('access_requests_tenant_idx', ['tenantId', 'status', 'createdAt'])
@Index('access_requests_requester_idx', ['requestedBy', 'createdAt'])
export class AccessRequest {
  @PrimaryGeneratedColumn('uuid')
  requestId: string;

  @Column('uuid')
  tenantId: string;

  /** The staff member asking (the grant, once approved, names them). */
  @Column('uuid')
  requestedBy: string;

  @Column('text')
  access: RequestedAccess;

  /** Null means every order of the tenant. */
  @Column('uuid', { array: true, nullable: true })
  orderIds: string[] | null;

  @Column('integer')
  durationHours: number;

  @Column('text')
  reason: string;

  @Column('text')
  ticketRef: string;

  @Column('text')
  status: AccessRequestStatus;

  @Column('timestamptz')
  createdAt: Date;

  /** Unanswered by then, the request lapses. */
  @Column('timestamptz')
  expiresAt: Date;

  @Column('timestamptz', { nullable: true })
  decidedAt: Date | null;

  /** Who answered, cancelled or (the system) expired it. */
  @Column('text', { nullable: true })
  decidedBy: string | null;

  /** The seller's note when denying. */
  @Column('text', { nullable: true })
  decisionReason: string | null;

  @Column('uuid', { nullable: true })
  grantId: string | null;

  /** What the approval granted (equal to or narrower than what was asked). */
  @Column('text', { nullable: true })
  approvedAccess: RequestedAccess | null;

  @Column('uuid', { array: true, nullable: true })
  approvedOrderIds: string[] | null;

  @Column('integer', { nullable: true })
  approvedHours: number | null;
}
