import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Tx } from '../platform/database/transaction-manager';
import type { StaffRole } from '../auth';
import { StaffMember } from './staff-member.entity';

@Injectable()
export class StaffRepository {
  constructor(private readonly dataSource: DataSource) {}

  private repo(tx?: Tx) {
    return (tx ?? this.dataSource.manager).getRepository(StaffMember);
  }

  insert(tx: Tx, name: string, role: StaffRole): Promise<StaffMember> {
    return this.repo(tx).save(this.repo(tx).create({ name, role, status: 'active', tenantId: null }));
  }

  findById(staffId: string, tx?: Tx): Promise<StaffMember | null> {
    return this.repo(tx).findOneBy({ staffId });
  }

  list(): Promise<StaffMember[]> {
    return this.repo().find({ order: { createdAt: 'ASC' } });
  }
}
