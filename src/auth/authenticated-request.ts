import type { Request } from 'express';
import type { Principal } from './principal';

/** What a staff member may see of one tenant, as decided by their active grants. */
export interface StaffTenantAccess {
  readonly grantIds: string[];
  /** null: every order; otherwise only these. */
  readonly orderIds: string[] | null;
}

/** A person signed in to the console, as the guard found their session (absent for API keys). */
export interface PersonSessionInfo {
  readonly sessionId: string;
  readonly accountId: string;
  /** What forms and htmx requests send back (`_csrf` field or `X-CSRF-Token` header). */
  readonly csrfToken: string;
  /** How the console greets them (a staff member's name, a seller user's name). */
  readonly displayName: string;
}

/** A request as the request-id middleware and the access guard leave it. */
export type AuthenticatedRequest = Request & {
  principal?: Principal;
  requestId?: string;
  /** The tenant the request acts on (tenant-scoped permissions only). */
  tenantId?: string;
  /** Its name, when staff named it (the console shows whose data a staff member's page is about). */
  tenantName?: string;
  /** For staff on a seller's data: what their grants cover. */
  staffAccess?: StaffTenantAccess;
  /** Set when a console session cookie (not an API key) authenticated the request. */
  personSession?: PersonSessionInfo;
};
