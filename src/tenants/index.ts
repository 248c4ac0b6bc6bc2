export { TenantsModule } from './tenants.module';
export { TenantsService, SYSTEM, type AuditedBy } from './tenants.service';
export type { TenantView } from './tenant.mapper';
