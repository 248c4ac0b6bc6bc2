import { DataKeyService, type DataKeyHandle } from '../crypto';
import type { CanonicalOrder } from '../marketplaces/canonical-order';
import type { Tx } from '../platform/database/transaction-manager';
import { DomainError, ErrorCodes } from '../platform/errors/domain-error';

/**
 * An order whose stored sealed PII could not be opened to merge a change into it.
 * Ingestion leaves its row untouched (never re-sealed over: that would destroy what a
 * human might still restore) and hands it back so the caller can set it aside.
 */
export interface UnreadableOrder {
  readonly orderId: string;
  readonly order: CanonicalOrder;
}

/**
 * More unreadable rows than this in one page is not a damaged row but a key problem
 * (a lost tenant key version, a wrong keyring): the page fails whole, as any crypto
 * failure did before, instead of quarantining orders by the hundred.
 */
export const MAX_UNREADABLE_PER_PAGE = 5;

export const isCryptoFailure = (err: unknown): boolean =>
  err instanceof DomainError && err.code === ErrorCodes.CRYPTO_FAILURE;

/** The page-level failure when too many rows are unreadable (PII-free: counts only). */
export function tooManyUnreadable(count: number): DomainError {
  return new DomainError(
    ErrorCodes.CRYPTO_FAILURE,
    `${count} stored sealed rows of one page cannot be opened; failing the page (key problem suspected)`,
  );
}

/**
 * Opens the data keys of orders being merged: one SELECT as always. Only when a
 * wrapped key fails to open (which fails the whole batch) are they opened one by
 * one, to tell the unreadable ones from the rest. A subject without a key is in
 * neither set (shredded: the caller stores nothing new for it).
 */
export async function openKeysIsolating(
  dataKeys: DataKeyService,
  tx: Tx,
  tenantId: string,
  orderIds: readonly string[],
): Promise<{ handles: Map<string, DataKeyHandle>; unreadable: Set<string> }> {
  try {
    return { handles: await dataKeys.openDataKeys(tx, tenantId, orderIds), unreadable: new Set() };
  } catch (err) {
    if (!isCryptoFailure(err)) throw err;
  }
  const handles = new Map<string, DataKeyHandle>();
  const unreadable = new Set<string>();
  for (const id of orderIds) {
    try {
      const handle = (await dataKeys.openDataKeys(tx, tenantId, [id])).get(id);
      if (handle) handles.set(id, handle);
    } catch (err) {
      if (!isCryptoFailure(err)) throw err;
      unreadable.add(id);
    }
  }
  return { handles, unreadable };
}
