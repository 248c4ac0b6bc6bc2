import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { bulkValues } from '../platform/database/bulk-values';
import type { Tx } from '../platform/database/transaction-manager';
import { DeadLetter, SEALED_DATA_UNREADABLE } from './dead-letter.entity';

/** An open dead letter replay may re-fetch. */
export interface ReplayCandidate {
  readonly deadLetterId: string;
  readonly marketplaceOrderId: string;
  readonly attempts: number;
}

/** When and how often replay asks the marketplace again. */
export interface ReplaySchedule {
  readonly perRun: number;
  /** Wait after a sighting before the first replay; doubles with every attempt up to maxDelayMs. */
  readonly firstDelayMs: number;
  readonly maxDelayMs: number;
  /** At this many attempts (sightings and replays) replay gives up. */
  readonly maxAttempts: number;
}

/** What a replay learnt about letters it could not resolve by ingesting. */
export interface ReplaySettlement {
  readonly stillBroken: ReadonlyArray<{ readonly deadLetterId: string; readonly reasonDetail: string }>;
  readonly gone: readonly string[];
  readonly maxAttempts: number;
}

export type DeadLetterState = 'open' | 'resolved' | 'all';

export interface DeadLetterFilter {
  readonly connectionId?: string;
  readonly marketplace?: string;
  readonly reasonCode?: string;
  readonly state: DeadLetterState;
  readonly after?: { readonly firstSeenAt: Date; readonly deadLetterId: string };
}

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

  /**
   * Seen again, still not ingestible: count it and keep the latest reason. An unreadable
   * sealed row keeps that reason whatever else goes wrong, so it is never mistaken for a
   * letter that resolves itself.
   */
  async touch(
    tx: Tx,
    tenantId: string,
    ids: string[],
    reasons: Map<string, { code: string; detail: string }>,
    now: Date,
  ): Promise<void> {
    for (const id of ids) {
      const reason = reasons.get(id) ?? { code: 'bad_data', detail: '' };
      await tx.query(
        `UPDATE dead_letters SET attempts = attempts + 1, last_seen_at = $3,
                reason_code = CASE WHEN reason_code = $6 THEN reason_code ELSE $4 END,
                reason_detail = CASE WHEN reason_code = $6 THEN reason_detail ELSE $5 END
          WHERE tenant_id = $1 AND dead_letter_id = $2`,
        [tenantId, id, now, reason.code, reason.detail, SEALED_DATA_UNREADABLE],
      );
    }
  }

  /**
   * Open letters of a connection due for a replay, longest waiting first. Skipped: letters
   * without a marketplace order id ('?' + digest: nothing to ask for), unreadable sealed
   * rows (a human's job), and letters replay gave up on, unless an operator asked for a replay
   * (`requestReplay`): those come first, whatever their backoff.
   */
  async dueForReplay(
    tenantId: string,
    connectionId: string,
    now: Date,
    schedule: ReplaySchedule,
  ): Promise<ReplayCandidate[]> {
    const rows: Array<{ dead_letter_id: string; marketplace_order_id: string; attempts: number }> =
      await this.dataSource.query(
        `SELECT dead_letter_id, marketplace_order_id, attempts FROM dead_letters
          WHERE tenant_id = $1::uuid AND connection_id = $2::uuid AND resolved_at IS NULL
            AND reason_code <> $4::text AND left(marketplace_order_id, 1) <> '?'
            AND (replay_requested_at IS NOT NULL
                 OR (gave_up_at IS NULL
                     AND last_seen_at + LEAST($6::float8, $5::float8 * power(2, GREATEST(attempts, 1) - 1))
                                        * interval '1 millisecond' <= $3::timestamptz))
          ORDER BY replay_requested_at NULLS LAST, last_seen_at, dead_letter_id
          LIMIT $7::int`,
        [
          tenantId,
          connectionId,
          now,
          SEALED_DATA_UNREADABLE,
          schedule.firstDelayMs,
          schedule.maxDelayMs,
          schedule.perRun,
        ],
      );
    return rows.map((r) => ({
      deadLetterId: r.dead_letter_id,
      marketplaceOrderId: r.marketplace_order_id,
      attempts: r.attempts,
    }));
  }

  /**
   * Records a replay's verdicts: still broken → one more attempt (and gave up at the cap);
   * unknown to the marketplace → resolved as 'gone'. Returns how many were given up on.
   */
  async settleReplay(tx: Tx, tenantId: string, settlement: ReplaySettlement, now: Date): Promise<number> {
    let gaveUp = 0;
    if (settlement.stillBroken.length) {
      // An UPDATE through TypeORM's postgres driver answers [returned rows, affected count].
      const [rows]: [Array<{ gave_up: boolean }>, number] = await tx.query(
        `UPDATE dead_letters d SET attempts = d.attempts + 1, last_seen_at = $3::timestamptz, reason_detail = s.detail,
                replay_requested_at = NULL,
                gave_up_at = CASE WHEN d.attempts + 1 >= $4::int THEN $3::timestamptz ELSE NULL END
           FROM unnest($2::uuid[], $5::text[]) AS s(id, detail)
          WHERE d.tenant_id = $1::uuid AND d.dead_letter_id = s.id AND d.resolved_at IS NULL
          RETURNING d.gave_up_at IS NOT NULL AS gave_up`,
        [
          tenantId,
          settlement.stillBroken.map((b) => b.deadLetterId),
          now,
          settlement.maxAttempts,
          settlement.stillBroken.map((b) => b.reasonDetail.slice(0, 500)),
        ],
      );
      gaveUp = rows.filter((r) => r.gave_up).length;
    }
    if (settlement.gone.length) {
      await tx.query(
        `UPDATE dead_letters SET resolved_at = $3::timestamptz, resolution = 'gone', replay_requested_at = NULL
          WHERE tenant_id = $1::uuid AND dead_letter_id = ANY($2::uuid[]) AND resolved_at IS NULL`,
        [tenantId, settlement.gone, now],
      );
    }
    return gaveUp;
  }

  /**
   * Clears the sealed payload of every letter (open or resolved) of these marketplace orders;
   * returns the ids of the letters matched, whose data keys the caller shreds.
   */
  async clearPayloadsOfOrders(
    tx: Tx,
    tenantId: string,
    orders: ReadonlyArray<{ marketplace: string; marketplaceOrderId: string }>,
  ): Promise<string[]> {
    const [rows]: [Array<{ dead_letter_id: string }>, number] = await tx.query(
      `UPDATE dead_letters d SET payload_ciphertext = NULL
         FROM unnest($2::text[], $3::text[]) AS o(marketplace, marketplace_order_id)
        WHERE d.tenant_id = $1 AND d.marketplace = o.marketplace AND d.marketplace_order_id = o.marketplace_order_id
        RETURNING d.dead_letter_id`,
      [tenantId, orders.map((o) => o.marketplace), orders.map((o) => o.marketplaceOrderId)],
    );
    return rows.map((r) => r.dead_letter_id);
  }

  /** Deletes every letter of these marketplace orders (their order records expired); returns the letters' ids. */
  async deleteLettersOfOrders(
    tx: Tx,
    tenantId: string,
    orders: ReadonlyArray<{ marketplace: string; marketplaceOrderId: string }>,
  ): Promise<string[]> {
    const [rows]: [Array<{ dead_letter_id: string }>, number] = await tx.query(
      `DELETE FROM dead_letters d
         USING unnest($2::text[], $3::text[]) AS o(marketplace, marketplace_order_id)
        WHERE d.tenant_id = $1 AND d.marketplace = o.marketplace AND d.marketplace_order_id = o.marketplace_order_id
        RETURNING d.dead_letter_id`,
      [tenantId, orders.map((o) => o.marketplace), orders.map((o) => o.marketplaceOrderId)],
    );
    return rows.map((r) => r.dead_letter_id);
  }

  /**
   * Letters without a marketplace order id ('?' + digest) cannot follow an order's retention:
   * their payloads expire by age. Clears up to `limit` payloads first seen before `before`
   * (locked, skipping rows others hold); returns the letters per tenant for key shredding.
   */
  async clearExpiredUnidentified(tx: Tx, before: Date, limit: number): Promise<Map<string, string[]>> {
    const [rows]: [Array<{ tenant_id: string; dead_letter_id: string }>, number] = await tx.query(
      `UPDATE dead_letters d SET payload_ciphertext = NULL
        WHERE (d.tenant_id, d.dead_letter_id) IN (
          SELECT tenant_id, dead_letter_id FROM dead_letters
           WHERE left(marketplace_order_id, 1) = '?' AND first_seen_at < $1 AND payload_ciphertext IS NOT NULL
           LIMIT $2 FOR UPDATE SKIP LOCKED)
        RETURNING d.tenant_id, d.dead_letter_id`,
      [before, limit],
    );
    const byTenant = new Map<string, string[]>();
    for (const r of rows) byTenant.set(r.tenant_id, [...(byTenant.get(r.tenant_id) ?? []), r.dead_letter_id]);
    return byTenant;
  }

  /** One page of a tenant's letters, oldest first sighting first, after the keyset `after`. */
  page(tenantId: string, filter: DeadLetterFilter, limit: number): Promise<DeadLetter[]> {
    const qb = this.dataSource
      .getRepository(DeadLetter)
      .createQueryBuilder('d')
      .where('d.tenant_id = :tenantId', { tenantId })
      .orderBy('d.first_seen_at', 'ASC')
      .addOrderBy('d.dead_letter_id', 'ASC')
      .limit(limit);
    if (filter.connectionId) qb.andWhere('d.connection_id = :connectionId', { connectionId: filter.connectionId });
    if (filter.marketplace) qb.andWhere('d.marketplace = :marketplace', { marketplace: filter.marketplace });
    if (filter.reasonCode) qb.andWhere('d.reason_code = :reasonCode', { reasonCode: filter.reasonCode });
    if (filter.state === 'open') qb.andWhere('d.resolved_at IS NULL');
    if (filter.state === 'resolved') qb.andWhere('d.resolved_at IS NOT NULL');
    if (filter.after) {
      qb.andWhere('(d.first_seen_at, d.dead_letter_id) > (:afterAt, :afterId)', {
        afterAt: filter.after.firstSeenAt,
        afterId: filter.after.deadLetterId,
      });
    }
    return qb.getMany();
  }

  findOne(tenantId: string, deadLetterId: string): Promise<DeadLetter | null> {
    return this.dataSource.getRepository(DeadLetter).findOne({ where: { tenantId, deadLetterId } });
  }

  /** Marks an open letter for replay on its connection's next run; false when it is not open (any more). */
  async requestReplay(tenantId: string, deadLetterId: string, now: Date): Promise<boolean> {
    const [rows]: [unknown[], number] = await this.dataSource.query(
      `UPDATE dead_letters SET replay_requested_at = $3::timestamptz
        WHERE tenant_id = $1::uuid AND dead_letter_id = $2::uuid AND resolved_at IS NULL
        RETURNING dead_letter_id`,
      [tenantId, deadLetterId, now],
    );
    return rows.length === 1;
  }

  /** Closes an open letter by hand; false when it is not open (any more). */
  async dismiss(tenantId: string, deadLetterId: string, by: string, note: string | null, now: Date): Promise<boolean> {
    const [rows]: [unknown[], number] = await this.dataSource.query(
      `UPDATE dead_letters SET resolved_at = $3::timestamptz, resolution = 'dismissed', resolved_by = $4,
              resolution_note = $5, replay_requested_at = NULL
        WHERE tenant_id = $1::uuid AND dead_letter_id = $2::uuid AND resolved_at IS NULL
        RETURNING dead_letter_id`,
      [tenantId, deadLetterId, now, by, note],
    );
    return rows.length === 1;
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
