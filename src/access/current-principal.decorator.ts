import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { DomainError, ErrorCodes } from '../platform/errors/domain-error';
import type { AuthenticatedRequest } from './access.guard';
import type { Principal } from './principal';

/** The authenticated principal of the request (the guard has run). */
export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new DomainError(ErrorCodes.UNAUTHENTICATED, 'not authenticated');
  return principal;
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The tenant a request acts on: a seller's own tenant, or for staff the
 * `X-Tenant-Id` header. Invalid ids are a 400, never a lookup.
 */
export const TenantScope = createParamDecorator((_: unknown, ctx: ExecutionContext): string => {
  const req = ctx.switchToHttp().getRequest<AuthenticatedRequest>();
  const principal = req.principal;
  if (!principal) throw new DomainError(ErrorCodes.UNAUTHENTICATED, 'not authenticated');
  if (principal.kind === 'seller') return principal.tenantId;
  const header = req.header('x-tenant-id');
  if (!header) {
    throw new DomainError(ErrorCodes.VALIDATION_FAILED, 'X-Tenant-Id header is required for staff requests');
  }
  if (!UUID.test(header)) throw new DomainError(ErrorCodes.VALIDATION_FAILED, 'X-Tenant-Id must be a UUID');
  return header.toLowerCase();
});
