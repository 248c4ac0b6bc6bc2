import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Tx } from '../../platform/database/transaction-manager';
import { TenantOffboarding } from './tenant-offboarding.entity';

/** Offboarding records (`tenant_offboardings`), one per tenant. */
@Injectable()
export class TenantOffboardingsRepository {
  constructor(private readonly dataSource: DataSource) {}

  private repo(tx?: Tx) {
    return (tx ?? this.dataSource.manager).getRepository(TenantOffboarding);
  }

  find(tenantId: string, tx?: Tx): Promise<TenantOffboarding | null> {
    return this.repo(tx).findOneBy({ tenantId });
  }

  /** The record locked until the caller's transaction ends (each step moves it under this lock). */
  lock(tx: Tx, tenantId: string): Promise<TenantOffboarding | null> {
    return this.repo(tx).findOne({ where: { tenantId }, lock: { mode: 'pessimistic_write' } });
  }

  insert(tx: Tx, row: Partial<TenantOffboarding>): Promise<TenantOffboarding> {
    return this.repo(tx).save(this.repo(tx).create(row));
  }

  save(tx: Tx, row: TenantOffboarding): Promise<TenantOffboarding> {
    return this.repo(tx).save(row);
  }
}
