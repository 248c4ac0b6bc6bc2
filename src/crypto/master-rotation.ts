import type { TransactionManager } from '../platform';
import type { SigningKeyWrappedRow } from './signing-key.service';
import type { SigningKeysRepository } from './signing-keys.repository';
import { checkBatchSize, type KeyRotationDeps } from './tenant-rotation';

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
  { store, transactions, tenantKeys }: KeyRotationDeps,
  batchSizeOption: number | undefined,
  signingKeys: { service: SigningKeyRewrapper; rows: SigningKeysRepository } | undefined,
): Promise<MasterRotationSummary> {
  const batchSize = checkBatchSize(batchSizeOption);
  const masterKeyId = store.currentMasterKeyId();

  let tenantKeysRewrapped = 0;
  let cursor = { tenantId: FIRST_UUID, version: 0 };
  for (;;) {
    const count = await transactions.run(async (tx) => {
      const rows = await tenantKeys.lockNotUnderMaster(tx, masterKeyId, cursor, batchSize);
      if (rows.length === 0) return 0;
      const rewrapped = rows.map((r) =>
        store.rewrapTenantKey(r.tenant_id, r.version, { wrappedKey: r.wrapped_key, masterKeyId: r.master_key_id }),
      );
      await tenantKeys.rewrapUnderMaster(tx, masterKeyId, {
        tenantIds: rows.map((r) => r.tenant_id),
        versions: rows.map((r) => r.version),
        wrapped: rewrapped.map((r) => r.wrappedKey),
      });
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
      const rows = await tenantKeys.lockIndexRootsNotUnderMaster(tx, masterKeyId, rootCursor, batchSize);
      if (rows.length === 0) return 0;
      const rewrapped = rows.map((r) =>
        store.rewrapIndexRoot(r.tenant_id, { wrappedKey: r.wrapped_key, masterKeyId: r.master_key_id }),
      );
      await tenantKeys.rewrapIndexRootsUnderMaster(tx, masterKeyId, {
        tenantIds: rows.map((r) => r.tenant_id),
        wrapped: rewrapped.map((r) => r.wrappedKey),
      });
      rootCursor = rows[rows.length - 1].tenant_id;
      return rows.length;
    });
    indexRootsRewrapped += count;
    if (count < batchSize) break;
  }

  const signingKeysRewrapped = signingKeys
    ? await rewrapSigningKeys(signingKeys, transactions, masterKeyId, batchSize)
    : undefined;

  return {
    masterKeyId,
    tenantKeysRewrapped,
    indexRootsRewrapped,
    ...(signingKeysRewrapped === undefined ? {} : { signingKeysRewrapped }),
    remaining: await tenantKeys.countNotUnderMaster(transactions.manager, masterKeyId),
  };
}

async function rewrapSigningKeys(
  signingKeys: { service: SigningKeyRewrapper; rows: SigningKeysRepository },
  transactions: TransactionManager,
  masterKeyId: string,
  batchSize: number,
): Promise<number> {
  let rewrappedTotal = 0;
  let cursor = '';
  for (;;) {
    const count = await transactions.run(async (tx) => {
      const rows = await signingKeys.rows.lockNotUnderMaster(tx, masterKeyId, cursor, batchSize);
      if (rows.length === 0) return 0;
      const rewrapped = rows.map((r) =>
        signingKeys.service.rewrapForCurrentMaster({
          keyId: r.key_id,
          purpose: r.purpose,
          publicKey: r.public_key,
          wrappedSecretKey: r.wrapped_secret_key,
          masterKeyId: r.master_key_id,
        }),
      );
      await signingKeys.rows.rewrapUnderMaster(tx, masterKeyId, {
        keyIds: rows.map((r) => r.key_id),
        wrapped: rewrapped.map((r) => r.wrappedSecretKey),
      });
      cursor = rows[rows.length - 1].key_id;
      return rows.length;
    });
    rewrappedTotal += count;
    if (count < batchSize) break;
  }
  return rewrappedTotal;
}
