import type { ErrorDetail } from '../../platform/errors/domain-error';

export type AccessRequestStatus = 'pending' | 'approved' | 'denied' | 'cancelled' | 'expired';
/** What the staff member asks to do: see masked orders only, or also reveal buyer data. */
export type RequestedAccess = 'masked' | 'reveal';

/** A request's lifetime when nobody answers: as long as the longest access one may ask for. */
export const PENDING_HOURS = 72;
export const DEFAULT_REQUEST_HOURS = 8;
export const MAX_REQUEST_HOURS = 72;

/** What a request asks for, or an approval grants. `orderIds` null: every order of the tenant. */
export interface AccessScope {
  readonly access: RequestedAccess;
  readonly orderIds: readonly string[] | null;
  readonly hours: number;
}

/** What the seller may change when approving: each field only narrows. Omitted fields keep the request's. */
export interface Narrowing {
  readonly access?: RequestedAccess;
  readonly orderIds?: readonly string[];
  readonly durationHours?: number;
}

/**
 * The scope an approval grants: the request's, narrowed as the seller asked. A
 * seller can never widen it (reveal where masked was asked, orders outside the
 * list, longer than asked): those are refused, so an approved grant never
 * carries more than the request did.
 */
export function narrowedScope(asked: AccessScope, change: Narrowing): { scope: AccessScope; problems: ErrorDetail[] } {
  const problems: ErrorDetail[] = [];
  const access = change.access ?? asked.access;
  if (asked.access === 'masked' && access === 'reveal') {
    problems.push({
      field: 'access',
      issue: 'the request asked for masked orders only; an approval cannot add reveal',
    });
  }
  let orderIds = asked.orderIds;
  if (change.orderIds !== undefined) {
    const listed = [...new Set(change.orderIds.map((id) => id.toLowerCase()))];
    const outside = asked.orderIds === null ? [] : listed.filter((id) => !asked.orderIds!.includes(id));
    if (!listed.length)
      problems.push({ field: 'orderIds', issue: 'list at least one order, or omit to keep the request’s' });
    else if (outside.length)
      problems.push({ field: 'orderIds', issue: `${outside.length} orders the request did not ask for` });
    orderIds = listed;
  }
  const hours = change.durationHours ?? asked.hours;
  if (hours > asked.hours) {
    problems.push({ field: 'durationHours', issue: `at most the ${asked.hours} hours the request asked for` });
  }
  return { scope: { access, orderIds, hours }, problems };
}
