import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A consumed OAuth `state` nonce: the callback inserts it before exchanging the
 * code, so a state works once across every replica. Rows are worthless after
 * `expiresAt` (the state itself is refused then) and are pruned.
 */
@Entity({ name: 'oauth_state_uses' })
@Index('oauth_state_uses_expires_idx', ['expiresAt'])
export class OAuthStateUse {
  /** The state's random nonce (base64url): no tenant, seller or secret data. */
  @PrimaryColumn('text')
  nonce: string;

  @Column('timestamptz')
  expiresAt: Date;

  @Column('timestamptz')
  usedAt: Date;
}
