import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { DomainError, ErrorCodes } from '../platform/errors/domain-error';
import type { ActorContext } from './actor-context';
import type { AuthenticatedRequest, StaffTenantAccess } from './authenticated-request';
import type { Principal } from './principal';

const requestOf = (ctx: ExecutionContext) => ctx.switchToHttp().getRequest<AuthenticatedRequest>();

function principalOf(req: AuthenticatedRequest): Principal {
  if (!req.principal) throw new DomainError(ErrorCodes.UNAUTHENTICATED, 'not authenticated');
  return req.principal;
}

/** The authenticated principal of the request (the guard has run). */
export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal =>
  principalOf(requestOf(ctx)),
);

/** The request id the middleware assigned (echoed in `x-request-id`), or null. */
export const RequestId = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): string | null => requestOf(ctx).requestId ?? null,
);

/** The actor context of an authenticated request: its principal and request id, for audited services. */
export const Actor = createParamDecorator((_: unknown, ctx: ExecutionContext): ActorContext => {
  const req = requestOf(ctx);
  return { actor: principalOf(req), requestId: req.requestId ?? null };
});

/** The tenant the request acts on, as resolved by the guard (own tenant, or X-Tenant-Id for staff). */
export const TenantScope = createParamDecorator((_: unknown, ctx: ExecutionContext): string => {
  const tenantId = requestOf(ctx).tenantId;
  if (!tenantId)
    throw new DomainError(ErrorCodes.INTERNAL, 'route uses TenantScope without a tenant-scoped permission');
  return tenantId;
});

/** For staff on a seller's data: the orders their grants cover (undefined for sellers: everything of their own). */
export const StaffAccess = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): StaffTenantAccess | undefined => requestOf(ctx).staffAccess,
);
