import { Injectable, Optional } from '@nestjs/common';
import { AppLogger, TransactionManager, conflict, notFound, type Tx } from '../platform';
import { canonicalId } from './ids';
import { rewrapMasterWrappedRows, type MasterRotationSummary } from './master-rotation';
import { SigningKeyService } from './signing-key.service';
import { rewrapTenantDataKeys, type TenantRotationOptions, type TenantRotationSummary } from './tenant-rotation';
import { TenantKeyStore } from './tenant-key-store';

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
    const key = this.store.newTenantKey(tenant, 1);
    const keys: unknown[] = await tx.query(
      `INSERT INTO tenant_keys (tenant_id, version, wrapped_key, master_key_id)
       SELECT $1, 1, $2, $3 WHERE NOT EXISTS (SELECT 1 FROM tenant_keys WHERE tenant_id = $1)
       ON CONFLICT DO NOTHING RETURNING version`,
      [tenant, key.wrappedKey, key.masterKeyId],
    );
    const root = this.store.newIndexRoot(tenant);
    const roots: unknown[] = await tx.query(
      `INSERT INTO tenant_index_keys (tenant_id, wrapped_key, master_key_id) VALUES ($1, $2, $3)
       ON CONFLICT DO NOTHING RETURNING tenant_id`,
      [tenant, root.wrappedKey, root.masterKeyId],
    );
    const created = keys.length > 0 || roots.length > 0;
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
      const [{ newest }]: { newest: number | null }[] = await tx.query(
        `SELECT max(version) AS newest FROM tenant_keys WHERE tenant_id = $1`,
        [tenant],
      );
      if (newest === null) throw notFound('tenant key');
      const next = newest + 1;
      const row = this.store.newTenantKey(tenant, next);
      const inserted: unknown[] = await tx.query(
        `INSERT INTO tenant_keys (tenant_id, version, wrapped_key, master_key_id) VALUES ($1, $2, $3, $4)
         ON CONFLICT DO NOTHING RETURNING version`,
        [tenant, next, row.wrappedKey, row.masterKeyId],
      );
      if (inserted.length === 0) throw conflict('another rotation of this tenant key is in progress');
      return next;
    });
    this.store.forgetCurrent(tenant);
    const summary = await rewrapTenantDataKeys(this.store, this.transactions, tenant, toVersion, options);
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
    const [{ newest }]: { newest: number | null }[] = await this.transactions.manager.query(
      `SELECT max(version) AS newest FROM tenant_keys WHERE tenant_id = $1`,
      [tenant],
    );
    if (newest === null) throw notFound('tenant key');
    const summary = await rewrapTenantDataKeys(this.store, this.transactions, tenant, newest, options);
    this.log.info('tenant data keys rewrapped', { ...summary });
    return summary;
  }

  /** Rewraps every tenant key, index root and signing key not yet under the current master key. */
  async rotateMaster(options: { batchSize?: number } = {}): Promise<MasterRotationSummary> {
    const summary = await rewrapMasterWrappedRows(this.store, this.transactions, options.batchSize, this.signingKeys);
    this.log.info('master key rotation pass finished', { ...summary });
    return summary;
  }

  async describeTenant(tx: Tx, tenantId: string): Promise<TenantKeyVersionInfo[]> {
    const rows: { version: number; state: 'active' | 'retired'; master_key_id: string; data_keys: number }[] =
      await tx.query(
        `SELECT k.version, k.state, k.master_key_id,
           (SELECT count(*)::int FROM data_keys d WHERE d.tenant_id = k.tenant_id AND d.tenant_key_version = k.version)
             AS data_keys
         FROM tenant_keys k WHERE k.tenant_id = $1 ORDER BY k.version`,
        [canonicalId(tenantId, 'tenantId')],
      );
    return rows.map((r) => ({
      version: r.version,
      state: r.state,
      masterKeyId: r.master_key_id,
      dataKeys: r.data_keys,
    }));
  }

  /** Rows wrapped per master key id: a previous key may leave the keyring once its count is zero. */
  async masterKeysInUse(tx: Tx = this.transactions.manager): Promise<Map<string, number>> {
    const rows: { master_key_id: string; n: number }[] = await tx.query(
      `SELECT master_key_id, count(*)::int AS n FROM (
         SELECT master_key_id FROM tenant_keys UNION ALL SELECT master_key_id FROM tenant_index_keys
         UNION ALL SELECT master_key_id FROM signing_keys
       ) wrapped GROUP BY master_key_id ORDER BY master_key_id`,
    );
    return new Map(rows.map((r) => [r.master_key_id, r.n]));
  }
}
