import { IsOptional, IsUUID } from 'class-validator';

/**
 * `?tenant=`: the seller a staff member's page is about (the guard has read and checked it before the handler
 * runs). Every query of a tenant's page admits it, since its links and forms carry it on.
 */
export class TenantPageQuery {
  @IsOptional()
  @IsUUID()
  tenant?: string;
}
