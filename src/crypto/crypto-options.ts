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
}

export const CRYPTO_OPTIONS = Symbol('CRYPTO_OPTIONS');

export const DEFAULT_CRYPTO_OPTIONS: Required<CryptoOptions> = {
  currentVersionTtlMs: 30_000,
  tenantKeyCacheSize: 10_000,
  indexKeyCacheSize: 10_000,
};

export function resolveCryptoOptions(options: CryptoOptions | undefined): Required<CryptoOptions> {
  return { ...DEFAULT_CRYPTO_OPTIONS, ...(options ?? {}) };
}
