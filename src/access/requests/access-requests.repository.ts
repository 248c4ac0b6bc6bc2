import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Tx } from '../../platform/database/transaction-manager';
import { AccessRequest } from './access-request.entity';
import type { AccessRequestStatus } from './access-request-scope';

/** Who may see which requests: a staff member their own, a seller its tenant's. */
export type RequestsOf = { readonly requestedBy: string } | { readonly tenantId: string };

const LIST_LIMIT = 200;

@Injectable()
export class AccessRequestsRepository {
  constructor(private readonly dataSource: DataSource) {}

  private repo(tx?: Tx) {
    return (tx ?? this.dataSource.manager).getRepository(AccessRequest);
  }

  insert(tx: Tx, row: Partial<AccessRequest>): Promise<AccessRequest> {
    return this.repo(tx).save(this.repo(tx).create(row));
  }

  /** The newest requests first (at most 200), optionally of one status. */
  list(of: RequestsOf, status?: AccessRequestStatus): Promise<AccessRequest[]> {
    return this.repo().find({
      where: { ...of, ...(status ? { status } : {}) },
      order: { createdAt: 'DESC', requestId: 'ASC' },
      take: LIST_LIMIT,
    });
  }

  findOne(requestId: string, tx?: Tx): Promise<AccessRequest | null> {
    return this.repo(tx).findOneBy({ requestId });
  }

  /** The request locked for its answer (approve, deny, cancel and expiry are serialised on the row). */
  lock(tx: Tx, requestId: string): Promise<AccessRequest | null> {
    return this.repo(tx)
      .createQueryBuilder('r')
      .where('r.request_id = :requestId', { requestId })
      .setLock('pessimistic_write')
      .getOne();
  }

  /** Pending requests past their answer-by time, locked; rows another transaction holds are left to it. */
  claimOverdue(tx: Tx, now: Date, limit: number): Promise<AccessRequest[]> {
    return this.repo(tx)
      .createQueryBuilder('r')
      .where(`r.status = 'pending' AND r.expires_at <= :now`, { now })
      .orderBy('r.expires_at', 'ASC')
      .limit(limit)
      .setLock('pessimistic_write')
      .setOnLocked('skip_locked')
      .getMany();
  }

  async update(tx: Tx, requestId: string, changes: Partial<AccessRequest>): Promise<AccessRequest> {
    await this.repo(tx).update({ requestId }, changes);
    return (await this.findOne(requestId, tx))!;
  }
}
