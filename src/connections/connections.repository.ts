import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { MarketplaceName } from '../marketplaces/canonical-order';
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

  listByStatus(status: ConnectionStatus): Promise<MarketplaceConnection[]> {
    return this.repo().find({ where: { status }, order: { tenantId: 'ASC', connectionId: 'ASC' } });
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
