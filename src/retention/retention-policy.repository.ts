import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Tx } from '../platform/database/transaction-manager';
import { RetentionPolicy } from './retention-policy.entity';

@Injectable()
export class RetentionPolicyRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The tenant's stored choices (absent marketplaces use the defaults). */
  list(tenantId: string, tx?: Tx): Promise<RetentionPolicy[]> {
    return (tx ?? this.dataSource.manager)
      .getRepository(RetentionPolicy)
      .find({ where: { tenantId }, order: { marketplace: 'ASC' } });
  }

  /** Locks the tenant's stored rows so two concurrent changes log what each one changed. */
  async lockForChange(tx: Tx, tenantId: string): Promise<RetentionPolicy[]> {
    // Serialises a tenant's changes even before it has any row.
    await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`retention-policy:${tenantId}`]);
    return this.list(tenantId, tx);
  }

  async upsert(tx: Tx, tenantId: string, marketplace: string, piiWindowDays: number, now: Date): Promise<void> {
    await tx.query(
      `INSERT INTO retention_policies (tenant_id, marketplace, pii_window_days, updated_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (tenant_id, marketplace) DO UPDATE SET pii_window_days = EXCLUDED.pii_window_days,
              updated_at = EXCLUDED.updated_at`,
      [tenantId, marketplace, piiWindowDays, now],
    );
  }

  /** The order-record period of one marketplace (null months: back to the default). */
  async upsertRecordPeriod(
    tx: Tx,
    tenantId: string,
    marketplace: string,
    months: number | null,
    basis: string | null,
    now: Date,
  ): Promise<void> {
    await tx.query(
      `INSERT INTO retention_policies (tenant_id, marketplace, order_record_months, order_record_basis, updated_at)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (tenant_id, marketplace) DO UPDATE SET order_record_months = EXCLUDED.order_record_months,
              order_record_basis = EXCLUDED.order_record_basis, updated_at = EXCLUDED.updated_at`,
      [tenantId, marketplace, months, basis, now],
    );
  }
}
