import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { SellerRole } from './seller-roles';

/**
 * An invitation of a person to a seller's tenant with a role. The link holds a
 * 256-bit random token; only its SHA-256 is stored, so the link is shown once
 * to whoever created it. Accepting takes two steps: login and password (kept
 * here, hashed, with a new TOTP secret), then a code from the authenticator
 * app, which creates the account. One use; expires; can be revoked.
 */
@Entity({ name: 'person_invitations' })
@Index('person_invitations_token_key', ['tokenHash'], { unique: true })
@Index('person_invitations_tenant_idx', ['tenantId', 'createdAt'])
export class PersonInvitation {
  @Column('uuid')
  tenantId: string;

  @PrimaryGeneratedColumn('uuid')
  invitationId: string;

  @Column('text')
  role: SellerRole;

  @Column('bytea')
  tokenHash: Buffer;

  /** Who invited: an actor id as the access log names it (`person:<uuid>`, a staff id, `cli:…`). */
  @Column('text')
  createdBy: string;

  @Column('timestamptz')
  createdAt: Date;

  @Column('timestamptz')
  expiresAt: Date;

  /** Set by the first step of accepting (replaced if the step is repeated). */
  @Column('text', { nullable: true })
  pendingLogin: string | null;

  @Column('text', { nullable: true })
  pendingPasswordHash: string | null;

  @Column('bytea', { nullable: true })
  pendingTotpSecret: Buffer | null;

  @Column('timestamptz', { nullable: true })
  acceptedAt: Date | null;

  @Column('uuid', { nullable: true })
  accountId: string | null;

  @Column('timestamptz', { nullable: true })
  revokedAt: Date | null;
}
