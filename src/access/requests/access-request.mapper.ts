import type { AccessRequest } from './access-request.entity';
import type { AccessRequestStatus, RequestedAccess } from './access-request-scope';

export interface AccessRequestView {
  requestId: string;
  tenantId: string;
  requestedBy: string;
  access: RequestedAccess;
  orderIds: string[] | null;
  durationHours: number;
  reason: string;
  ticketRef: string;
  status: AccessRequestStatus;
  createdAt: string;
  expiresAt: string;
  decidedAt: string | null;
  decidedBy: string | null;
  decisionReason: string | null;
  grantId: string | null;
  approved: { access: RequestedAccess; orderIds: string[] | null; durationHours: number } | null;
}

export function accessRequestView(r: AccessRequest): AccessRequestView {
  return {
    requestId: r.requestId,
    tenantId: r.tenantId,
    requestedBy: r.requestedBy,
    access: r.access,
    orderIds: r.orderIds,
    durationHours: r.durationHours,
    reason: r.reason,
    ticketRef: r.ticketRef,
    status: r.status,
    createdAt: r.createdAt.toISOString(),
    expiresAt: r.expiresAt.toISOString(),
    decidedAt: r.decidedAt?.toISOString() ?? null,
    decidedBy: r.decidedBy,
    decisionReason: r.decisionReason,
    grantId: r.grantId,
    approved:
      r.status === 'approved' && r.approvedAccess && r.approvedHours !== null
        ? { access: r.approvedAccess, orderIds: r.approvedOrderIds, durationHours: r.approvedHours }
        : null,
  };
}
