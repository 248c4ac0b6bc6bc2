import type { ActorContext, Principal } from '../auth';
import { notFound, validationFailed } from '../platform/errors/domain-error';
import type { AuditEntryInput } from './audit-entry-input';
import { isUuid } from '../platform/validation/uuid';

/**
 * Whose access log a caller may read: a seller only its own tenant's chain; staff
 * (the guard lets only auditors and admins hold `audit:read`) and the system any
 * tenant, or all of them.
 */
export type AuditScope = { readonly kind: 'all' } | { readonly kind: 'tenant'; readonly tenantId: string };

export const ALL_TENANTS: AuditScope = { kind: 'all' };

export function auditScopeOf(principal: Principal): AuditScope {
  return principal.kind === 'seller' ? { kind: 'tenant', tenantId: principal.tenantId.toLowerCase() } : ALL_TENANTS;
}

/**
 * The tenant a request is about: the one it names, checked against the scope,
 * or the scope's own tenant, or null for all. A seller naming another tenant
 * gets not_found: nothing about other tenants is ever confirmed.
 */
export function tenantInScope(scope: AuditScope, requested?: string | null): string | null {
  let tenantId: string | null = null;
  if (requested !== undefined && requested !== null) {
    if (!isUuid(requested)) throw validationFailed('tenantId must be a uuid', [{ field: 'tenantId', issue: 'uuid' }]);
    tenantId = requested.toLowerCase();
  }
  if (scope.kind === 'tenant') {
    if (tenantId !== null && tenantId !== scope.tenantId) throw notFound('tenant');
    return scope.tenantId;
  }
  return tenantId;
}

/** The actor fields of an entry written on behalf of a principal. */
export function auditActorOf(principal: Principal): AuditEntryInput['actor'] {
  switch (principal.kind) {
    case 'staff':
      return { kind: 'staff', id: principal.id, role: principal.role, keyId: principal.keyId };
    case 'seller':
      return { kind: 'seller', id: principal.id, role: null, keyId: principal.keyId };
    case 'system':
      return { kind: 'system', id: principal.id, role: null };
  }
}

/** The actor and request id of an entry written in an actor context. */
export const auditedBy = (by: ActorContext): Pick<AuditEntryInput, 'actor' | 'requestId'> => ({
  actor: auditActorOf(by.actor),
  requestId: by.requestId,
});
