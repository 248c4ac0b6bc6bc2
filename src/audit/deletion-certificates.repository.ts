import { Injectable } from '@nestjs/common';
import type { Tx } from '../platform/database/transaction-manager';
import type { CertifiedAuditHead, CertifiedChainHead } from './deletion-certificate';

/** Reads the chain heads and the newest checkpoint a deletion certificate names. */
@Injectable()
export class DeletionCertificatesRepository {
  async lockedHead(tx: Tx, chainId: string): Promise<CertifiedChainHead | null> {
    return this.readHead(tx, chainId, 'FOR UPDATE');
  }

  async head(tx: Tx, chainId: string): Promise<CertifiedChainHead | null> {
    return this.readHead(tx, chainId, '');
  }

  async newestCheckpoint(tx: Tx): Promise<CertifiedAuditHead['checkpoint']> {
    const rows: { seq: string; created_at: Date; root: Buffer }[] = await tx.query(
      `SELECT checkpoint_seq::text AS seq, created_at, root FROM audit_checkpoints ORDER BY checkpoint_seq DESC LIMIT 1`,
    );
    return rows.length
      ? { seq: rows[0].seq, createdAt: rows[0].created_at.toISOString(), root: rows[0].root.toString('hex') }
      : null;
  }

  private async readHead(tx: Tx, chainId: string, lock: '' | 'FOR UPDATE'): Promise<CertifiedChainHead | null> {
    const rows: { last_seq: string; last_hash: Buffer }[] = await tx.query(
      `SELECT last_seq::text AS last_seq, last_hash FROM audit_chain_heads WHERE chain_id = $1 ${lock}`,
      [chainId],
    );
    return rows.length ? { chainId, seq: rows[0].last_seq, hash: rows[0].last_hash.toString('hex') } : null;
  }
}
