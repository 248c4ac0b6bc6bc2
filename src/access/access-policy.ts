import { Permissions, type Permission, type Principal, type StaffRole } from '../auth';

/** What each staff role may do at all (tenant data additionally needs the seller's grant). */
const STAFF_PERMISSIONS: Record<StaffRole, readonly Permission[]> = {
  admin: [
    Permissions.TENANTS_MANAGE,
    Permissions.TENANTS_READ,
    Permissions.STAFF_MANAGE,
    Permissions.KEYS_MANAGE,
    Permissions.USERS_MANAGE,
    Permissions.OWN_KEYS,
    Permissions.GRANTS_READ_OWN,
    Permissions.ACCESS_REQUESTS_CREATE,
    Permissions.ACCESS_REQUESTS_READ,
    Permissions.ORDERS_READ,
    Permissions.ORDERS_READ_PII,
    Permissions.CONNECTIONS_MANAGE,
    Permissions.ENDPOINTS_READ,
    Permissions.LEGAL_HOLDS_MANAGE,
  ],
  support: [
    Permissions.TENANTS_READ,
    Permissions.OWN_KEYS,
    Permissions.GRANTS_READ_OWN,
    Permissions.ACCESS_REQUESTS_CREATE,
    Permissions.ACCESS_REQUESTS_READ,
    Permissions.ORDERS_READ,
    Permissions.ORDERS_READ_PII,
    Permissions.ENDPOINTS_READ,
  ],
  // Auditors read the access log and nothing else: never orders, never buyer data.
  auditor: [Permissions.OWN_KEYS, Permissions.AUDIT_READ, Permissions.AUDIT_CHECKPOINT],
};

/** Permissions that act on one tenant's data: the request must name (staff) or own (seller) a tenant. */
export const TENANT_SCOPED: ReadonlySet<Permission> = new Set([
  Permissions.KEYS_MANAGE,
  Permissions.CONNECTIONS_MANAGE,
  Permissions.ORDERS_READ,
  Permissions.ORDERS_ACKNOWLEDGE,
  Permissions.ORDERS_READ_PII,
  Permissions.GRANTS_MANAGE,
  Permissions.ENDPOINTS_MANAGE,
  Permissions.ENDPOINTS_READ,
  Permissions.RETENTION_MANAGE,
  Permissions.DSR_MANAGE,
  Permissions.LEGAL_HOLDS_MANAGE,
  Permissions.USERS_MANAGE,
]);

/**
 * Permissions usable only together with others: a route declaring the key also needs every listed one.
 * Data-subject requests open, export, correct and destroy buyer data, so they need `orders:read_pii` too.
 * No staff role holds `dsr:manage`, with or without a grant: the seller is the controller and answers its
 * buyers itself; staff help through grants and reveals, never by acting on a buyer's rights for the seller.
 */
export const REQUIRED_WITH: Partial<Record<Permission, readonly Permission[]>> = {
  [Permissions.DSR_MANAGE]: [Permissions.ORDERS_READ_PII],
};

/**
 * A seller's data that staff reach only through an active grant from that
 * seller. (Revealing PII is decided per order by the reveal policy, which also
 * knows the admin break-glass path; key management by an admin is onboarding.)
 */
export const GRANT_GATED: ReadonlySet<Permission> = new Set([
  Permissions.ORDERS_READ,
  Permissions.CONNECTIONS_MANAGE,
  Permissions.ENDPOINTS_READ,
  Permissions.LEGAL_HOLDS_MANAGE,
]);

/** Scopes that include another: whoever may manage a tenant's endpoints may read them. */
const IMPLIED_BY: Partial<Record<Permission, Permission>> = {
  [Permissions.ENDPOINTS_READ]: Permissions.ENDPOINTS_MANAGE,
  // A seller who sets its retention windows may also keep data past them for a legal reason.
  [Permissions.LEGAL_HOLDS_MANAGE]: Permissions.RETENTION_MANAGE,
  // The seller who grants access answers the requests for it.
  [Permissions.ACCESS_REQUESTS_READ]: Permissions.GRANTS_MANAGE,
};

/** Whether the principal holds the permission and every permission it is usable only with. */
export function holdsForRoute(principal: Principal, permission: Permission): boolean {
  return holds(principal, permission) && (REQUIRED_WITH[permission] ?? []).every((p) => holds(principal, p));
}

/** Whether the principal's kind, role or scopes include the permission at all. */
export function holds(principal: Principal, permission: Permission): boolean {
  switch (principal.kind) {
    case 'seller': {
      const implying = IMPLIED_BY[permission];
      return principal.scopes.includes(permission) || (implying !== undefined && principal.scopes.includes(implying));
    }
    case 'staff':
      return STAFF_PERMISSIONS[principal.role].includes(permission);
    case 'system':
      return false;
  }
}

export const permissionsOfRole = (role: StaffRole): readonly Permission[] => STAFF_PERMISSIONS[role];
