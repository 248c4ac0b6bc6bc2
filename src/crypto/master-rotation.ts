import type { TransactionManager } from '../platform';
import type { TenantKeyStore } from './tenant-key-store';
import { checkBatchSize } from './tenant-rotation';

export interface MasterRotationSummary {
  /** The master key everything was rewrapped under. */
  readonly masterKeyId: string;
  readonly tenantKeysRewrapped: number;
  readonly indexRootsRewrapped: number;
  /** Rows still under another master key (locked by a live transaction); run again before dropping old keys. */
  readonly remaining: number;
}

const FIRST_UUID = '00000000-0000-0000-0000-000000000000';

/**
 * Rewraps tenant keys and index roots whose `master_key_id` is not the current
 * key, in keyset-paged batches with `SKIP LOCKED`. Key material is unchanged, so
 * data keys, payloads and blind indexes are untouched. A row whose master key is
 * missing from the keyring stops the run (fail closed); batches already
 * committed stay done and a rerun continues.
 */
export async function rewrapMasterWrappedRows(
  store: TenantKeyStore,
  transactions: TransactionManager,
  batchSizeOption: number | undefined,
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

  const [{ n }]: { n: number }[] = await transactions.manager.query(
    `SELECT (SELECT count(*) FROM tenant_keys WHERE master_key_id <> $1)
          + (SELECT count(*) FROM tenant_index_keys WHERE master_key_id <> $1) AS n`,
    [masterKeyId],
  );
  return { masterKeyId, tenantKeysRewrapped, indexRootsRewrapped, remaining: Number(n) };
}
