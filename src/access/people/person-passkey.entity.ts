import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A passkey (WebAuthn credential) a person registered for console sign-in:
 * the credential's public key (COSE), its signature counter and the transports
 * the authenticator named. The counter only ever grows: an assertion whose
 * counter does not is refused (a cloned authenticator).
 */
@Entity({ name: 'person_passkeys' })
@Index('person_passkeys_credential_key', ['credentialId'], { unique: true })
@Index('person_passkeys_account_idx', ['accountId', 'createdAt'])
export class PersonPasskey {
  @PrimaryGeneratedColumn('uuid')
  passkeyId: string;

  @Column('uuid')
  accountId: string;

  /** The seller user's tenant; null for staff (the access-log chain its entries go to). */
  @Column('uuid', { nullable: true })
  tenantId: string | null;

  /** The credential id as the authenticator made it, base64url. */
  @Column('text')
  credentialId: string;

  @Column('bytea')
  publicKey: Buffer;

  @Column('bigint')
  signCount: string;

  @Column('text', { array: true })
  transports: string[];

  /** What the person called it, to tell their passkeys apart. */
  @Column('text')
  name: string;

  @Column('timestamptz')
  createdAt: Date;

  @Column('timestamptz', { nullable: true })
  lastUsedAt: Date | null;
}
