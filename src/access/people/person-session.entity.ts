import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type SessionEndReason =
  'signed_out' | 'signed_out_everywhere' | 'idle' | 'absolute' | 'account_inactive' | 'credentials_changed';

/**
 * A console session. The cookie holds a 256-bit random token; only its SHA-256
 * is stored, so a copy of this table opens no session. A session ends on sign
 * out, after the idle timeout, at its absolute expiry, or when its account can
 * no longer sign in; the end is recorded once (ended_at) and logged.
 */
@Entity({ name: 'person_sessions' })
@Index('person_sessions_token_key', ['tokenHash'], { unique: true })
@Index('person_sessions_account_idx', ['accountId'])
@Index('person_sessions_open_idx', ['lastSeenAt'], { where: 'ended_at IS NULL' })
export class PersonSession {
  @Column('uuid', { nullable: true })
  tenantId: string | null;

  @PrimaryGeneratedColumn('uuid')
  sessionId: string;

  @Column('uuid')
  accountId: string;

  @Column('bytea')
  tokenHash: Buffer;

  /** Synchronizer token: forms and htmx requests send it back on every change. */
  @Column('text')
  csrfToken: string;

  @Column('timestamptz')
  createdAt: Date;

  @Column('timestamptz')
  lastSeenAt: Date;

  /** The absolute end, whatever the activity. */
  @Column('timestamptz')
  expiresAt: Date;

  @Column('timestamptz', { nullable: true })
  endedAt: Date | null;

  @Column('text', { nullable: true })
  endReason: SessionEndReason | null;
}
