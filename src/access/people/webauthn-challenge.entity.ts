import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export type WebAuthnCeremony = 'registration' | 'sign-in';

/**
 * A challenge the server handed out for one WebAuthn ceremony. Kept
 * server-side so that it can be taken once (the row is deleted when used) and
 * only until it expires; a registration challenge belongs to the account that
 * asked for it.
 */
@Entity({ name: 'webauthn_challenges' })
@Index('webauthn_challenges_expiry_idx', ['expiresAt'])
export class WebAuthnChallenge {
  /** The challenge itself, base64url (32 random bytes). */
  @PrimaryColumn('text')
  challenge: string;

  @Column('text')
  ceremony: WebAuthnCeremony;

  @Column('uuid', { nullable: true })
  accountId: string | null;

  @Column('timestamptz')
  createdAt: Date;

  @Column('timestamptz')
  expiresAt: Date;
}
