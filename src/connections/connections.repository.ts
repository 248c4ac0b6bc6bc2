import { Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import type { MarketplaceName } from '../marketplaces/canonical-order';
import { execute } from '../platform/database/sql';
import type { Tx } from '../platform/database/transaction-manager';
import { MarketplaceConnection, type ConnectionStatus } from './connection.entity';

@Injectable()
export class ConnectionsRepository {
  constructor(private readonly dataSource: DataSource) {}

  private repo(tx?: Tx) {
    return (tx ?? this.dataSource.manager).getRepository(MarketplaceConnection);
  }

  findByAccount(tx: Tx, tenantId: string, marketplace: MarketplaceName, region: string, accountId: string) {
    return this.repo(tx)
      .createQueryBuilder('c')
      .setLock('pessimistic_write')
      .where(
        'c.tenant_id = :tenantId AND c.marketplace = :marketplace AND c.region = :region AND c.account_id = :accountId',
        {
          tenantId,
          marketplace,
          region,
          accountId,
        },
      )
      .getOne();
  }

  save(tx: Tx, connection: MarketplaceConnection): Promise<MarketplaceConnection> {
    return this.repo(tx).save(connection);
  }

  create(fields: Partial<MarketplaceConnection>): MarketplaceConnection {
    return this.repo().create(fields);
  }

  findOne(tenantId: string, connectionId: string, tx?: Tx): Promise<MarketplaceConnection | null> {
    return this.repo(tx).findOneBy({ tenantId, connectionId });
  }

  list(tenantId: string): Promise<MarketplaceConnection[]> {
    return this.repo().find({ where: { tenantId }, order: { createdAt: 'ASC', connectionId: 'ASC' } });
  }

  /** Every connection, of one tenant or all, whatever its status. */
  listAll(tenantId?: string): Promise<MarketplaceConnection[]> {
    return this.repo().find({
      where: tenantId ? { tenantId } : {},
      order: { tenantId: 'ASC', createdAt: 'ASC', connectionId: 'ASC' },
    });
  }

  /** Every connection of these tenants, whatever its status. */
  listOfTenants(tenantIds: readonly string[]): Promise<MarketplaceConnection[]> {
    if (!tenantIds.length) return Promise.resolve([]);
    return this.repo().find({
      where: { tenantId: In([...tenantIds]) },
      order: { tenantId: 'ASC', createdAt: 'ASC', connectionId: 'ASC' },
    });
  }

  listByStatus(status: ConnectionStatus): Promise<MarketplaceConnection[]> {
    return this.repo().find({ where: { status }, order: { tenantId: 'ASC', connectionId: 'ASC' } });
  }

  /** Sets when the connection's buyer data is due; an earlier due date already set wins (`earliest`). */
  async scheduleBuyerData(tx: Tx, tenantId: string, connectionId: string, dueAt: Date): Promise<Date> {
    const { rows } = await execute<{ buyer_data_due_at: Date }>(
      tx,
      `UPDATE marketplace_connections
          SET buyer_data_due_at = LEAST(COALESCE(buyer_data_due_at, $3::timestamptz), $3::timestamptz)
        WHERE tenant_id = $1 AND connection_id = $2
        RETURNING buyer_data_due_at`,
      [tenantId, connectionId, dueAt],
    );
    return rows[0].buyer_data_due_at;
  }

  /** Ended connections of a tenant whose buyer data is due by `asOf`. */
  listBuyerDataDue(tenantId: string, asOf: Date): Promise<MarketplaceConnection[]> {
    return this.repo()
      .createQueryBuilder('c')
      .where('c.tenant_id = :tenantId AND c.buyer_data_due_at <= :asOf AND c.status <> :active', {
        tenantId,
        asOf,
        active: 'active',
      })
      .orderBy('c.buyer_data_due_at')
      .getMany();
  }

  /**
   * Locks the connection if its buyer data is (still) due by `asOf`: a re-authorisation takes the same row
   * lock and clears the due date, so a destruction batch and a reconnection never cross.
   */
  async lockBuyerDataDue(tx: Tx, tenantId: string, connectionId: string, asOf: Date): Promise<boolean> {
    const rows: unknown[] = await tx.query(
      `SELECT 1 FROM marketplace_connections
        WHERE tenant_id = $1 AND connection_id = $2 AND buyer_data_due_at <= $3 AND status <> 'active'
        FOR UPDATE`,
      [tenantId, connectionId, asOf],
    );
    return rows.length > 0;
  }

  async buyerDataDestroyed(tx: Tx, tenantId: string, connectionId: string, at: Date): Promise<void> {
    await this.repo(tx).update({ tenantId, connectionId }, { buyerDataDueAt: null, buyerDataDestroyedAt: at });
  }

  async setStatus(
    tx: Tx | undefined,
    tenantId: string,
    connectionId: string,
    status: ConnectionStatus,
    reason: string | null,
  ) {
    await this.repo(tx).update({ tenantId, connectionId }, { status, statusReason: reason });
  }
}
