import type { Tx } from '../platform/database/transaction-manager';
import { Injectable } from '@nestjs/common';
import type { ActorContext } from '../auth';
import { AuditLog, auditedBy } from '../audit';
import { TenantKeyService } from '../crypto';
import { DomainError, ErrorCodes, notFound, validationFailed } from '../platform/errors/domain-error';
import { TransactionManager } from '../platform/database/transaction-manager';
import { toTenantView, type TenantView } from './tenant.mapper';
import { TenantsRepository } from './tenants.repository';
import type { TenantStatus } from './tenant.entity';
import { isUuid } from '../platform/validation/uuid';

/** Sellers (tenants): the controllers on whose behalf we process orders. */
@Injectable()
export class TenantsService {
  constructor(
    private readonly tenants: TenantsRepository,
    private readonly tx: TransactionManager,
    private readonly keys: TenantKeyService,
    private readonly audit: AuditLog,
  ) {}

  async create(by: ActorContext, name: string): Promise<TenantView> {
    const clean = name.trim();
    if (clean.length < 1 || clean.length > 200) {
      throw validationFailed('tenant name must be 1-200 characters', [{ field: 'name', issue: 'length' }]);
    }
    // The tenant and its key hierarchy commit together: no tenant exists without keys.
    const tenant = await this.tx.run(async (tx) => {
      const created = await this.tenants.insert(tx, clean);
      await this.keys.provisionTenant(tx, created.tenantId);
      await this.audit.append(tx, {
        tenantId: created.tenantId,
        ...auditedBy(by),
        action: 'tenant.created',
        outcome: 'allowed',
      });
      return created;
    });
    return toTenantView(tenant);
  }

  /** Any tenant, offboarded ones included (their status says so). */
  async get(tenantId: string): Promise<TenantView> {
    const tenant = isUuid(tenantId) ? await this.tenants.findById(tenantId) : null;
    if (!tenant) throw notFound('tenant');
    return toTenantView(tenant);
  }

  async list(limit = 100, after?: string): Promise<TenantView[]> {
    return (await this.tenants.list(Math.min(Math.max(limit, 1), 500), after)).map(toTenantView);
  }

  /**
   * A tenant we still serve. Throws not_found for unknown or malformed ids (a malformed id can never exist)
   * and gone (410) for a tenant being or already offboarded: no API access, connection or endpoint for it.
   */
  async requireTenant(tenantId: string) {
    const tenant = isUuid(tenantId) ? await this.tenants.findById(tenantId) : null;
    if (!tenant) throw notFound('tenant');
    if (isRetired(tenant.status)) throw tenantRetired(tenant.status);
    return tenant;
  }

  /** The tenant locked in the caller's transaction (offboarding moves its status under this lock). */
  async lockForStatus(tx: Tx, tenantId: string): Promise<TenantView> {
    const tenant = isUuid(tenantId) ? await this.tenants.lockById(tx, tenantId) : null;
    if (!tenant) throw notFound('tenant');
    return toTenantView(tenant);
  }

  /** Moves the status, in the caller's transaction (after `lockForStatus`). */
  setStatus(tx: Tx, tenantId: string, status: TenantStatus): Promise<void> {
    return this.tenants.setStatus(tx, tenantId, status);
  }

  /** Whether the tenant exists; inside the caller's transaction when given one. */
  async exists(tenantId: string, tx?: Tx): Promise<boolean> {
    return isUuid(tenantId) && (await this.tenants.findById(tenantId, tx)) !== null;
  }

  listAllIds(): Promise<string[]> {
    return this.tenants.listAllIds();
  }
}

/** Being offboarded, or offboarded: the seller has left and nothing may be done on its behalf any more. */
export const isRetired = (status: string): boolean => status === 'offboarding' || status === 'offboarded';

const tenantRetired = (status: string) =>
  new DomainError(ErrorCodes.GONE, status === 'offboarded' ? 'tenant is offboarded' : 'tenant is being offboarded');
