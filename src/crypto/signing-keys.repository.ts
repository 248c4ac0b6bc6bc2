import { Injectable } from '@nestjs/common';
import type { Tx } from '../platform/database/transaction-manager';

/** A `signing_keys` row as stored. */
export interface SigningKeyRow {
  key_id: string;
  purpose: string;
  public_key: Buffer;
  wrapped_secret_key: Buffer;
  master_key_id: string;
  created_at: Date;
  retired_at: Date | null;
}

/** Advisory-lock namespace ('ovsk'); the second key is hashtext(purpose). Serialises key creation per purpose. */
const CREATE_LOCK = 0x6f76736b;
const COLUMNS = 'key_id, purpose, public_key, wrapped_secret_key, master_key_id, created_at, retired_at';

/** Ed25519 signing keys (`signing_keys`): public half in clear, seed wrapped by the master key. */
@Injectable()
export class SigningKeysRepository {
  /** Every key of the purpose, oldest first. */
  ofPurpose(tx: Tx, purpose: string): Promise<SigningKeyRow[]> {
    return tx.query(`SELECT ${COLUMNS} FROM signing_keys WHERE purpose = $1 ORDER BY created_at, key_id`, [purpose]);
  }

  /** The purpose's active key, if any. */
  async active(tx: Tx, purpose: string): Promise<SigningKeyRow | undefined> {
    const rows: SigningKeyRow[] = await tx.query(
      `SELECT ${COLUMNS} FROM signing_keys WHERE purpose = $1 AND retired_at IS NULL
       ORDER BY created_at DESC, key_id LIMIT 1`,
      [purpose],
    );
    return rows[0];
  }

  async retireActive(tx: Tx, purpose: string, at: Date): Promise<void> {
    await tx.query(`UPDATE signing_keys SET retired_at = $2 WHERE purpose = $1 AND retired_at IS NULL`, [purpose, at]);
  }

  async insert(
    tx: Tx,
    key: {
      keyId: string;
      purpose: string;
      publicKey: Buffer;
      wrappedSecretKey: Buffer;
      masterKeyId: string;
      createdAt: Date;
    },
  ): Promise<SigningKeyRow> {
    const rows: SigningKeyRow[] = await tx.query(
      `INSERT INTO signing_keys (tenant_id, key_id, purpose, public_key, wrapped_secret_key, master_key_id, created_at)
         VALUES (NULL, $1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
      [key.keyId, key.purpose, key.publicKey, key.wrappedSecretKey, key.masterKeyId, key.createdAt],
    );
    return rows[0];
  }

  /** Serialises key creation for one purpose until the caller's transaction ends. */
  async lockPurpose(tx: Tx, purpose: string): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock($1, hashtext($2))`, [CREATE_LOCK, purpose]);
  }

  /** The next batch of keys under another master key after `afterKeyId`, locked; rows others hold are skipped. */
  lockNotUnderMaster(
    tx: Tx,
    masterKeyId: string,
    afterKeyId: string,
    batch: number,
  ): Promise<Pick<SigningKeyRow, 'key_id' | 'purpose' | 'public_key' | 'wrapped_secret_key' | 'master_key_id'>[]> {
    return tx.query(
      `SELECT key_id, purpose, public_key, wrapped_secret_key, master_key_id FROM signing_keys
           WHERE master_key_id <> $1 AND key_id > $2
           ORDER BY key_id LIMIT $3
           FOR UPDATE SKIP LOCKED`,
      [masterKeyId, afterKeyId, batch],
    );
  }

  async rewrapUnderMaster(tx: Tx, masterKeyId: string, rows: { keyIds: string[]; wrapped: Buffer[] }): Promise<void> {
    await tx.query(
      `UPDATE signing_keys t SET wrapped_secret_key = s.wrapped, master_key_id = $1
         FROM unnest($2::text[], $3::bytea[]) AS s(key_id, wrapped)
         WHERE t.key_id = s.key_id`,
      [masterKeyId, rows.keyIds, rows.wrapped],
    );
  }
}
