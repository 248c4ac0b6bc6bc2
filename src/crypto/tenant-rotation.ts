import { validationFailed, type TransactionManager } from '../platform';
import { unwrapDataKey, wrapDataKey } from './data-key-wrapping';
import type { DataKeysRepository } from './data-keys.repository';
import type { TenantKeyStore } from './tenant-key-store';
import type { TenantKeysRepository } from './tenant-keys.repository';

/** What a rotation pass works with (TenantKeyService hands its own). */
export interface KeyRotationDeps {
  readonly store: TenantKeyStore;
  readonly transactions: TransactionManager;
  readonly tenantKeys: TenantKeysRepository;
  readonly dataKeys: DataKeysRepository;
}

export interface TenantRotationProgress {
  readonly rewrapped: number;
  readonly batches: number;
}

export interface TenantRotationOptions {
  /** Data keys per transaction (default 500). */
  readonly batchSize?: number;
  /** Called after each batch has committed, outside any transaction (progress bars). */
  readonly onBatch?: (progress: TenantRotationProgress) => void | Promise<void>;
}

export interface TenantRotationSummary {
  readonly tenantId: string;
  /** The version every data key is now wrapped by. */
  readonly toVersion: number;
  readonly rewrapped: number;
  readonly batches: number;
  /** Versions marked retired by this run (no data key references them). */
  readonly retiredVersions: readonly number[];
  /**
   * Data keys still on older versions: locked by a live transaction when their
   * batch ran, or written meanwhile by a replica whose current-version cache was
   * stale. They keep opening; the next run rewraps them.
   */
  readonly remaining: number;
}

const FIRST_UUID = '00000000-0000-0000-0000-000000000000';
export const DEFAULT_BATCH_SIZE = 500;

export function checkBatchSize(batchSize: number | undefined): number {
  const size = batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isInteger(size) || size < 1 || size > 10_000) {
    throw validationFailed('batchSize must be an integer between 1 and 10000');
  }
  return size;
}

/**
 * Walks the tenant's data keys on versions below `toVersion` in subject-id order
 * (keyset paging), one transaction per batch. `SKIP LOCKED` lets it pass rows a
 * live transaction holds instead of waiting; those are counted in `remaining`.
 */
export async function rewrapTenantDataKeys(
  { store, transactions, tenantKeys, dataKeys }: KeyRotationDeps,
  tenantId: string,
  toVersion: number,
  options: TenantRotationOptions,
): Promise<TenantRotationSummary> {
  const batchSize = checkBatchSize(options.batchSize);
  let cursor = FIRST_UUID;
  let rewrapped = 0;
  let batches = 0;
  for (;;) {
    const count = await transactions.run(async (tx) => {
      const rows = await dataKeys.lockBelowVersion(tx, tenantId, toVersion, cursor, batchSize);
      if (rows.length === 0) return 0;
      const targetKey = await store.version(tx, tenantId, toVersion);
      const wrapped = rows.map((row) =>
        wrapDataKey(targetKey, toVersion, tenantId, row.subject_id, row.purpose, unwrapDataKey(store, tenantId, row)),
      );
      await dataKeys.rewrap(
        tx,
        tenantId,
        toVersion,
        rows.map((r) => r.subject_id),
        wrapped,
      );
      cursor = rows[rows.length - 1].subject_id;
      return rows.length;
    });
    if (count === 0) break;
    rewrapped += count;
    batches += 1;
    await options.onBatch?.({ rewrapped, batches });
    if (count < batchSize) break;
  }

  const { retiredVersions, remaining } = await transactions.run(async (tx) => {
    // A version is retired only when no data key references it at this instant.
    // A replica with a stale cache may still wrap under it afterwards; retired
    // versions are never deleted, so such keys open and the next run moves them.
    const retired = await tenantKeys.retireUnreferenced(tx, tenantId, toVersion);
    const remaining = await dataKeys.countBelowVersion(tx, tenantId, toVersion);
    return { retiredVersions: retired.sort((a, b) => a - b), remaining };
  });
  return { tenantId, toVersion, rewrapped, batches, retiredVersions, remaining };
}
