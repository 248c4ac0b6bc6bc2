import type { Narrowing, RequestedAccess } from '../access/requests/access-request-scope';
import { DEFAULT_REQUEST_HOURS, MAX_REQUEST_HOURS } from '../access/requests/access-request-scope';
import type { NewAccessRequest } from '../access/requests/access-requests.service';
import { isUuid } from '../platform/validation/uuid';

/** The "request access" form as typed: every field a string, kept to show the form again. */
export interface AccessRequestFormValues {
  tenantId: string;
  access: string;
  orderIds: string;
  durationHours: string;
  reason: string;
  ticketRef: string;
}

export const EMPTY_ACCESS_REQUEST_FORM: AccessRequestFormValues = {
  tenantId: '',
  access: 'reveal',
  orderIds: '',
  durationHours: String(DEFAULT_REQUEST_HOURS),
  reason: '',
  ticketRef: '',
};

const text = (v: unknown): string => (typeof v === 'string' ? v : '');

/** Order ids separated by commas or spaces (one form field: line breaks are not accepted in text); empty: none named. */
export function parseOrderIdList(raw: string): { ids: string[] | null; bad: boolean } {
  const parts = raw.split(/[\s,]+/).filter(Boolean);
  if (!parts.length) return { ids: null, bad: false };
  return { ids: parts.map((p) => p.toLowerCase()), bad: !parts.every(isUuid) };
}

/** Whole hours from 1 to 72, or null. */
export function parseHours(raw: string): number | null {
  const n = /^\d{1,3}$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
  return Number.isInteger(n) && n >= 1 && n <= MAX_REQUEST_HOURS ? n : null;
}

/**
 * The form's shape checked here (so the form comes back with the problems and
 * what was typed); what the request may ask for is the service's to decide.
 */
export function parseAccessRequestForm(body: unknown): {
  values: AccessRequestFormValues;
  input: Omit<NewAccessRequest, 'reason' | 'ticketRef'> & { reason: string; ticketRef: string };
  problems: string[];
} {
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const values: AccessRequestFormValues = {
    tenantId: text(b.tenantId).trim(),
    access: text(b.access),
    orderIds: text(b.orderIds),
    durationHours: text(b.durationHours) || String(DEFAULT_REQUEST_HOURS),
    reason: text(b.reason),
    ticketRef: text(b.ticketRef),
  };
  const problems: string[] = [];
  if (!isUuid(values.tenantId)) problems.push('tenant: a tenant id (uuid)');
  const access: RequestedAccess = values.access === 'masked' ? 'masked' : 'reveal';
  if (values.access !== 'masked' && values.access !== 'reveal') problems.push('access: masked or reveal');
  const orders = parseOrderIdList(values.orderIds);
  if (orders.bad) problems.push('orders: order ids (uuids), or empty for every order');
  const hours = parseHours(values.durationHours);
  if (hours === null) problems.push(`duration: whole hours from 1 to ${MAX_REQUEST_HOURS}`);
  return {
    values,
    input: {
      tenantId: values.tenantId,
      access,
      orderIds: orders.ids,
      durationHours: hours ?? DEFAULT_REQUEST_HOURS,
      reason: values.reason,
      ticketRef: values.ticketRef,
    },
    problems,
  };
}

/**
 * The seller's approval form: each field empty (keep what was asked) or a
 * narrower value; the service refuses anything wider.
 */
export function parseApprovalForm(body: unknown): { change: Narrowing; problems: string[] } {
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const problems: string[] = [];
  const access = text(b.access);
  const orders = parseOrderIdList(text(b.orderIds));
  const rawHours = text(b.durationHours).trim();
  const hours = rawHours ? parseHours(rawHours) : undefined;
  if (access && access !== 'masked' && access !== 'reveal') problems.push('access: masked or reveal');
  if (orders.bad) problems.push('orders: order ids (uuids), or empty to keep the request’s');
  if (hours === null) problems.push(`duration: whole hours from 1 to ${MAX_REQUEST_HOURS}`);
  return {
    change: {
      ...(access === 'masked' || access === 'reveal' ? { access } : {}),
      ...(orders.ids ? { orderIds: orders.ids } : {}),
      ...(typeof hours === 'number' ? { durationHours: hours } : {}),
    },
    problems,
  };
}
