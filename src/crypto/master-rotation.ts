import type { TransactionManager } from '../platform';
import type { SigningKeyWrappedRow } from './signing-key.service';
import type { TenantKeyStore } from './tenant-key-store';
import { checkBatchSize } from './tenant-rotation';

export interface MasterRotationSummary {
  /** The master key everything was rewrapped under. */
  readonly masterKeyId: string;
  readonly tenantKeysRewrapped: number;
  readonly indexRootsRewrapped: number;
  /**
   * Signing keys (audit checkpoints) rewrapped. Absent when the service was built
   * without signing keys (`createCryptoServices`); `remaining` still counts them.
   */
  readonly signingKeysRewrapped?: number;
  /** Rows still under another master key (locked by a live transaction); run again before dropping old keys. */
  readonly remaining: number;
}

const FIRST_UUID = '00000000-0000-0000-0000-000000000000';

/** Rewraps one signing key's seed (SigningKeyService; its unwrapping checks the seed against the public key). */
export interface SigningKeyRewrapper {
  rewrapForCurrentMaster(row: SigningKeyWrappedRow): { wrappedSecretKey: Buffer; masterKeyId: string };
}

/**
 * Rewraps tenant keys, index roots and signing keys whose `master_key_id` is not
 * the current key, in keyset-paged batches with `SKIP LOCKED`. Key material is unchanged, so
 * data keys, payloads and blind indexes are untouched. A row whose master key is
 * missing from the keyring stops the run (fail closed); batches already
 * committed stay done and a rerun continues.
 */
export async function rewrapMasterWrappedRows(
  store: TenantKeyStore,
  transactions: TransactionManager,
  batchSizeOption: number | undefined,
  signingKeys?: SigningKeyRewrapper,
): Promise<MasterRotationSummary> {
  const batchSize = checkBatchSize(batchSizeOption);
  const masterKeyId = store.currentMasterKeyId();

  let tenantKeysRewrapped = 0;
  let cursor = { tenantId: FIRST_UUID, version: 0 };
  for (;;) {
    const count = await transactions.run(async (tx) => {
      const rows: { tenant_id: string; version: number; wrapped_key: Buffer; master_key_id: string }[] = await tx.query(
        `SELECT tenant_id, version, wrapped_key, master_key_id FROM tenant_keys
           WHERE master_key_id <> $1 AND (tenant_id, version) > ($2::uuid, $3::int)
           ORDER BY tenant_id, version LIMIT $4
           FOR UPDATE SKIP LOCKED`,
        [masterKeyId, cursor.tenantId, cursor.version, batchSize],
      );
      if (rows.length === 0) return 0;
      const rewrapped = rows.map((r) =>
        store.rewrapTenantKey(r.tenant_id, r.version, { wrappedKey: r.wrapped_key, masterKeyId: r.master_key_id }),
      );
      await tx.query(
        `UPDATE tenant_keys t SET wrapped_key = s.wrapped_key, master_key_id = $1
         FROM unnest($2::uuid[], $3::int[], $4::bytea[]) AS s(tenant_id, version, wrapped_key)
         WHERE t.tenant_id = s.tenant_id AND t.version = s.version`,
        [masterKeyId, rows.map((r) => r.tenant_id), rows.map((r) => r.version), rewrapped.map((r) => r.wrappedKey)],
      );
      const last = rows[rows.length - 1];
      cursor = { tenantId: last.tenant_id, version: last.version };
      return rows.length;
    });
    tenantKeysRewrapped += count;
    if (count < batchSize) break;
  }

  let indexRootsRewrapped = 0;
  let rootCursor = FIRST_UUID;
  for (;;) {
    const count = await transactions.run(async (tx) => {
      const rows: { tenant_id: string; wrapped_key: Buffer; master_key_id: string }[] = await tx.query(
        `SELECT tenant_id, wrapped_key, master_key_id FROM tenant_index_keys
         WHERE master_key_id <> $1 AND tenant_id > $2::uuid
         ORDER BY tenant_id LIMIT $3
         FOR UPDATE SKIP LOCKED`,
        [masterKeyId, rootCursor, batchSize],
      );
      if (rows.length === 0) return 0;
      const rewrapped = rows.map((r) =>
        store.rewrapIndexRoot(r.tenant_id, { wrappedKey: r.wrapped_key, masterKeyId: r.master_key_id }),
      );
      await tx.query(
        `UPDATE tenant_index_keys t SET wrapped_key = s.wrapped_key, master_key_id = $1
         FROM unnest($2::uuid[], $3::bytea[]) AS s(tenant_id, wrapped_key)
         WHERE t.tenant_id = s.tenant_id`,
        [masterKeyId, rows.map((r) => r.tenant_id), rewrapped.map((r) => r.wrappedKey)],
      );
      rootCursor = rows[rows.length - 1].tenant_id;
      return rows.length;
    });
    indexRootsRewrapped += count;
    if (count < batchSize) break;
  }

  const signingKeysRewrapped = signingKeys
    ? await rewrapSigningKeys(signingKeys, transactions, masterKeyId, batchSize)
    : undefined;

  const [{ n }]: { n: number }[] = await transactions.manager.query(
    `SELECT (SELECT count(*) FROM tenant_keys WHERE master_key_id <> $1)
          + (SELECT count(*) FROM tenant_index_keys WHERE master_key_id <> $1)
          + (SELECT count(*) FROM signing_keys WHERE master_key_id <> $1) AS n`,
    [masterKeyId],
  );
  return {
    masterKeyId,
    tenantKeysRewrapped,
    indexRootsRewrapped,
    ...(signingKeysRewrapped === undefined ? {} : { signingKeysRewrapped }),
    remaining: Number(n),
  };
}

async function rewrapSigningKeys(
  signingKeys: SigningKeyRewrapper,
  transactions: TransactionManager,
  masterKeyId: string,
  batchSize: number,
): Promise<number> {
  let rewrappedTotal = 0;
  let cursor = '';
  for (;;) {
    const count = await transactions.run(async (tx) => {
      const rows: {
        key_id: string;
        purpose: string;
        public_key: Buffer;
        wrapped_secret_key: Buffer;
        master_key_id: string;
      }[] = await tx.query(
        `SELECT key_id, purpose, public_key, wrapped_secret_key, master_key_id FROM signing_keys
           WHERE master_key_id <> $1 AND key_id > $2
           ORDER BY key_id LIMIT $3
           FOR UPDATE SKIP LOCKED`,
        [masterKeyId, cursor, batchSize],
      );
      if (rows.length === 0) return 0;
      const rewrapped = rows.map((r) =>
        signingKeys.rewrapForCurrentMaster({
          keyId: r.key_id,
          purpose: r.purpose,
          publicKey: r.public_key,
          wrappedSecretKey: r.wrapped_secret_key,
          masterKeyId: r.master_key_id,
        }),
      );
      await tx.query(
        `UPDATE signing_keys t SET wrapped_secret_key = s.wrapped, master_key_id = $1
         FROM unnest($2::text[], $3::bytea[]) AS s(key_id, wrapped)
         WHERE t.key_id = s.key_id`,
        [masterKeyId, rows.map((r) => r.key_id), rewrapped.map((r) => r.wrappedSecretKey)],
      );
      cursor = rows[rows.length - 1].key_id;
      return rows.length;
    });
    rewrappedTotal += count;
    if (count < batchSize) break;
  }
  return rewrappedTotal;
}
