import { Injectable } from '@nestjs/common';
import { DataSource, IsNull } from 'typeorm';
import type { Tx } from '../../platform/database/transaction-manager';
import { WebhookEndpoint } from './endpoint.entity';

@Injectable()
export class EndpointsRepository {
  constructor(private readonly dataSource: DataSource) {}

  private repo(tx?: Tx) {
    return (tx ?? this.dataSource.manager).getRepository(WebhookEndpoint);
  }

  create(fields: Partial<WebhookEndpoint>): WebhookEndpoint {
    return this.repo().create(fields);
  }

  save(tx: Tx, endpoint: WebhookEndpoint): Promise<WebhookEndpoint> {
    return this.repo(tx).save(endpoint);
  }

  /** A live (not deleted) endpoint; with a transaction, its row is locked for the caller's change. */
  findLive(tenantId: string, endpointId: string, tx?: Tx): Promise<WebhookEndpoint | null> {
    const query = this.repo(tx)
      .createQueryBuilder('e')
      .where('e.tenant_id = :tenantId AND e.endpoint_id = :endpointId AND e.deleted_at IS NULL', {
        tenantId,
        endpointId,
      });
    return (tx ? query.setLock('pessimistic_write') : query).getOne();
  }

  listLive(tenantId: string): Promise<WebhookEndpoint[]> {
    return this.repo().find({
      where: { tenantId, deletedAt: IsNull() },
      order: { createdAt: 'ASC', endpointId: 'ASC' },
    });
  }

  countLive(tx: Tx, tenantId: string): Promise<number> {
    return this.repo(tx).count({ where: { tenantId, deletedAt: IsNull() } });
  }
}
