// The authentication surface every controller uses: who is calling, what routes require, and the
// request's actor context. A leaf: it imports only platform/. access/ implements the guard behind it.
export { STAFF_ROLES, type Principal, type StaffRole } from './principal';
export {
  Permissions,
  PERMISSION_KEY,
  PUBLIC_KEY,
  PublicRoute,
  REVEALS_BUYER_DATA_KEY,
  RevealsBuyerData,
  RequirePermission,
  SELLER_SCOPES,
  type Permission,
} from './permissions';
export { cliActor, jobActor, systemActor, type ActorContext } from './actor-context';
export type { AuthenticatedRequest, PersonSessionInfo, StaffTenantAccess } from './authenticated-request';
export { CONSOLE_ROUTE_KEY, ConsoleRoute } from './console-route';
export { Actor, CurrentPrincipal, RequestId, StaffAccess, TenantScope } from './route-params';
