import type { Request } from 'express';
import type { Principal } from './principal';

/** What a staff member may see of one tenant, as decided by their active grants. */
export interface StaffTenantAccess {
  readonly grantIds: string[];
  /** null: every order; otherwise only these. */
  readonly orderIds: string[] | null;
}

/** A request as the request-id middleware and the access guard leave it. */
export type AuthenticatedRequest = Request & {
  principal?: Principal;
  requestId?: string;
  /** The tenant the request acts on (tenant-scoped permissions only). */
  tenantId?: string;
  /** For staff on a seller's data: what their grants cover. */
  staffAccess?: StaffTenantAccess;
};
