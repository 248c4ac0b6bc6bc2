import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Tx } from '../platform/database/transaction-manager';
import type { StaffRole } from '../auth';
import { SupportGrant } from './support-grant.entity';

@Injectable()
export class GrantsRepository {
  constructor(private readonly dataSource: DataSource) {}

  private repo(tx?: Tx) {
    return (tx ?? this.dataSource.manager).getRepository(SupportGrant);
  }

  insert(tx: Tx, grant: Partial<SupportGrant>): Promise<SupportGrant> {
    return this.repo(tx).save(this.repo(tx).create(grant));
  }

  findOne(tenantId: string, grantId: string, tx?: Tx): Promise<SupportGrant | null> {
    return this.repo(tx).findOneBy({ tenantId, grantId });
  }

  list(tenantId: string): Promise<SupportGrant[]> {
    return this.repo().find({ where: { tenantId }, order: { createdAt: 'ASC' } });
  }

  /** Active grants a staff member holds for a tenant (by name or by role); FOR SHARE inside a reveal. */
  async active(
    tenantId: string,
    staff: { staffId: string; role: StaffRole },
    now: Date,
    tx?: Tx,
  ): Promise<SupportGrant[]> {
    const qb = this.repo(tx)
      .createQueryBuilder('g')
      .where('g.tenant_id = :tenantId AND g.revoked_at IS NULL AND g.expires_at > :now', { tenantId, now })
      .andWhere('(g.grantee_staff_id = :staffId OR g.grantee_role = :role)', {
        staffId: staff.staffId,
        role: staff.role,
      })
      .orderBy('g.created_at', 'ASC');
    if (tx) qb.setLock('pessimistic_read');
    return qb.getMany();
  }

  /** Every active grant naming this staff member or role, across tenants. */
  activeForStaff(staff: { staffId: string; role: StaffRole }, now: Date): Promise<SupportGrant[]> {
    return this.repo()
      .createQueryBuilder('g')
      .where('g.revoked_at IS NULL AND g.expires_at > :now', { now })
      .andWhere('(g.grantee_staff_id = :staffId OR g.grantee_role = :role)', {
        staffId: staff.staffId,
        role: staff.role,
      })
      .orderBy('g.expires_at', 'ASC')
      .getMany();
  }

  async revoke(tx: Tx, tenantId: string, grantId: string, at: Date, by: string): Promise<boolean> {
    const result = await this.repo(tx)
      .createQueryBuilder()
      .update()
      .set({ revokedAt: at, revokedBy: by })
      .where('tenant_id = :tenantId AND grant_id = :grantId AND revoked_at IS NULL', { tenantId, grantId })
      .execute();
    return (result.affected ?? 0) > 0;
  }
}
