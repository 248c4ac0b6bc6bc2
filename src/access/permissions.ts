import { SetMetadata } from '@nestjs/common';

/**
 * Every route declares what it needs. The guard denies any route without a
 * declaration, so a forgotten decorator fails closed.
 */
export const Permissions = {
  TENANTS_MANAGE: 'tenants:manage',
  CONNECTIONS_MANAGE: 'connections:manage',
  ORDERS_READ: 'orders:read',
  ORDERS_READ_PII: 'orders:read_pii',
} as const;

export type Permission = (typeof Permissions)[keyof typeof Permissions];

export const PERMISSION_KEY = 'ordervault:permission';
export const PUBLIC_KEY = 'ordervault:public';

/** The permission a route requires. */
export const RequirePermission = (permission: Permission) => SetMetadata(PERMISSION_KEY, permission);

/** A route anyone may call (health, docs, OAuth callbacks that verify their own signed state). */
export const PublicRoute = () => SetMetadata(PUBLIC_KEY, true);
