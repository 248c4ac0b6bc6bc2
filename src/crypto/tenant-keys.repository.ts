import { Injectable } from '@nestjs/common';
import type { Tx } from '../platform/database/transaction-manager';
import type { WrappedRow } from './tenant-key-store';

/** A tenant key version as stored. */
export interface TenantKeyRow {
  version: number;
  wrapped_key: Buffer;
  master_key_id: string;
}

/**
 * Tenant key versions (`tenant_keys`) and blind-index roots (`tenant_index_keys`),
 * both wrapped by the master key; also the counts across every master-wrapped
 * table (these two and `signing_keys`) that master rotation reports.
 */
@Injectable()
export class TenantKeysRepository {
  /** Version 1, unless the tenant has any version; true when inserted. */
  async insertFirstVersion(tx: Tx, tenantId: string, key: WrappedRow): Promise<boolean> {
    const keys: unknown[] = await tx.query(
      `INSERT INTO tenant_keys (tenant_id, version, wrapped_key, master_key_id)
       SELECT $1, 1, $2, $3 WHERE NOT EXISTS (SELECT 1 FROM tenant_keys WHERE tenant_id = $1)
       ON CONFLICT DO NOTHING RETURNING version`,
      [tenantId, key.wrappedKey, key.masterKeyId],
    );
    return keys.length > 0;
  }

  /** The tenant's index root, unless it has one; true when inserted. */
  async insertIndexRoot(tx: Tx, tenantId: string, root: WrappedRow): Promise<boolean> {
    const roots: unknown[] = await tx.query(
      `INSERT INTO tenant_index_keys (tenant_id, wrapped_key, master_key_id) VALUES ($1, $2, $3)
       ON CONFLICT DO NOTHING RETURNING tenant_id`,
      [tenantId, root.wrappedKey, root.masterKeyId],
    );
    return roots.length > 0;
  }

  /** A new version; false when it exists already (another rotation got there first). */
  async insertVersion(tx: Tx, tenantId: string, version: number, key: WrappedRow): Promise<boolean> {
    const inserted: unknown[] = await tx.query(
      `INSERT INTO tenant_keys (tenant_id, version, wrapped_key, master_key_id) VALUES ($1, $2, $3, $4)
         ON CONFLICT DO NOTHING RETURNING version`,
      [tenantId, version, key.wrappedKey, key.masterKeyId],
    );
    return inserted.length > 0;
  }

  /** The newest version number, or null when the tenant has no key. */
  async newestVersion(tx: Tx, tenantId: string): Promise<number | null> {
    const [{ newest }]: { newest: number | null }[] = await tx.query(
      `SELECT max(version) AS newest FROM tenant_keys WHERE tenant_id = $1`,
      [tenantId],
    );
    return newest;
  }

  /** The newest version as stored. */
  async newest(tx: Tx, tenantId: string): Promise<TenantKeyRow | undefined> {
    const rows: TenantKeyRow[] = await tx.query(
      `SELECT version, wrapped_key, master_key_id FROM tenant_keys WHERE tenant_id = $1 ORDER BY version DESC LIMIT 1`,
      [tenantId],
    );
    return rows[0];
  }

  async version(tx: Tx, tenantId: string, version: number): Promise<Omit<TenantKeyRow, 'version'> | undefined> {
    const rows: { wrapped_key: Buffer; master_key_id: string }[] = await tx.query(
      `SELECT wrapped_key, master_key_id FROM tenant_keys WHERE tenant_id = $1 AND version = $2`,
      [tenantId, version],
    );
    return rows[0];
  }

  async indexRoot(tx: Tx, tenantId: string): Promise<Omit<TenantKeyRow, 'version'> | undefined> {
    const rows: { wrapped_key: Buffer; master_key_id: string }[] = await tx.query(
      `SELECT wrapped_key, master_key_id FROM tenant_index_keys WHERE tenant_id = $1`,
      [tenantId],
    );
    return rows[0];
  }

  /**
   * Deletes every version of the tenant's key and its index root (a seller's offboarding); returns what was
   * deleted. Data keys are left to their owners: without these rows none of them can be unwrapped again.
   */
  async destroyTenant(tx: Tx, tenantId: string): Promise<{ versions: number[]; indexRoot: boolean }> {
    const [versions]: [{ version: number }[], number] = await tx.query(
      `DELETE FROM tenant_keys WHERE tenant_id = $1 RETURNING version`,
      [tenantId],
    );
    const [roots]: [unknown[], number] = await tx.query(
      `DELETE FROM tenant_index_keys WHERE tenant_id = $1 RETURNING tenant_id`,
      [tenantId],
    );
    return { versions: versions.map((v) => v.version).sort((a, b) => a - b), indexRoot: roots.length > 0 };
  }

  /** Every version with its state, master key and the number of data keys it wraps. */
  describe(
    tx: Tx,
    tenantId: string,
  ): Promise<{ version: number; state: 'active' | 'retired'; master_key_id: string; data_keys: number }[]> {
    return tx.query(
      `SELECT k.version, k.state, k.master_key_id,
           (SELECT count(*)::int FROM data_keys d WHERE d.tenant_id = k.tenant_id AND d.tenant_key_version = k.version)
             AS data_keys
         FROM tenant_keys k WHERE k.tenant_id = $1 ORDER BY k.version`,
      [tenantId],
    );
  }

  /** Marks versions below `toVersion` retired once no data key references them; returns those versions. */
  async retireUnreferenced(tx: Tx, tenantId: string, toVersion: number): Promise<number[]> {
    const [retired]: [{ version: number }[], number] = await tx.query(
      `UPDATE tenant_keys k SET state = 'retired'
       WHERE k.tenant_id = $1 AND k.version < $2 AND k.state = 'active'
         AND NOT EXISTS (SELECT 1 FROM data_keys d WHERE d.tenant_id = k.tenant_id AND d.tenant_key_version = k.version)
       RETURNING k.version`,
      [tenantId, toVersion],
    );
    return retired.map((r) => r.version);
  }

  /** The next batch of versions under another master key after the cursor, locked; rows others hold are skipped. */
  lockNotUnderMaster(
    tx: Tx,
    masterKeyId: string,
    after: { tenantId: string; version: number },
    batch: number,
  ): Promise<{ tenant_id: string; version: number; wrapped_key: Buffer; master_key_id: string }[]> {
    return tx.query(
      `SELECT tenant_id, version, wrapped_key, master_key_id FROM tenant_keys
           WHERE master_key_id <> $1 AND (tenant_id, version) > ($2::uuid, $3::int)
           ORDER BY tenant_id, version LIMIT $4
           FOR UPDATE SKIP LOCKED`,
      [masterKeyId, after.tenantId, after.version, batch],
    );
  }

  async rewrapUnderMaster(
    tx: Tx,
    masterKeyId: string,
    rows: { tenantIds: string[]; versions: number[]; wrapped: Buffer[] },
  ): Promise<void> {
    await tx.query(
      `UPDATE tenant_keys t SET wrapped_key = s.wrapped_key, master_key_id = $1
         FROM unnest($2::uuid[], $3::int[], $4::bytea[]) AS s(tenant_id, version, wrapped_key)
         WHERE t.tenant_id = s.tenant_id AND t.version = s.version`,
      [masterKeyId, rows.tenantIds, rows.versions, rows.wrapped],
    );
  }

  /** The next batch of index roots under another master key after the cursor, locked; rows others hold are skipped. */
  lockIndexRootsNotUnderMaster(
    tx: Tx,
    masterKeyId: string,
    afterTenantId: string,
    batch: number,
  ): Promise<{ tenant_id: string; wrapped_key: Buffer; master_key_id: string }[]> {
    return tx.query(
      `SELECT tenant_id, wrapped_key, master_key_id FROM tenant_index_keys
         WHERE master_key_id <> $1 AND tenant_id > $2::uuid
         ORDER BY tenant_id LIMIT $3
         FOR UPDATE SKIP LOCKED`,
      [masterKeyId, afterTenantId, batch],
    );
  }

  async rewrapIndexRootsUnderMaster(
    tx: Tx,
    masterKeyId: string,
    rows: { tenantIds: string[]; wrapped: Buffer[] },
  ): Promise<void> {
    await tx.query(
      `UPDATE tenant_index_keys t SET wrapped_key = s.wrapped_key, master_key_id = $1
         FROM unnest($2::uuid[], $3::bytea[]) AS s(tenant_id, wrapped_key)
         WHERE t.tenant_id = s.tenant_id`,
      [masterKeyId, rows.tenantIds, rows.wrapped],
    );
  }

  /** Rows of every master-wrapped table (tenant keys, index roots, signing keys) under another master key. */
  async countNotUnderMaster(tx: Tx, masterKeyId: string): Promise<number> {
    const [{ n }]: { n: number }[] = await tx.query(
      `SELECT (SELECT count(*) FROM tenant_keys WHERE master_key_id <> $1)
          + (SELECT count(*) FROM tenant_index_keys WHERE master_key_id <> $1)
          + (SELECT count(*) FROM signing_keys WHERE master_key_id <> $1) AS n`,
      [masterKeyId],
    );
    return Number(n);
  }

  /** Rows of every master-wrapped table per master key id. */
  masterKeyUsage(tx: Tx): Promise<{ master_key_id: string; n: number }[]> {
    return tx.query(
      `SELECT master_key_id, count(*)::int AS n FROM (
         SELECT master_key_id FROM tenant_keys UNION ALL SELECT master_key_id FROM tenant_index_keys
         UNION ALL SELECT master_key_id FROM signing_keys
       ) wrapped GROUP BY master_key_id ORDER BY master_key_id`,
    );
  }
}
