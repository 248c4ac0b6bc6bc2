import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuditLog, auditedBy } from '../audit';
import { DomainError, ErrorCodes, notFound } from '../platform/errors/domain-error';
import { AppLogger } from '../platform/logging/app-logger';
import { GRANT_GATED, holdsForRoute, REQUIRED_WITH, TENANT_SCOPED } from './access-policy';
import { parseKey } from './api-key-format';
import { ApiKeysService } from './api-keys.service';
import { AuthThrottle } from './auth-throttle.service';
import { GrantsService } from './grants.service';
import {
  CONSOLE_ROUTE_KEY,
  PERMISSION_KEY,
  Permissions,
  PUBLIC_KEY,
  REVEALS_BUYER_DATA_KEY,
  type AuthenticatedRequest,
  type Permission,
  type Principal,
} from '../auth';
import { isUuid } from '../platform/validation/uuid';
import { sanitiseText } from '../platform/validation/text';
import { TenantsService } from '../tenants';
import { MAX_BATCH_ORDERS, MAX_REASON } from './reveal-input';
import { PersonSessionsService } from './people/person-sessions.service';

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
    private readonly tenants: TenantsService,
    private readonly logger: AppLogger,
    private readonly people: PersonSessionsService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const permission = this.reflector.getAllAndOverride<Permission | undefined>(PERMISSION_KEY, targets);
    if (!permission) throw new DomainError(ErrorCodes.FORBIDDEN, 'route has no permission declared');

    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const consoleRoute = this.reflector.getAllAndOverride<boolean>(CONSOLE_ROUTE_KEY, targets) === true;
    const principal = (consoleRoute && (await this.personOf(req))) || (await this.authenticate(req));
    req.principal = principal;
    try {
      if (!holdsForRoute(principal, permission)) {
        const needs = [permission, ...(REQUIRED_WITH[permission] ?? [])].join(' and ');
        throw new DomainError(ErrorCodes.FORBIDDEN, `this key may not ${permission} (needs ${needs})`);
      }
      if (TENANT_SCOPED.has(permission) || (permission === 'audit:read' && principal.kind === 'seller')) {
        await this.scopeTenant(req, principal, permission, consoleRoute);
      }
    } catch (err) {
      // Every attempt to reach buyer data leaves an entry, refusals before the reveal itself included.
      if (permission === Permissions.ORDERS_READ_PII || permission === Permissions.DSR_MANAGE) {
        await this.recordRefusedPiiAttempt(req, principal, err, permission, consoleRoute);
      } else if (this.reflector.getAllAndOverride<boolean>(REVEALS_BUYER_DATA_KEY, targets) === true) {
        await this.recordRefusedPiiAttempt(req, principal, err, Permissions.ORDERS_READ_PII, consoleRoute);
      }
      throw err;
    }
    return true;
  }

  /**
   * On console pages, a person's session cookie (when no API key is presented);
   * a change made under it must carry the session's CSRF token from our origin.
   */
  private async personOf(req: AuthenticatedRequest): Promise<Principal | null> {
    if (presentedKey(req)) return null;
    const person = await this.people.fromRequest(req);
    if (!person) return null;
    if (!['GET', 'HEAD', 'OPTIONS'].includes(req.method)) this.people.assertSameOriginChange(req, person.info);
    req.personSession = person.info;
    return person.principal;
  }

  private async authenticate(req: AuthenticatedRequest): Promise<Principal> {
    const presented = presentedKey(req);
    if (!presented) throw new DomainError(ErrorCodes.UNAUTHENTICATED, 'missing or invalid API key');
    // req.ip honours TRUST_PROXY (Express's trust proxy list); without it, the socket's peer.
    const ip = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    const keyId = parseKey(presented)?.keyId ?? null;
    try {
      // A right secret is never throttled: see AuthThrottle for why.
      return await this.keys.authenticate(presented);
    } catch (err) {
      if (!(err instanceof DomainError) || err.code !== ErrorCodes.UNAUTHENTICATED) throw err;
      const verdict = await this.throttle.fail(ip, keyId);
      if (verdict.first) {
        await this.audit
          .record({
            tenantId: null,
            actor: { kind: 'anonymous', id: keyId ? `key:${keyId}` : 'unknown', role: null },
            action: 'auth.failed',
            targets: keyId ? { keyId } : {},
            reason: verdict.throttled
              ? 'failure limit reached: further failures from this address are throttled'
              : null,
            requestId: req.requestId ?? null,
            outcome: 'denied',
          })
          .catch((e: unknown) => this.logger.error('could not record an authentication failure', { err: e }));
      }
      throw verdict.throttled ? AuthThrottle.rateLimited(verdict) : err;
    }
  }

  /**
   * A refused request on a buyer-data route (a key without the scope, an
   * auditor, a tenant it may not name): logged as a denied reveal (or, on the
   * data-subject-request routes, a denied `dsr.requested` naming the route) in
   * the tenant's chain when the tenant is real, else in the platform chain.
   */
  private async recordRefusedPiiAttempt(
    req: AuthenticatedRequest,
    principal: Principal,
    why: unknown,
    permission: Permission,
    consoleRoute: boolean,
  ): Promise<void> {
    const header = namedTenant(req, consoleRoute);
    const named = header && isUuid(header) ? header.toLowerCase() : null;
    const tenantId =
      principal.kind === 'seller'
        ? principal.tenantId
        : (req.tenantId ?? (named && (await this.tenants.exists(named)) ? named : null));
    const orderIds = namedOrderIds(req);
    const rawReason = req.header('x-access-reason')?.trim();
    const message = why instanceof DomainError ? why.message : 'refused';
    const route = permission === Permissions.DSR_MANAGE ? `${req.method} ${routeTemplate(req)} ` : '';
    const suffix = `${route}[denied: ${message.slice(0, 200)}]`;
    const reason = rawReason ? `${sanitiseText(rawReason, MAX_REASON - suffix.length - 1)} ${suffix}` : suffix;
    await this.audit
      .record({
        tenantId,
        ...auditedBy({ actor: principal, requestId: req.requestId ?? null }),
        action: permission === Permissions.DSR_MANAGE ? 'dsr.requested' : 'pii.revealed',
        targets: {
          ...(orderIds.length ? { orderIds } : {}),
          ...(tenantId === null && named ? { tenantId: named } : {}),
        },
        reason,
        outcome: 'denied',
      })
      .catch((e: unknown) => this.logger.error('could not record a refused access to buyer data', { err: e }));
  }

  private async scopeTenant(
    req: AuthenticatedRequest,
    principal: Principal,
    permission: Permission,
    consoleRoute: boolean,
  ): Promise<void> {
    const header = namedTenant(req, consoleRoute);
    if (header && !isUuid(header)) {
      throw new DomainError(ErrorCodes.VALIDATION_FAILED, 'the tenant must be named by its UUID');
    }
    if (principal.kind === 'seller') {
      if (header && header.toLowerCase() !== principal.tenantId) throw notFound('tenant');
      req.tenantId = principal.tenantId;
      return;
    }
    if (!header)
      throw new DomainError(
        ErrorCodes.VALIDATION_FAILED,
        consoleRoute ? 'choose the tenant first (from Tenants)' : 'X-Tenant-Id header is required for staff requests',
      );
    // An unknown tenant is a 404 before anything else happens (no access-log chain is ever opened for it);
    // an offboarded one (or one being offboarded) a 410: nothing more is done on the seller's behalf.
    const tenant = await this.tenants.requireTenant(header.toLowerCase());
    req.tenantId = header.toLowerCase();
    req.tenantName = tenant.name;
    if (principal.kind === 'staff' && GRANT_GATED.has(permission)) {
      const access = await this.grants.accessFor(req.tenantId, { staffId: principal.id, role: principal.role });
      // Without the seller's grant the tenant's data is not ours to see: as if it did not exist.
      if (!access) throw new DomainError(ErrorCodes.FORBIDDEN, 'no active grant from this seller');
      req.staffAccess = access;
    }
  }
}

/**
 * The tenant a request names: the `X-Tenant-Id` header, or on a console page the `tenant` query parameter (a
 * browser's links and forms cannot set headers, so a staff member's pages carry the tenant in their URL). The
 * header wins when both are there; a repeated parameter names nothing.
 */
function namedTenant(req: AuthenticatedRequest, consoleRoute: boolean): string | undefined {
  const header = req.header('x-tenant-id');
  if (header !== undefined || !consoleRoute) return header;
  const query = (req.query as Record<string, unknown> | undefined)?.tenant;
  return typeof query === 'string' && query !== '' ? query : undefined;
}

/** The route's declared path (`/v1/data-subject-requests/:id`), never the raw URL (which may carry anything). */
function routeTemplate(req: AuthenticatedRequest): string {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' ? path : 'route';
}

export function presentedKey(req: AuthenticatedRequest): string | undefined {
  // The scheme is case-insensitive (RFC 9110 section 11.1).
  const bearer = /^bearer[ \t]+(.*)$/i.exec(req.header('authorization') ?? '');
  if (bearer) return bearer[1].trim() || undefined;
  return req.header('x-api-key')?.trim() || undefined;
}

/** The well-formed order ids a buyer-data request names: the path's, or a batch body's (at most 100). */
function namedOrderIds(req: AuthenticatedRequest): string[] {
  const param = req.params?.orderId;
  if (typeof param === 'string') return isUuid(param) ? [param.toLowerCase()] : [];
  const body: unknown = req.body;
  const listed =
    body && typeof body === 'object' && !Array.isArray(body) ? (body as { orderIds?: unknown }).orderIds : null;
  if (!Array.isArray(listed)) return [];
  const ids = listed.filter((id): id is string => typeof id === 'string' && isUuid(id)).map((id) => id.toLowerCase());
  return [...new Set(ids)].slice(0, MAX_BATCH_ORDERS);
}
