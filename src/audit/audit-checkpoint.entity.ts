import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A signed statement of every chain's head at an instant: Ed25519 over the
 * canonical encoding of (time, chain count, Merkle root of the heads). Written
 * at least every five minutes even when nothing happened, so a quiet period is
 * itself attested. The heads are kept so any one chain's inclusion can be
 * proven without showing the others.
 */
@Entity({ name: 'audit_checkpoints' })
export class AuditCheckpoint {
  /** Checkpoints are platform-wide; the column exists because every table carries one (always null). */
  @Column('uuid', { nullable: true })
  tenantId: string | null;

  @PrimaryColumn('bigint')
  checkpointSeq: string;

  @Column('timestamptz')
  createdAt: Date;

  /** [{ chainId, seq, hash(hex) }] sorted by chainId. */
  @Column('jsonb')
  heads: Array<{ chainId: string; seq: string; hash: string }>;

  @Column('bytea')
  root: Buffer;

  @Column('text')
  signingKeyId: string;

  @Column('bytea')
  signature: Buffer;
}
