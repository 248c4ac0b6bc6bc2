/** Tuning for the key caches; the defaults suit one replica serving thousands of tenants. */
export interface CryptoOptions {
  /**
   * How long a replica trusts its idea of a tenant's current key version. Another
   * replica may rotate meanwhile; data keys wrapped under the older version in
   * that window still open and are rewrapped by the next rotation run.
   */
  readonly currentVersionTtlMs?: number;
  /** Unwrapped tenant key versions kept in memory. */
  readonly tenantKeyCacheSize?: number;
  /** Tenants whose derived blind-index keys are kept in memory. */
  readonly indexKeyCacheSize?: number;
  /**
   * How long a replica uses a tenant's cached blind-index keys before checking that the index root
   * still exists: a tenant offboarded on another replica stops being indexable here within this time
   * (its derived keys are dropped from memory at that check).
   */
  readonly indexRootTtlMs?: number;
}

export const CRYPTO_OPTIONS = Symbol('CRYPTO_OPTIONS');

export const DEFAULT_CRYPTO_OPTIONS: Required<CryptoOptions> = {
  currentVersionTtlMs: 30_000,
  tenantKeyCacheSize: 10_000,
  indexKeyCacheSize: 10_000,
  indexRootTtlMs: 30_000,
};

export function resolveCryptoOptions(options: CryptoOptions | undefined): Required<CryptoOptions> {
  return { ...DEFAULT_CRYPTO_OPTIONS, ...(options ?? {}) };
}
