import { Permissions, type Permission } from '../../auth';

/** A seller user's role in their tenant. */
export type SellerRole = 'owner' | 'admin' | 'member' | 'viewer';

export const SELLER_ROLES: readonly SellerRole[] = ['owner', 'admin', 'member', 'viewer'];

export const isSellerRole = (v: unknown): v is SellerRole => SELLER_ROLES.includes(v as SellerRole);

/**
 * Each role is a fixed set of the seller scopes an API key can carry, so a
 * person and a key with the same scopes are allowed exactly the same routes.
 *
 * - owner: everything, including users and invitations of every role.
 * - admin: everything an owner may, but may neither invite nor change nor make an owner.
 * - member: the daily work: masked orders, reveal with a reason, marketplace accounts,
 *   webhook endpoints, and the tenant's own access log. No keys, users, grants or retention.
 * - viewer: read only and never buyer data: masked orders, endpoints (no secrets), access log.
 */
const ROLE_SCOPES: Record<SellerRole, readonly Permission[]> = {
  owner: [
    Permissions.ORDERS_READ,
    Permissions.ORDERS_READ_PII,
    Permissions.CONNECTIONS_MANAGE,
    Permissions.ENDPOINTS_MANAGE,
    Permissions.ENDPOINTS_READ,
    Permissions.RETENTION_MANAGE,
    Permissions.GRANTS_MANAGE,
    Permissions.KEYS_MANAGE,
    Permissions.AUDIT_READ,
    Permissions.USERS_MANAGE,
  ],
  admin: [
    Permissions.ORDERS_READ,
    Permissions.ORDERS_READ_PII,
    Permissions.CONNECTIONS_MANAGE,
    Permissions.ENDPOINTS_MANAGE,
    Permissions.ENDPOINTS_READ,
    Permissions.RETENTION_MANAGE,
    Permissions.GRANTS_MANAGE,
    Permissions.KEYS_MANAGE,
    Permissions.AUDIT_READ,
    Permissions.USERS_MANAGE,
  ],
  member: [
    Permissions.ORDERS_READ,
    Permissions.ORDERS_READ_PII,
    Permissions.CONNECTIONS_MANAGE,
    Permissions.ENDPOINTS_MANAGE,
    Permissions.ENDPOINTS_READ,
    Permissions.AUDIT_READ,
  ],
  viewer: [Permissions.ORDERS_READ, Permissions.ENDPOINTS_READ, Permissions.AUDIT_READ],
};

export const scopesOfRole = (role: SellerRole): readonly Permission[] => ROLE_SCOPES[role];

/**
 * Whether someone of role `by` (null: a staff admin or an operator, who may
 * do anything here) may give or take away role `role`. Owners are made and
 * unmade by owners only.
 */
export const mayAssign = (by: SellerRole | null, role: SellerRole): boolean =>
  by === null || by === 'owner' || (by === 'admin' && role !== 'owner');
