import { Injectable } from '@nestjs/common';
import { TransactionManager, type Tx } from '../platform/database/transaction-manager';
import { CHECKPOINT_COLUMNS, type CheckpointRow } from './audit-rows';

/** Advisory-lock key ('ovcp'): one checkpoint writer at a time, cluster-wide. */
const CHECKPOINT_LOCK = 0x6f766370;

/** A chain head as a checkpoint signs it (hash as stored bytes). */
export interface HeadRow {
  chain_id: string;
  last_seq: string;
  last_hash: Buffer;
}

/** Signed checkpoints (`audit_checkpoints`, append-only) and the lock that serialises their writers. */
@Injectable()
export class AuditCheckpointsRepository {
  constructor(private readonly transactions: TransactionManager) {}

  /** Waits for any other checkpoint writer; held until the caller's transaction ends. */
  async lockWriters(tx: Tx): Promise<void> {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [CHECKPOINT_LOCK]);
  }

  /** The writers' lock if free now (held until the transaction ends); false when another replica holds it. */
  async tryLockWriters(tx: Tx): Promise<boolean> {
    const [{ locked }]: { locked: boolean }[] = await tx.query('SELECT pg_try_advisory_xact_lock($1) AS locked', [
      CHECKPOINT_LOCK,
    ]);
    return locked;
  }

  /** The newest checkpoint as stored, if any. */
  async latest(): Promise<CheckpointRow | null> {
    const rows: CheckpointRow[] = await this.transactions.manager.query(
      `SELECT ${CHECKPOINT_COLUMNS} FROM audit_checkpoints c ORDER BY c.checkpoint_seq DESC LIMIT 1`,
    );
    return rows.length ? rows[0] : null;
  }

  /** The newest checkpoint's seq, time and root, if any. */
  async newest(tx: Tx): Promise<{ seq: bigint; createdAt: Date; root: Buffer } | null> {
    const rows: { seq: string; created_at: Date; root: Buffer }[] = await tx.query(
      `SELECT c.checkpoint_seq::text AS seq, c.created_at, c.root FROM audit_checkpoints c ORDER BY c.checkpoint_seq DESC LIMIT 1`,
    );
    return rows.length ? { seq: BigInt(rows[0].seq), createdAt: rows[0].created_at, root: rows[0].root } : null;
  }

  /** Every committed chain head. */
  heads(tx: Tx): Promise<HeadRow[]> {
    return tx.query(`SELECT chain_id, last_seq::text AS last_seq, last_hash FROM audit_chain_heads`);
  }

  async insert(
    tx: Tx,
    c: { checkpointSeq: string; createdAt: Date; heads: unknown; root: Buffer; keyId: string; signature: Buffer },
  ): Promise<CheckpointRow> {
    const inserted: CheckpointRow[] = await tx.query(
      `INSERT INTO audit_checkpoints (tenant_id, checkpoint_seq, created_at, heads, root, signing_key_id, signature)
       VALUES (NULL, $1, $2, $3::jsonb, $4, $5, $6)
       RETURNING ${CHECKPOINT_COLUMNS}`,
      [c.checkpointSeq, c.createdAt.toISOString(), JSON.stringify(c.heads), c.root, c.keyId, c.signature],
    );
    return inserted[0];
  }

  /** Checkpoints after `seq`, oldest first. */
  after(tx: Tx, seq: string, batch: number): Promise<CheckpointRow[]> {
    return tx.query(
      `SELECT ${CHECKPOINT_COLUMNS} FROM audit_checkpoints c WHERE c.checkpoint_seq > $1::bigint
         ORDER BY c.checkpoint_seq LIMIT ${batch}`,
      [seq],
    );
  }
}
