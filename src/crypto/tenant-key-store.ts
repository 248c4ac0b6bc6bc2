import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { Clock, type Tx } from '../platform';
import { BoundedCache } from './bounded-cache';
import { cryptoFailure } from './crypto-failure';
import { CRYPTO_OPTIONS, resolveCryptoOptions, type CryptoOptions } from './crypto-options';
import { EnvelopeKind } from './envelope';
import { MasterKeyring } from './master-keyring';
import { WRAP_PURPOSES } from './purposes';
import { AEAD_KEY_BYTES } from './sodium';
import { TenantIndexer } from './tenant-indexer';
import { TenantKeysRepository } from './tenant-keys.repository';

/** A tenant key version ready to wrap data keys, with the wrapped bytes it was read from. */
export interface CurrentTenantKey {
  readonly version: number;
  readonly wrappedKey: Buffer;
  readonly key: Uint8Array;
}

/** A master-wrapped row as stored. */
export interface WrappedRow {
  readonly wrappedKey: Buffer;
  readonly masterKeyId: string;
}

interface CachedKey {
  readonly wrappedKey: Buffer;
  readonly key: Uint8Array;
}

interface CachedCurrent extends CurrentTenantKey {
  readonly expiresAtMs: number;
}

/** A tenant's derived blind-index keys, the wrapped root they came from, and until when they are trusted unchecked. */
interface CachedIndexer {
  readonly indexer: TenantIndexer;
  readonly wrappedKey: Buffer;
  readonly checkedUntilMs: number;
}

/**
 * Wraps, unwraps and caches tenant keys and index roots (internal to the crypto
 * module).
 *
 * Unwrapped tenant keys are cached by the exact wrapped bytes they were opened
 * from and used only when the row read in the caller's transaction still holds
 * those bytes, so that cache cannot disagree with the database. The current
 * version is trusted for a short TTL, and writes that rely on it re-check it in
 * the same statement. Blind-index keys are trusted once loaded (index roots
 * never change material) so indexing needs no query at all when warm;
 * `provisionTenant` evicts them, which covers a provisioning transaction that
 * rolled back and is retried with the same tenant id.
 */
@Injectable()
export class TenantKeyStore {
  private readonly options: Required<CryptoOptions>;
  private readonly unwrapped: BoundedCache<string, CachedKey>;
  private readonly currents: BoundedCache<string, CachedCurrent>;
  private readonly indexers: BoundedCache<string, CachedIndexer>;

  constructor(
    private readonly keyring: MasterKeyring,
    private readonly keys: TenantKeysRepository,
    private readonly clock: Clock,
    @Optional() @Inject(CRYPTO_OPTIONS) options?: CryptoOptions,
  ) {
    this.options = resolveCryptoOptions(options);
    this.unwrapped = new BoundedCache(this.options.tenantKeyCacheSize);
    this.currents = new BoundedCache(this.options.tenantKeyCacheSize);
    this.indexers = new BoundedCache(this.options.indexKeyCacheSize);
  }

  /**
   * The newest tenant key version, from a short-lived cache: versions are
   * immutable, but which one is newest changes when any replica rotates.
   */
  async current(tx: Tx, tenantId: string): Promise<CurrentTenantKey> {
    const cached = this.currents.get(tenantId);
    if (cached && cached.expiresAtMs > this.clock.nowMs()) return cached;
    const row = await this.keys.newest(tx, tenantId);
    if (!row) throw cryptoFailure(`tenant ${tenantId} has no encryption key (not provisioned)`);
    const key = this.unwrapTenantKey(tenantId, row.version, {
      wrappedKey: row.wrapped_key,
      masterKeyId: row.master_key_id,
    });
    const current = {
      version: row.version,
      wrappedKey: row.wrapped_key,
      key,
      expiresAtMs: this.clock.nowMs() + this.options.currentVersionTtlMs,
    };
    this.currents.set(tenantId, current);
    return current;
  }

  /** One specific version (e.g. a rotation's target), unwrapped; fails closed when the version does not exist. */
  async version(tx: Tx, tenantId: string, version: number): Promise<Uint8Array> {
    const row = await this.keys.version(tx, tenantId, version);
    if (!row) throw cryptoFailure(`tenant key version ${version} of tenant ${tenantId} does not exist`);
    return this.unwrapTenantKey(tenantId, version, { wrappedKey: row.wrapped_key, masterKeyId: row.master_key_id });
  }

  /**
   * The tenant's blind-index keys, derived from its index root on first use. Trusted for
   * `indexRootTtlMs`, then the root row is read again: gone (the tenant was offboarded, perhaps by
   * another replica) and the derived keys are dropped and the call fails closed; unchanged and they
   * are kept without deriving again.
   */
  async indexer(tx: Tx, tenantId: string): Promise<TenantIndexer> {
    const cached = this.indexers.get(tenantId);
    const now = this.clock.nowMs();
    if (cached && cached.checkedUntilMs > now) return cached.indexer;
    const row = await this.keys.indexRoot(tx, tenantId);
    if (!row) {
      this.indexers.delete(tenantId);
      throw cryptoFailure(`tenant ${tenantId} has no blind-index key (not provisioned)`);
    }
    const checkedUntilMs = now + this.options.indexRootTtlMs;
    if (cached && cached.wrappedKey.equals(row.wrapped_key)) {
      this.indexers.set(tenantId, { ...cached, checkedUntilMs });
      return cached.indexer;
    }
    const root = this.unwrapIndexRoot(tenantId, { wrappedKey: row.wrapped_key, masterKeyId: row.master_key_id });
    const indexer = new TenantIndexer(tenantId, root);
    this.indexers.set(tenantId, { indexer, wrappedKey: Buffer.from(row.wrapped_key), checkedUntilMs });
    return indexer;
  }

  /** Forgets everything cached about a tenant whose keys were just (re)created. */
  evictTenant(tenantId: string): void {
    this.currents.delete(tenantId);
    this.indexers.delete(tenantId);
  }

  /** Drops these versions' unwrapped keys (destroyed with the tenant). */
  forgetVersions(tenantId: string, versions: readonly number[]): void {
    for (const v of versions) this.unwrapped.delete(`${tenantId}:${v}`);
  }

  /** Drops the cached current version (after this replica rotated, or when a write found it stale). */
  forgetCurrent(tenantId: string): void {
    this.currents.delete(tenantId);
  }

  unwrapTenantKey(tenantId: string, version: number, row: WrappedRow): Uint8Array {
    const cacheKey = `${tenantId}:${version}`;
    const cached = this.unwrapped.get(cacheKey);
    if (cached && cached.wrappedKey.equals(row.wrappedKey)) return cached.key;
    const key = this.keyring.byId(row.masterKeyId).unwrap(tenantKeyBinding(tenantId, version), row.wrappedKey);
    if (key.length !== AEAD_KEY_BYTES) throw cryptoFailure('tenant key has the wrong length');
    this.unwrapped.set(cacheKey, { wrappedKey: Buffer.from(row.wrappedKey), key });
    return key;
  }

  currentMasterKeyId(): string {
    return this.keyring.current().id;
  }

  /** A fresh random tenant key version, wrapped by the current master key. */
  newTenantKey(tenantId: string, version: number): WrappedRow {
    const master = this.keyring.current();
    return {
      wrappedKey: master.wrap(tenantKeyBinding(tenantId, version), randomBytes(AEAD_KEY_BYTES)),
      masterKeyId: master.id,
    };
  }

  /** The same tenant key material under the current master key (master rotation). */
  rewrapTenantKey(tenantId: string, version: number, row: WrappedRow): WrappedRow {
    const key = this.unwrapTenantKey(tenantId, version, row);
    const master = this.keyring.current();
    return { wrappedKey: master.wrap(tenantKeyBinding(tenantId, version), key), masterKeyId: master.id };
  }

  newIndexRoot(tenantId: string): WrappedRow {
    const master = this.keyring.current();
    return { wrappedKey: master.wrap(indexRootBinding(tenantId), randomBytes(AEAD_KEY_BYTES)), masterKeyId: master.id };
  }

  unwrapIndexRoot(tenantId: string, row: WrappedRow): Uint8Array {
    const root = this.keyring.byId(row.masterKeyId).unwrap(indexRootBinding(tenantId), row.wrappedKey);
    if (root.length !== AEAD_KEY_BYTES) throw cryptoFailure('index root has the wrong length');
    return root;
  }

  rewrapIndexRoot(tenantId: string, row: WrappedRow): WrappedRow {
    const root = this.unwrapIndexRoot(tenantId, row);
    const master = this.keyring.current();
    return { wrappedKey: master.wrap(indexRootBinding(tenantId), root), masterKeyId: master.id };
  }
}

function tenantKeyBinding(tenantId: string, version: number) {
  return {
    kind: EnvelopeKind.tenantKey,
    keyVersion: version,
    tenantId,
    subjectId: '',
    purpose: WRAP_PURPOSES.tenantKey,
  };
}

/** Index roots never rotate with the tenant key (index values must stay stable), so their version is fixed. */
function indexRootBinding(tenantId: string) {
  return { kind: EnvelopeKind.indexRoot, keyVersion: 1, tenantId, subjectId: '', purpose: WRAP_PURPOSES.indexRoot };
}
