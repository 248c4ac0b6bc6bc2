import { Injectable } from '@nestjs/common';
import { AuditLog, auditedBy } from '../audit';
import { STAFF_ROLES, type ActorContext, type StaffRole } from '../auth';
import { TransactionManager } from '../platform/database/transaction-manager';
import { validationFailed } from '../platform/errors/domain-error';
import type { IssuedKeyView } from './api-key.mapper';
import { ApiKeysService } from './api-keys.service';
import { StaffRepository } from './staff.repository';

export interface StaffView {
  staffId: string;
  name: string;
  role: StaffRole;
  status: string;
  createdAt: string;
}

/** Named staff members (no shared accounts), each with their own keys. */
@Injectable()
export class StaffService {
  constructor(
    private readonly staff: StaffRepository,
    private readonly keys: ApiKeysService,
    private readonly audit: AuditLog,
    private readonly tx: TransactionManager,
  ) {}

  /** Creates a staff member and their first key (shown once), in one transaction. */
  async create(by: ActorContext, name: string, role: string): Promise<{ staff: StaffView; key: IssuedKeyView }> {
    if (!(STAFF_ROLES as readonly string[]).includes(role)) {
      throw validationFailed('unknown staff role', [{ field: 'role', issue: `one of ${STAFF_ROLES.join(', ')}` }]);
    }
    const clean = name.trim();
    if (!clean || clean.length > 200)
      throw validationFailed('name must be 1-200 characters', [{ field: 'name', issue: 'length' }]);
    return this.tx.run(async (tx) => {
      const member = await this.staff.insert(tx, clean, role as StaffRole);
      await this.audit.append(tx, {
        tenantId: null,
        ...auditedBy(by),
        action: 'staff.created',
        targets: { staffId: member.staffId },
        reason: `role ${role}`,
        outcome: 'allowed',
      });
      const key = await this.keys.issueInTx(tx, by, {
        tenantId: null,
        ownerKind: 'staff',
        staffId: member.staffId,
        scopes: [],
        label: `${role} key`,
        expiresAt: null,
      });
      return { staff: toStaffView(member), key };
    });
  }

  async list(): Promise<StaffView[]> {
    return (await this.staff.list()).map(toStaffView);
  }
}

const toStaffView = (m: {
  staffId: string;
  name: string;
  role: StaffRole;
  status: string;
  createdAt: Date;
}): StaffView => ({
  staffId: m.staffId,
  name: m.name,
  role: m.role,
  status: m.status,
  createdAt: m.createdAt.toISOString(),
});
