import type { DataSubjectRequest } from './data-subject-request.entity';

/** A request as the API shows it: how the buyer was named (kind only), what was done, never who the buyer is. */
export interface DataSubjectRequestView {
  id: string;
  type: string;
  subject: { kind: string; marketplace: string | null };
  status: string;
  requestedBy: { kind: string; id: string; keyId: string | null };
  reference: string | null;
  receivedAt: string;
  completedAt: string | null;
  orderIds: string[];
  /** Erase: orders kept under a legal hold (their buyer data stays until the hold ends). */
  heldOrderIds: string[];
  counts: Record<string, number>;
  correctedFields: string[];
  /** Access and portability: the one download. */
  export: { url: string; availableUntil: string | null; downloadedAt: string | null } | null;
  failure: string | null;
}

export interface DataSubjectRequestPage {
  items: DataSubjectRequestView[];
  nextCursor?: string;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toDataSubjectRequestView(r: DataSubjectRequest): DataSubjectRequestView {
  const exportable = r.type === 'access' || r.type === 'portability';
  return {
    id: r.requestId,
    type: r.type,
    subject: { kind: r.subjectKind, marketplace: r.subjectMarketplace },
    status: r.status,
    requestedBy: { kind: r.actorKind, id: r.actorId, keyId: r.actorKeyId },
    reference: r.reference,
    receivedAt: r.receivedAt.toISOString(),
    completedAt: iso(r.completedAt),
    orderIds: r.orderIds,
    heldOrderIds: r.heldOrderIds,
    counts: r.counts,
    correctedFields: r.correctedFields,
    export:
      exportable && r.status === 'completed'
        ? {
            url: `/v1/data-subject-requests/${r.requestId}/export`,
            availableUntil: iso(r.exportExpiresAt),
            downloadedAt: iso(r.exportedAt),
          }
        : null,
    failure: r.failure,
  };
}
