export { TenantsModule } from './tenants.module';
export { TenantsService } from './tenants.service';
export type { TenantView } from './tenant.mapper';
