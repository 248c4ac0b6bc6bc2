import type { LegalHold } from './legal-hold.entity';

/** A legal hold as the API shows it (its reason and requester are operator text, never buyer data). */
export interface LegalHoldView {
  holdId: string;
  tenantId: string;
  scope: 'tenant' | 'orders';
  orderIds: string[] | null;
  reason: string;
  requester: string;
  placedBy: string;
  placedAt: string;
  expiresAt: string;
  renewedAt: string | null;
  releasedAt: string | null;
  releasedBy: string | null;
  status: 'active' | 'expired' | 'released';
}

/** Active until released or past its expiry. */
export const holdStatus = (h: LegalHold, now: Date): LegalHoldView['status'] =>
  h.releasedAt ? 'released' : h.expiresAt.getTime() <= now.getTime() ? 'expired' : 'active';

export function toLegalHoldView(h: LegalHold, now: Date): LegalHoldView {
  return {
    holdId: h.holdId,
    tenantId: h.tenantId,
    scope: h.orderIds ? 'orders' : 'tenant',
    orderIds: h.orderIds,
    reason: h.reason,
    requester: h.requester,
    placedBy: h.placedBy,
    placedAt: h.placedAt.toISOString(),
    expiresAt: h.expiresAt.toISOString(),
    renewedAt: h.renewedAt?.toISOString() ?? null,
    releasedAt: h.releasedAt?.toISOString() ?? null,
    releasedBy: h.releasedBy,
    status: holdStatus(h, now),
  };
}
