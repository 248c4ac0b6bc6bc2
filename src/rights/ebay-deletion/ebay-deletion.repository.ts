import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { bulkValues } from '../../platform/database/bulk-values';
import { execute } from '../../platform/database/sql';
import type { Tx } from '../../platform/database/transaction-manager';
import type { AccountDeletionNotification } from './ebay-notification';

export interface DeletionTarget {
  readonly tenantId: string;
  readonly buyerIndex: Buffer;
}

/** The SQL of eBay account deletion notifications and their per-tenant targets. */
@Injectable()
export class EbayDeletionRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Records a notification seen for the first time; false when its id is already known. */
  async recordNew(tx: Tx, n: AccountDeletionNotification, now: Date): Promise<boolean> {
    const { rowCount } = await execute(
      tx,
      `INSERT INTO ebay_deletion_notifications (notification_id, publish_attempt_count, event_date, received_at)
       VALUES ($1, $2, $3, $4) ON CONFLICT (notification_id) DO NOTHING`,
      [n.notificationId, n.publishAttemptCount, n.eventDate, now],
    );
    return rowCount > 0;
  }

  /** A known notification delivered again with a higher attempt count: recorded; false if not higher. */
  async recordResend(tx: Tx, n: AccountDeletionNotification): Promise<boolean> {
    const { rowCount } = await execute(
      tx,
      `UPDATE ebay_deletion_notifications SET publish_attempt_count = $2
        WHERE notification_id = $1 AND publish_attempt_count < $2`,
      [n.notificationId, n.publishAttemptCount],
    );
    return rowCount > 0;
  }

  async addTargets(tx: Tx, notificationId: string, targets: readonly DeletionTarget[]): Promise<void> {
    if (!targets.length) return;
    const { sql, params } = bulkValues(
      targets.map((t) => [t.tenantId, notificationId, t.buyerIndex]),
      ['uuid', 'text', 'bytea'],
    );
    await tx.query(`INSERT INTO ebay_deletion_targets (tenant_id, notification_id, buyer_index) VALUES ${sql}`, params);
  }

  async targets(notificationId: string): Promise<DeletionTarget[]> {
    const rows: Array<{ tenant_id: string; buyer_index: Buffer }> = await this.dataSource.query(
      `SELECT tenant_id, buyer_index FROM ebay_deletion_targets WHERE notification_id = $1 ORDER BY tenant_id`,
      [notificationId],
    );
    return rows.map((r) => ({ tenantId: r.tenant_id, buyerIndex: r.buyer_index }));
  }

  /** A batch of a tenant's erasure committed: its count, kept on the target until the tenant is done. */
  async countErased(tx: Tx, notificationId: string, tenantId: string, erased: number): Promise<void> {
    if (!erased) return;
    await tx.query(
      `UPDATE ebay_deletion_targets SET orders_erased = orders_erased + $3 WHERE tenant_id = $1 AND notification_id = $2`,
      [tenantId, notificationId, erased],
    );
  }

  /** One tenant is done: its target row goes (the blind index with it) and its count moves to the notification. */
  async finishTarget(tx: Tx, notificationId: string, tenantId: string): Promise<void> {
    await tx.query(
      `WITH gone AS (
         DELETE FROM ebay_deletion_targets WHERE tenant_id = $1 AND notification_id = $2 RETURNING orders_erased)
       UPDATE ebay_deletion_notifications n
          SET orders_erased = n.orders_erased + gone.orders_erased,
              tenants_erased = n.tenants_erased + (CASE WHEN gone.orders_erased > 0 THEN 1 ELSE 0 END)
         FROM gone WHERE n.notification_id = $2`,
      [tenantId, notificationId],
    );
  }

  async complete(notificationId: string, now: Date): Promise<void> {
    await this.dataSource.query(
      `UPDATE ebay_deletion_notifications SET completed_at = $2 WHERE notification_id = $1 AND completed_at IS NULL`,
      [notificationId, now],
    );
  }
}
