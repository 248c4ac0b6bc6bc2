export { TenantsModule } from './tenants.module';
export { TenantsService, isRetired } from './tenants.service';
export type { TenantStatus } from './tenant.entity';
export type { TenantView } from './tenant.mapper';
