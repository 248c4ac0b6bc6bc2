import { SetMetadata } from '@nestjs/common';

/**
 * Every route declares what it needs. The guard denies any route without a
 * declaration, so a forgotten decorator fails closed.
 */
export const Permissions = {
  /** Platform: create and list tenants (staff admin). */
  TENANTS_MANAGE: 'tenants:manage',
  /**
   * Platform: the tenants (name, status) and each one's sync and delivery health in figures (states, counts, lag,
   * backlog; never a tenant's records): what support triages from before asking a seller for access (support and
   * admin staff).
   */
  TENANTS_READ: 'tenants:read',
  /** Platform: staff members and their keys (staff admin). */
  STAFF_MANAGE: 'staff:manage',
  /** A staff member's own keys (every staff role). */
  OWN_KEYS: 'keys:own',
  /** A tenant's API keys (seller with keys:manage for its own tenant, staff admin for any). */
  KEYS_MANAGE: 'keys:manage',
  /** A tenant's marketplace connections. */
  CONNECTIONS_MANAGE: 'connections:manage',
  /** Masked orders. */
  ORDERS_READ: 'orders:read',
  /** Recording that the seller's system took an order (a seller's key only; staff never acknowledge). */
  ORDERS_ACKNOWLEDGE: 'orders:acknowledge',
  /** Revealing buyer data (checked again per order, with reason and grant rules). */
  ORDERS_READ_PII: 'orders:read_pii',
  /** Support grants of a tenant. */
  GRANTS_MANAGE: 'grants:manage',
  /** Grants given to the calling staff member. */
  GRANTS_READ_OWN: 'grants:read_own',
  /** Asking a seller for access to its buyers' data, and withdrawing the ask (support and admin staff). */
  ACCESS_REQUESTS_CREATE: 'access_requests:create',
  /** Reading access requests: staff their own, sellers their tenant's (implied by grants:manage). */
  ACCESS_REQUESTS_READ: 'access_requests:read',
  /** Webhook endpoints of a tenant (delivery). */
  ENDPOINTS_MANAGE: 'endpoints:manage',
  /** Reading a tenant's webhook endpoints and deliveries, never their secrets or headers (implied by endpoints:manage). */
  ENDPOINTS_READ: 'endpoints:read',
  /** Retention settings of a tenant. */
  RETENTION_MANAGE: 'retention:manage',
  /**
   * Answering the tenant's buyers' data-subject requests (access, portability, rectify, erase). Useful only with
   * orders:read_pii as well: the guard asks for both on those routes. Sellers' keys only (the seller is the controller).
   */
  DSR_MANAGE: 'dsr:manage',
  /** Legal holds of a tenant (implied by retention:manage; admin staff with the seller's grant). */
  LEGAL_HOLDS_MANAGE: 'legal_holds:manage',
  /** The access log: auditors for every tenant, sellers for their own. */
  AUDIT_READ: 'audit:read',
  /** A tenant's console users and invitations (seller owners and admins; staff admin for onboarding). */
  USERS_MANAGE: 'users:manage',
  /** Writing an on-demand checkpoint (auditor). */
  AUDIT_CHECKPOINT: 'audit:checkpoint',
} as const;

export type Permission = (typeof Permissions)[keyof typeof Permissions];

/** Scopes a seller key can carry. */
export const SELLER_SCOPES = [
  Permissions.ORDERS_READ,
  Permissions.ORDERS_ACKNOWLEDGE,
  Permissions.ORDERS_READ_PII,
  Permissions.CONNECTIONS_MANAGE,
  Permissions.ENDPOINTS_MANAGE,
  Permissions.ENDPOINTS_READ,
  Permissions.RETENTION_MANAGE,
  Permissions.DSR_MANAGE,
  Permissions.LEGAL_HOLDS_MANAGE,
  Permissions.GRANTS_MANAGE,
  Permissions.KEYS_MANAGE,
  Permissions.AUDIT_READ,
  Permissions.USERS_MANAGE,
] as const;

export const PERMISSION_KEY = 'ordervault:permission';
export const PUBLIC_KEY = 'ordervault:public';
export const REVEALS_BUYER_DATA_KEY = 'ordervault:reveals-buyer-data';

/** The permission a route requires. */
export const RequirePermission = (permission: Permission) => SetMetadata(PERMISSION_KEY, permission);

/** A route anyone may call (health, docs, OAuth callbacks that verify their own signed state). */
export const PublicRoute = () => SetMetadata(PUBLIC_KEY, true);

/**
 * A route that reveals buyer data under a permission other than orders:read_pii (the console's reveal under an
 * approved access request): the guard logs its refusals as denied reveals, as it does on the reveal routes.
 */
export const RevealsBuyerData = () => SetMetadata(REVEALS_BUYER_DATA_KEY, true);
