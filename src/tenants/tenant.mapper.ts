import type { Tenant } from './tenant.entity';

export interface TenantView {
  tenantId: string;
  name: string;
  status: string;
  createdAt: string;
}

export const toTenantView = (t: Tenant): TenantView => ({
  tenantId: t.tenantId,
  name: t.name,
  status: t.status,
  createdAt: t.createdAt.toISOString(),
});
