import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { SellerRole } from './seller-roles';

export type PersonKind = 'staff' | 'seller';

/**
 * A person who signs in to the console: a staff member (one account per staff
 * member) or a seller's user (bound to one tenant, with a role). Password as an
 * argon2id PHC string; the TOTP secret is mandatory before any sign-in.
 * Failed sign-ins are counted here; the tenth in a row locks the account for a while.
 */
@Entity({ name: 'person_accounts' })
@Index('person_accounts_login_key', ['login'], { unique: true })
@Index('person_accounts_staff_key', ['staffId'], { unique: true, where: 'staff_id IS NOT NULL' })
export class PersonAccount {
  /** The seller's tenant for seller users; null for staff. */
  @Column('uuid', { nullable: true })
  tenantId: string | null;

  @PrimaryGeneratedColumn('uuid')
  accountId: string;

  @Column('text')
  kind: PersonKind;

  @Column('uuid', { nullable: true })
  staffId: string | null;

  /** A seller user's role in their tenant (null for staff); see seller-roles.ts for its scopes. */
  @Column('text', { nullable: true })
  role: SellerRole | null;

  /** What the person types to sign in, lower-cased. */
  @Column('text')
  login: string;

  @Column('text', { nullable: true })
  passwordHash: string | null;

  /**
   * The shared TOTP secret (20 bytes). Stored as is: unlike the password it
   * must be read back to check a code. Sealing it under the master key is a
   * follow-up (it needs an envelope kind and master-key rotation to rewrap it).
   */
  @Column('bytea', { nullable: true })
  totpSecret: Buffer | null;

  /** The last TOTP time step accepted: a code is valid once (RFC 6238 section 5.2). */
  @Column('bigint', { nullable: true })
  totpLastStep: string | null;

  @Column('integer', { default: 0 })
  failedSignIns: number;

  @Column('timestamptz', { nullable: true })
  lockedUntil: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column('timestamptz', { nullable: true })
  lastSignInAt: Date | null;
}
