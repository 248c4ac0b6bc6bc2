import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { DomainError, ErrorCodes } from '../platform/errors/domain-error';
import type { AuthenticatedRequest } from './access.guard';
import type { StaffTenantAccess } from './grants.service';
import type { Principal } from './principal';

/** The authenticated principal of the request (the guard has run). */
export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new DomainError(ErrorCodes.UNAUTHENTICATED, 'not authenticated');
  return principal;
});

/** The tenant the request acts on, as resolved by the guard (own tenant, or X-Tenant-Id for staff). */
export const TenantScope = createParamDecorator((_: unknown, ctx: ExecutionContext): string => {
  const tenantId = ctx.switchToHttp().getRequest<AuthenticatedRequest>().tenantId;
  if (!tenantId)
    throw new DomainError(ErrorCodes.INTERNAL, 'route uses TenantScope without a tenant-scoped permission');
  return tenantId;
});

/** For staff on a seller's data: the orders their grants cover (undefined for sellers: everything of their own). */
export const StaffAccess = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): StaffTenantAccess | undefined =>
    ctx.switchToHttp().getRequest<AuthenticatedRequest>().staffAccess,
);

/** The request id (echoed in x-request-id and recorded in access-log entries). */
export const RequestId = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): string | undefined =>
    ctx.switchToHttp().getRequest<AuthenticatedRequest>().requestId,
);
