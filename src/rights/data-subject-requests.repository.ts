import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Tx } from '../platform/database/transaction-manager';
import { DataSubjectRequest } from './data-subject-request.entity';

export type NewDataSubjectRequest = Omit<DataSubjectRequest, 'requestId'> & { requestId: string };

/** The `data_subject_requests` table. */
@Injectable()
export class DataSubjectRequestsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(tx: Tx, row: NewDataSubjectRequest): Promise<DataSubjectRequest> {
    await tx.getRepository(DataSubjectRequest).insert(row);
    return row;
  }

  findOne(tenantId: string, requestId: string, tx?: Tx): Promise<DataSubjectRequest | null> {
    return (tx ?? this.dataSource.manager).getRepository(DataSubjectRequest).findOneBy({ tenantId, requestId });
  }

  /** The request locked until the caller commits (a download claims it once). */
  findForUpdate(tx: Tx, tenantId: string, requestId: string): Promise<DataSubjectRequest | null> {
    return tx
      .getRepository(DataSubjectRequest)
      .findOne({ where: { tenantId, requestId }, lock: { mode: 'pessimistic_write' } });
  }

  /** Saves a changed request (a background erasure's progress), in the caller's transaction. */
  async save(tx: Tx, row: DataSubjectRequest): Promise<void> {
    await tx.getRepository(DataSubjectRequest).save(row);
  }

  /** Newest first, keyset-paged on (received_at, request_id). */
  list(
    tenantId: string,
    page: { limit: number; before?: { receivedAt: Date; requestId: string } },
  ): Promise<DataSubjectRequest[]> {
    const qb = this.dataSource
      .getRepository(DataSubjectRequest)
      .createQueryBuilder('r')
      .where('r.tenant_id = :tenantId', { tenantId })
      .orderBy('r.received_at', 'DESC')
      .addOrderBy('r.request_id', 'DESC')
      .limit(page.limit);
    if (page.before) {
      qb.andWhere('(r.received_at, r.request_id) < (:at, :id)', {
        at: page.before.receivedAt,
        id: page.before.requestId,
      });
    }
    return qb.getMany();
  }

  async markExported(tx: Tx, tenantId: string, requestId: string, at: Date): Promise<void> {
    await tx.getRepository(DataSubjectRequest).update({ tenantId, requestId }, { exportedAt: at });
  }
}
