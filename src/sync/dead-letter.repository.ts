import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { bulkValues } from '../platform/database/bulk-values';
import type { Tx } from '../platform/database/transaction-manager';
import { DeadLetter } from './dead-letter.entity';

export interface DeadLetterWrite {
  readonly deadLetterId: string;
  readonly connectionId: string;
  readonly marketplace: string;
  readonly marketplaceOrderId: string;
  readonly reasonCode: string;
  readonly reasonDetail: string;
  readonly payloadCiphertext: Buffer | null;
}

@Injectable()
export class DeadLetterRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Open dead letters of these orders (to count a repeat instead of adding a row). */
  async findOpen(
    tx: Tx,
    tenantId: string,
    connectionId: string,
    marketplaceOrderIds: string[],
  ): Promise<Map<string, string>> {
    if (!marketplaceOrderIds.length) return new Map();
    const rows: Array<{ dead_letter_id: string; marketplace_order_id: string }> = await tx.query(
      `SELECT dead_letter_id, marketplace_order_id FROM dead_letters
        WHERE tenant_id = $1 AND connection_id = $2 AND resolved_at IS NULL AND marketplace_order_id = ANY($3::text[])
        FOR UPDATE`,
      [tenantId, connectionId, marketplaceOrderIds],
    );
    return new Map(rows.map((r) => [r.marketplace_order_id, r.dead_letter_id]));
  }

  async insertMany(tx: Tx, tenantId: string, rows: readonly DeadLetterWrite[], now: Date): Promise<void> {
    if (!rows.length) return;
    const { sql, params } = bulkValues(
      rows.map((r) => [
        tenantId,
        r.deadLetterId,
        r.connectionId,
        r.marketplace,
        r.marketplaceOrderId,
        r.reasonCode,
        r.reasonDetail,
        r.payloadCiphertext,
        now,
        now,
      ]),
      ['uuid', 'uuid', 'uuid', 'text', 'text', 'text', 'text', 'bytea', 'timestamptz', 'timestamptz'],
    );
    await tx.query(
      `INSERT INTO dead_letters (tenant_id, dead_letter_id, connection_id, marketplace, marketplace_order_id,
         reason_code, reason_detail, payload_ciphertext, first_seen_at, last_seen_at) VALUES ${sql}`,
      params,
    );
  }

  async touch(tx: Tx, tenantId: string, ids: string[], reasons: Map<string, string>, now: Date): Promise<void> {
    for (const id of ids) {
      await tx.query(
        `UPDATE dead_letters SET attempts = attempts + 1, last_seen_at = $3, reason_detail = $4
          WHERE tenant_id = $1 AND dead_letter_id = $2`,
        [tenantId, id, now, reasons.get(id) ?? ''],
      );
    }
  }

  /** An order that failed before has now been ingested: its dead letter is resolved. */
  async resolve(
    tx: Tx,
    tenantId: string,
    connectionId: string,
    marketplaceOrderIds: string[],
    now: Date,
  ): Promise<void> {
    if (!marketplaceOrderIds.length) return;
    await tx.query(
      `UPDATE dead_letters SET resolved_at = $4
        WHERE tenant_id = $1 AND connection_id = $2 AND resolved_at IS NULL AND marketplace_order_id = ANY($3::text[])`,
      [tenantId, connectionId, marketplaceOrderIds, now],
    );
  }

  list(tenantId: string, connectionId?: string, openOnly = true): Promise<DeadLetter[]> {
    const qb = this.dataSource
      .getRepository(DeadLetter)
      .createQueryBuilder('d')
      .where('d.tenant_id = :tenantId', { tenantId })
      .orderBy('d.first_seen_at', 'ASC');
    if (connectionId) qb.andWhere('d.connection_id = :connectionId', { connectionId });
    if (openOnly) qb.andWhere('d.resolved_at IS NULL');
    return qb.getMany();
  }

  async countOpen(): Promise<Array<{ marketplace: string; reason: string; n: number }>> {
    const rows = await this.dataSource.query(
      `SELECT marketplace, reason_code AS reason, count(*)::int AS n FROM dead_letters WHERE resolved_at IS NULL GROUP BY 1, 2`,
    );
    return rows;
  }
}
