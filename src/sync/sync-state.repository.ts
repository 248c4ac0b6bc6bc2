import { Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { driverQuery } from '../platform/database/driver-query';
import type { Tx } from '../platform/database/transaction-manager';
import { SEALED_DATA_UNREADABLE } from './dead-letter.entity';
import { SyncState } from './sync-state.entity';

@Injectable()
export class SyncStateRepository {
  constructor(private readonly dataSource: DataSource) {}

  private repo(tx?: Tx) {
    return (tx ?? this.dataSource.manager).getRepository(SyncState);
  }

  /** Creates the state of a connection the first time the scheduler sees it. */
  async ensure(tenantId: string, connectionId: string, nextRunAt: Date): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO sync_states (tenant_id, connection_id, next_run_at) VALUES ($1, $2, $3)
       ON CONFLICT (tenant_id, connection_id) DO NOTHING`,
      [tenantId, connectionId, nextRunAt],
    );
  }

  get(tenantId: string, connectionId: string, tx?: Tx): Promise<SyncState | null> {
    return this.repo(tx).findOneBy({ tenantId, connectionId });
  }

  async update(tx: Tx | undefined, tenantId: string, connectionId: string, fields: Partial<SyncState>): Promise<void> {
    await this.repo(tx).update({ tenantId, connectionId }, fields);
  }

  /**
   * Moves the sync position after a page, counts what it ingested and resolves
   * dead letters of orders that now read fine: one statement (a data-modifying
   * CTE), because it runs once per committed page. A letter for an unreadable
   * sealed row is left open: reading the order fine says nothing about the row.
   */
  async advance(
    tx: Tx,
    scope: { tenantId: string; connectionId: string },
    change: { state: Partial<SyncState>; ingested: number; resolveDeadLetters: string[]; now: Date },
  ): Promise<void> {
    const s = change.state;
    const sets: string[] = ['orders_ingested = orders_ingested + $3'];
    const params: unknown[] = [
      scope.tenantId,
      scope.connectionId,
      change.ingested,
      change.resolveDeadLetters,
      change.now,
      SEALED_DATA_UNREADABLE,
    ];
    const column: Record<string, string> = {
      cursor: 'cursor',
      windowFrom: 'window_from',
      windowTo: 'window_to',
      pagePosition: 'page_position',
      pagesInWindow: 'pages_in_window',
    };
    for (const [key, name] of Object.entries(column)) {
      if (key in s) {
        params.push((s as Record<string, unknown>)[key]);
        sets.push(`${name} = $${params.length}`);
      }
    }
    await driverQuery(
      tx,
      `WITH resolved AS (
         UPDATE dead_letters SET resolved_at = $5, resolution = 'ingested', replay_requested_at = NULL
          WHERE tenant_id = $1 AND connection_id = $2 AND resolved_at IS NULL AND marketplace_order_id = ANY($4::text[])
            AND reason_code <> $6
       )
       UPDATE sync_states SET ${sets.join(', ')} WHERE tenant_id = $1 AND connection_id = $2`,
      params,
    );
  }

  /** Connections whose next run is due. */
  async listDue(now: Date, limit = 500): Promise<Array<{ tenantId: string; connectionId: string }>> {
    const rows: Array<{ tenant_id: string; connection_id: string }> = await this.dataSource.query(
      `SELECT tenant_id, connection_id FROM sync_states WHERE next_run_at <= $1 ORDER BY next_run_at LIMIT $2`,
      [now, limit],
    );
    return rows.map((r) => ({ tenantId: r.tenant_id, connectionId: r.connection_id }));
  }

  listOfTenants(tenantIds: readonly string[]): Promise<SyncState[]> {
    if (!tenantIds.length) return Promise.resolve([]);
    return this.repo().find({ where: { tenantId: In([...tenantIds]) } });
  }

  listAll(tenantId?: string): Promise<SyncState[]> {
    return this.repo().find({ where: tenantId ? { tenantId } : {}, order: { tenantId: 'ASC', connectionId: 'ASC' } });
  }
}
