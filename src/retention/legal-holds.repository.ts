import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Tx } from '../platform/database/transaction-manager';
import { LegalHold } from './legal-hold.entity';

/** What is held for one tenant at an instant. */
export interface TenantHolds {
  /** A tenant-wide hold is active: nothing of the tenant is destroyed or expired. */
  readonly wholeTenant: boolean;
  /** Orders named by active per-order holds. */
  readonly orderIds: string[];
}

@Injectable()
export class LegalHoldsRepository {
  constructor(private readonly dataSource: DataSource) {}

  private repo(tx?: Tx) {
    return (tx ?? this.dataSource.manager).getRepository(LegalHold);
  }

  /**
   * Placing, renewing or releasing a tenant's holds takes this lock exclusively; a destruction batch takes it
   * shared before it reads the holds, so a hold committed while a batch runs is either seen by that batch or
   * waits for it (never an order destroyed under a hold that was already placed).
   */
  async lockForChange(tx: Tx, tenantId: string): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`legal-hold:${tenantId}`]);
  }

  async lockForSweep(tx: Tx, tenantId: string): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock_shared(hashtextextended($1, 0))`, [`legal-hold:${tenantId}`]);
  }

  insert(tx: Tx, hold: Partial<LegalHold>): Promise<LegalHold> {
    return this.repo(tx).save(this.repo(tx).create(hold));
  }

  findOne(tenantId: string, holdId: string, tx?: Tx): Promise<LegalHold | null> {
    return this.repo(tx).findOneBy({ tenantId, holdId });
  }

  list(tenantId: string): Promise<LegalHold[]> {
    return this.repo().find({ where: { tenantId }, order: { placedAt: 'ASC', holdId: 'ASC' } });
  }

  async renew(tx: Tx, tenantId: string, holdId: string, expiresAt: Date, now: Date): Promise<void> {
    await tx.query(`UPDATE legal_holds SET expires_at = $3, renewed_at = $4 WHERE tenant_id = $1 AND hold_id = $2`, [
      tenantId,
      holdId,
      expiresAt,
      now,
    ]);
  }

  async release(tx: Tx, tenantId: string, holdId: string, by: string, now: Date): Promise<void> {
    await tx.query(`UPDATE legal_holds SET released_at = $3, released_by = $4 WHERE tenant_id = $1 AND hold_id = $2`, [
      tenantId,
      holdId,
      now,
      by,
    ]);
  }

  /** Holds active at `at` (not released, not expired), merged. */
  async activeAt(tenantId: string, at: Date, tx?: Tx): Promise<TenantHolds> {
    const rows: Array<{ whole_tenant: boolean; order_ids: string[] | null }> = await (
      tx ?? this.dataSource.manager
    ).query(
      `SELECT bool_or(order_ids IS NULL) AS whole_tenant,
              array(SELECT DISTINCT unnest(h2.order_ids) FROM legal_holds h2
                     WHERE h2.tenant_id = $1 AND h2.released_at IS NULL AND h2.expires_at > $2) AS order_ids
         FROM legal_holds WHERE tenant_id = $1 AND released_at IS NULL AND expires_at > $2`,
      [tenantId, at],
    );
    return { wholeTenant: Boolean(rows[0]?.whole_tenant), orderIds: rows[0]?.order_ids ?? [] };
  }

  /** Tenants with an active tenant-wide hold, and every order under an active per-order hold (metrics). */
  async allActive(at: Date): Promise<{ tenants: string[]; orders: Array<{ tenantId: string; orderId: string }> }> {
    const rows: Array<{ tenant_id: string; order_id: string | null }> = await this.dataSource.query(
      `SELECT DISTINCT tenant_id, unnest(coalesce(order_ids, ARRAY[NULL]::uuid[])) AS order_id FROM legal_holds
        WHERE released_at IS NULL AND expires_at > $1`,
      [at],
    );
    return {
      tenants: [...new Set(rows.filter((r) => r.order_id === null).map((r) => r.tenant_id))],
      orders: rows.filter((r) => r.order_id !== null).map((r) => ({ tenantId: r.tenant_id, orderId: r.order_id! })),
    };
  }
}
