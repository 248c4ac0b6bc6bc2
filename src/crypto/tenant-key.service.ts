import { Injectable, Optional } from '@nestjs/common';
import { AppLogger, TransactionManager, conflict, notFound, type Tx } from '../platform';
import { DataKeysRepository } from './data-keys.repository';
import { canonicalId } from './ids';
import { rewrapMasterWrappedRows, type MasterRotationSummary } from './master-rotation';
import { SigningKeyService } from './signing-key.service';
import {
  rewrapTenantDataKeys,
  type KeyRotationDeps,
  type TenantRotationOptions,
  type TenantRotationSummary,
} from './tenant-rotation';
import { TenantKeyStore } from './tenant-key-store';
import { TenantKeysRepository } from './tenant-keys.repository';
import { SigningKeysRepository } from './signing-keys.repository';

export interface TenantKeyVersionInfo {
  readonly version: number;
  readonly state: 'active' | 'retired';
  readonly masterKeyId: string;
  /** Data keys currently wrapped by this version. */
  readonly dataKeys: number;
}

/**
 * Tenant keys: provisioning, rotation (new version + rewrap of every data key)
 * and master-key rotation (rewrap of every tenant key and index root). Rotation
 * never touches payload ciphertext: only the small wrapped keys change.
 */
@Injectable()
export class TenantKeyService {
  private readonly log: AppLogger;

  constructor(
    private readonly store: TenantKeyStore,
    private readonly keys: TenantKeysRepository,
    private readonly dataKeys: DataKeysRepository,
    private readonly signingKeyRows: SigningKeysRepository,
    private readonly transactions: TransactionManager,
    logger: AppLogger,
    // Optional so tools built without signing keys (createCryptoServices) keep working; the module always has it.
    @Optional() private readonly signingKeys?: SigningKeyService,
  ) {
    this.log = logger.child({ module: 'crypto' });
  }

  /** Creates tenant key v1 and the blind-index root unless they exist; safe to call twice. */
  async provisionTenant(tx: Tx, tenantId: string): Promise<{ created: boolean }> {
    const tenant = canonicalId(tenantId, 'tenantId');
    const keyCreated = await this.keys.insertFirstVersion(tx, tenant, this.store.newTenantKey(tenant, 1));
    const rootCreated = await this.keys.insertIndexRoot(tx, tenant, this.store.newIndexRoot(tenant));
    const created = keyCreated || rootCreated;
    if (created) this.store.evictTenant(tenant);
    return { created };
  }

  /**
   * Adds tenant key version n+1, then rewraps every data key of the tenant that
   * an older version wraps, in batches that each commit on their own (so it runs
   * beside live traffic), and retires old versions no data key references.
   */
  async rotateTenant(tenantId: string, options: TenantRotationOptions = {}): Promise<TenantRotationSummary> {
    const tenant = canonicalId(tenantId, 'tenantId');
    const toVersion = await this.transactions.run(async (tx) => {
      const newest = await this.keys.newestVersion(tx, tenant);
      if (newest === null) throw notFound('tenant key');
      const next = newest + 1;
      if (!(await this.keys.insertVersion(tx, tenant, next, this.store.newTenantKey(tenant, next)))) {
        throw conflict('another rotation of this tenant key is in progress');
      }
      return next;
    });
    this.store.forgetCurrent(tenant);
    const summary = await rewrapTenantDataKeys(this.rotation(), tenant, toVersion, options);
    this.log.info('tenant key rotated', { ...summary });
    return summary;
  }

  /**
   * Finishes a rotation without adding a version: rewraps data keys still on
   * older versions (written by a replica with a stale cache, or skipped because
   * they were locked) and retires versions nothing references any more.
   */
  async rewrapTenant(tenantId: string, options: TenantRotationOptions = {}): Promise<TenantRotationSummary> {
    const tenant = canonicalId(tenantId, 'tenantId');
    const newest = await this.keys.newestVersion(this.transactions.manager, tenant);
    if (newest === null) throw notFound('tenant key');
    const summary = await rewrapTenantDataKeys(this.rotation(), tenant, newest, options);
    this.log.info('tenant data keys rewrapped', { ...summary });
    return summary;
  }

  /** Rewraps every tenant key, index root and signing key not yet under the current master key. */
  async rotateMaster(options: { batchSize?: number } = {}): Promise<MasterRotationSummary> {
    const summary = await rewrapMasterWrappedRows(
      this.rotation(),
      options.batchSize,
      this.signingKeys && { service: this.signingKeys, rows: this.signingKeyRows },
    );
    this.log.info('master key rotation pass finished', { ...summary });
    return summary;
  }

  /**
   * Destroys the tenant's key versions and blind-index root in the caller's transaction (a seller's
   * offboarding): everything sealed under them, backups included for as long as those rows are not restored,
   * can no longer be opened, and no blind index of the tenant can be computed again. Returns the ids of the
   * destroyed keys (`tenant-key:<tenant>:v<n>`, `index-root:<tenant>`); none when already destroyed.
   * This replica's caches forget the tenant at once; another replica's unwrapped key cache holds keys only
   * by the wrapped bytes it read, and finds no row to read from now on.
   */
  async destroyTenant(tx: Tx, tenantId: string): Promise<string[]> {
    const tenant = canonicalId(tenantId, 'tenantId');
    const { versions, indexRoot } = await this.keys.destroyTenant(tx, tenant);
    this.store.evictTenant(tenant);
    this.store.forgetVersions(tenant, versions);
    return [...versions.map((v) => `tenant-key:${tenant}:v${v}`), ...(indexRoot ? [`index-root:${tenant}`] : [])];
  }

  async describeTenant(tx: Tx, tenantId: string): Promise<TenantKeyVersionInfo[]> {
    const rows = await this.keys.describe(tx, canonicalId(tenantId, 'tenantId'));
    return rows.map((r) => ({
      version: r.version,
      state: r.state,
      masterKeyId: r.master_key_id,
      dataKeys: r.data_keys,
    }));
  }

  /** Rows wrapped per master key id: a previous key may leave the keyring once its count is zero. */
  async masterKeysInUse(tx: Tx = this.transactions.manager): Promise<Map<string, number>> {
    const rows = await this.keys.masterKeyUsage(tx);
    return new Map(rows.map((r) => [r.master_key_id, r.n]));
  }

  private rotation(): KeyRotationDeps {
    return { store: this.store, transactions: this.transactions, tenantKeys: this.keys, dataKeys: this.dataKeys };
  }
}
