import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuditLog } from '../audit';
import { DomainError, ErrorCodes, notFound } from '../platform/errors/domain-error';
import { AppLogger } from '../platform/logging/app-logger';
import { GRANT_GATED, holds, TENANT_SCOPED } from './access-policy';
import { parseKey } from './api-key-format';
import { ApiKeysService } from './api-keys.service';
import { AuthThrottle } from './auth-throttle.service';
import { GrantsService } from './grants.service';
import { PERMISSION_KEY, PUBLIC_KEY, type AuthenticatedRequest, type Permission, type Principal } from '../auth';
import { isUuid } from '../platform/validation/uuid';

/**
 * Default deny. A route is public, or declares one permission; the caller
 * authenticates with an API key (rate-limited per key id and per address),
 * must hold the permission, and for a tenant's data must own the tenant
 * (seller) or name it and hold the seller's grant (staff). A seller naming
 * another tenant gets 404: nothing of other tenants is ever confirmed.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeysService,
    private readonly throttle: AuthThrottle,
    private readonly grants: GrantsService,
    private readonly audit: AuditLog,
    private readonly logger: AppLogger,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const permission = this.reflector.getAllAndOverride<Permission | undefined>(PERMISSION_KEY, targets);
    if (!permission) throw new DomainError(ErrorCodes.FORBIDDEN, 'route has no permission declared');

    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const principal = await this.authenticate(req);
    req.principal = principal;
    if (!holds(principal, permission)) {
      throw new DomainError(ErrorCodes.FORBIDDEN, `this key may not ${permission}`);
    }
    if (TENANT_SCOPED.has(permission) || (permission === 'audit:read' && principal.kind === 'seller')) {
      await this.scopeTenant(req, principal, permission);
    }
    return true;
  }

  private async authenticate(req: AuthenticatedRequest): Promise<Principal> {
    const presented = presentedKey(req);
    if (!presented) throw new DomainError(ErrorCodes.UNAUTHENTICATED, 'missing or invalid API key');
    const ip = req.socket.remoteAddress ?? 'unknown';
    const keyId = parseKey(presented)?.keyId ?? null;
    await this.throttle.check(ip, keyId);
    try {
      return await this.keys.authenticate(presented);
    } catch (err) {
      if (!(err instanceof DomainError) || err.code !== ErrorCodes.UNAUTHENTICATED) throw err;
      await this.throttle.fail(ip, keyId);
      await this.audit
        .record({
          tenantId: null,
          actor: { kind: 'anonymous', id: keyId ? `key:${keyId}` : 'unknown', role: null },
          action: 'auth.failed',
          targets: keyId ? { keyId } : {},
          requestId: req.requestId ?? null,
          outcome: 'denied',
        })
        .catch((e: unknown) => this.logger.error('could not record an authentication failure', { err: e }));
      throw err;
    }
  }

  private async scopeTenant(req: AuthenticatedRequest, principal: Principal, permission: Permission): Promise<void> {
    const header = req.header('x-tenant-id');
    if (principal.kind === 'seller') {
      if (header && header.toLowerCase() !== principal.tenantId) throw notFound('tenant');
      req.tenantId = principal.tenantId;
      return;
    }
    if (!header)
      throw new DomainError(ErrorCodes.VALIDATION_FAILED, 'X-Tenant-Id header is required for staff requests');
    if (!isUuid(header)) throw new DomainError(ErrorCodes.VALIDATION_FAILED, 'X-Tenant-Id must be a UUID');
    req.tenantId = header.toLowerCase();
    if (principal.kind === 'staff' && GRANT_GATED.has(permission)) {
      const access = await this.grants.accessFor(req.tenantId, { staffId: principal.id, role: principal.role });
      // Without the seller's grant the tenant's data is not ours to see: as if it did not exist.
      if (!access) throw new DomainError(ErrorCodes.FORBIDDEN, 'no active grant from this seller');
      req.staffAccess = access;
    }
  }
}

export function presentedKey(req: AuthenticatedRequest): string | undefined {
  const auth = req.header('authorization');
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim() || undefined;
  return req.header('x-api-key')?.trim() || undefined;
}
