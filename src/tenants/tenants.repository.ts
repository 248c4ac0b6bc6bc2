import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Tx } from '../platform/database/transaction-manager';
import { Tenant, type TenantStatus } from './tenant.entity';

@Injectable()
export class TenantsRepository {
  constructor(private readonly dataSource: DataSource) {}

  private repo(tx?: Tx) {
    return (tx ?? this.dataSource.manager).getRepository(Tenant);
  }

  insert(tx: Tx, name: string): Promise<Tenant> {
    return this.repo(tx).save(this.repo(tx).create({ name, status: 'active' }));
  }

  findById(tenantId: string, tx?: Tx): Promise<Tenant | null> {
    return this.repo(tx).findOneBy({ tenantId });
  }

  /** The tenant locked until the caller's transaction ends (status changes serialise on it). */
  lockById(tx: Tx, tenantId: string): Promise<Tenant | null> {
    return this.repo(tx).findOne({ where: { tenantId }, lock: { mode: 'pessimistic_write' } });
  }

  async setStatus(tx: Tx, tenantId: string, status: TenantStatus): Promise<void> {
    await this.repo(tx).update({ tenantId }, { status });
  }

  list(limit: number, after?: string): Promise<Tenant[]> {
    const qb = this.repo().createQueryBuilder('t').orderBy('t.tenant_id').limit(limit);
    if (after) qb.where('t.tenant_id > :after', { after });
    return qb.getMany();
  }

  listAllIds(): Promise<string[]> {
    return this.repo()
      .find({ select: { tenantId: true }, order: { tenantId: 'ASC' } })
      .then((rows) => rows.map((r) => r.tenantId));
  }
}
