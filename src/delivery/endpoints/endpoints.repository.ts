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

  /** The tenant of a live endpoint (operators name endpoints by id alone). */
  async tenantOf(endpointId: string): Promise<string | null> {
    const found = await this.repo().findOne({ where: { endpointId, deletedAt: IsNull() }, select: { tenantId: true } });
    return found?.tenantId ?? null;
  }

  listLive(tenantId: string): Promise<WebhookEndpoint[]> {
    return this.repo().find({
      where: { tenantId, deletedAt: IsNull() },
      order: { createdAt: 'ASC', endpointId: 'ASC' },
    });
  }

  /** Enabled, live endpoints of these tenants (the fan-out's targets). */
  listEnabled(tx: Tx, tenantIds: readonly string[]): Promise<WebhookEndpoint[]> {
    if (!tenantIds.length) return Promise.resolve([]);
    return this.repo(tx)
      .createQueryBuilder('e')
      .where('e.tenant_id = ANY(:ids::uuid[]) AND e.enabled AND e.deleted_at IS NULL', { ids: [...tenantIds] })
      .getMany();
  }

  /** Endpoints by id, live or not (the dispatcher needs a deleted one's row to stop its deliveries). */
  findMany(tx: Tx, tenantId: string, endpointIds: readonly string[]): Promise<WebhookEndpoint[]> {
    if (!endpointIds.length) return Promise.resolve([]);
    return this.repo(tx)
      .createQueryBuilder('e')
      .where('e.tenant_id = :tenantId AND e.endpoint_id = ANY(:ids::uuid[])', { tenantId, ids: [...endpointIds] })
      .getMany();
  }

  /** Endpoints of several tenants by (tenant, endpoint) pairs, live or not (a dispatcher's claim). */
  findManyOfTenants(
    tx: Tx,
    pairs: ReadonlyArray<{ tenantId: string; endpointId: string }>,
  ): Promise<WebhookEndpoint[]> {
    if (!pairs.length) return Promise.resolve([]);
    return this.repo(tx)
      .createQueryBuilder('e')
      .where('(e.tenant_id, e.endpoint_id) IN (SELECT * FROM unnest(:tenants::uuid[], :ids::uuid[]))', {
        tenants: pairs.map((p) => p.tenantId),
        ids: pairs.map((p) => p.endpointId),
      })
      .getMany();
  }

  /** A failure starts a failing stretch unless one is running. */
  async markFailing(tx: Tx, tenantId: string, endpointIds: readonly string[], at: Date): Promise<void> {
    if (!endpointIds.length) return;
    await tx.query(
      `UPDATE webhook_endpoints SET failing_since = $3
        WHERE tenant_id = $1 AND endpoint_id = ANY($2::uuid[]) AND failing_since IS NULL`,
      [tenantId, endpointIds, at],
    );
  }

  /** Raises an endpoint's warning level (only upwards); returns whether it rose. */
  async raiseWarnings(tx: Tx, tenantId: string, endpointId: string, level: number): Promise<boolean> {
    const [, count] = (await tx.query(
      `UPDATE webhook_endpoints SET failure_warnings = $3
        WHERE tenant_id = $1 AND endpoint_id = $2 AND failure_warnings < $3`,
      [tenantId, endpointId, level],
    )) as [unknown, number];
    return count === 1;
  }

  /** Disables an enabled endpoint for a reason; returns whether it was enabled. */
  async disable(tx: Tx, tenantId: string, endpointId: string, reason: string, at: Date): Promise<boolean> {
    const [, count] = (await tx.query(
      `UPDATE webhook_endpoints SET enabled = false, disabled_reason = $3, disabled_at = $4, updated_at = now()
        WHERE tenant_id = $1 AND endpoint_id = $2 AND enabled AND deleted_at IS NULL`,
      [tenantId, endpointId, reason, at],
    )) as [unknown, number];
    return count === 1;
  }

  /** Failed or given-up deliveries of the endpoint created since then: what a replay since then sends again. */
  async countFailedSince(tx: Tx, tenantId: string, endpointId: string, since: Date): Promise<number> {
    const [row] = await tx.query(
      `SELECT count(*)::int AS n FROM deliveries
        WHERE tenant_id = $1 AND endpoint_id = $2 AND created_at >= $3 AND status IN ('failed_retrying', 'given_up')`,
      [tenantId, endpointId, since],
    );
    return row.n;
  }

  countLive(tx: Tx, tenantId: string): Promise<number> {
    return this.repo(tx).count({ where: { tenantId, deletedAt: IsNull() } });
  }
}
