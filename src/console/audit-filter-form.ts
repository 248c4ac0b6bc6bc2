import { AUDIT_ACTIONS, AUDIT_ACTOR_KINDS, MAX_TEXT_FILTER, type AuditEntryFilter } from '../audit';
import { parseInstant } from '../platform/validation/instant';
import { isCleanText } from '../platform/validation/text';
import { isUuid } from '../platform/validation/uuid';

/** The access-log filter form as it travels in the URL (every field optional; empty means "any"). */
export interface AuditFormValues {
  readonly from: string;
  readonly to: string;
  readonly actor: string;
  /** The actor's kind: seller, staff, system, anonymous. */
  readonly kind: string;
  readonly role: string;
  /** Words in the reason or ticket. */
  readonly text: string;
  readonly action: string;
  readonly outcome: string;
  readonly tenant: string;
  readonly order: string;
  readonly cursor: string;
}

export const AUDIT_FORM_FIELDS = [
  'from',
  'to',
  'actor',
  'kind',
  'role',
  'text',
  'action',
  'outcome',
  'tenant',
  'order',
  'cursor',
] as const;

const ACTOR = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const ROLE = /^[a-z][a-z_]{0,31}$/;

export interface ParsedAuditForm {
  readonly values: AuditFormValues;
  readonly filter: AuditEntryFilter;
  /** One line per field that could not be read; the page shows them and no entries. */
  readonly problems: string[];
}

/** Reads the form: empty fields are left out; anything else must be what its field takes. */
export function parseAuditForm(raw: Partial<Record<(typeof AUDIT_FORM_FIELDS)[number], string>>): ParsedAuditForm {
  const v = Object.fromEntries(AUDIT_FORM_FIELDS.map((f) => [f, (raw[f] ?? '').trim()])) as unknown as AuditFormValues;
  const problems: string[] = [];
  const instant = (field: 'from' | 'to') => {
    if (!v[field]) return undefined;
    const at = parseInstant(v[field]);
    if (!at) problems.push(`${field}: an ISO-8601 date or date-time (UTC unless a zone is given)`);
    return at ?? undefined;
  };
  const from = instant('from');
  const to = instant('to');
  if (from && to && from >= to) problems.push('from must be before to');
  if (v.actor && !ACTOR.test(v.actor)) problems.push('actor: an actor id (a staff member, key or job id)');
  if (v.kind && !(AUDIT_ACTOR_KINDS as readonly string[]).includes(v.kind)) {
    problems.push(`kind: one of ${AUDIT_ACTOR_KINDS.join(', ')}`);
  }
  if (v.role && !ROLE.test(v.role)) problems.push('role: a role name (support, admin, auditor, owner, …)');
  if (v.text && (v.text.length > MAX_TEXT_FILTER || !isCleanText(v.text))) {
    problems.push(`reason or ticket: at most ${MAX_TEXT_FILTER} printable characters`);
  }
  if (v.action && !(AUDIT_ACTIONS as readonly string[]).includes(v.action)) problems.push('action: not a known action');
  if (v.outcome && v.outcome !== 'allowed' && v.outcome !== 'denied') problems.push('outcome: allowed or denied');
  if (v.tenant && !isUuid(v.tenant)) problems.push('tenant: a tenant id (uuid)');
  if (v.order && !isUuid(v.order)) problems.push('order: an order id (uuid)');
  const filter: AuditEntryFilter = {
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
    ...(v.actor ? { actorId: v.actor } : {}),
    ...(v.kind ? { actorKind: v.kind } : {}),
    ...(v.role ? { actorRole: v.role } : {}),
    ...(v.text ? { text: v.text } : {}),
    ...(v.action ? { action: v.action } : {}),
    ...(v.outcome ? { outcome: v.outcome } : {}),
    ...(v.tenant ? { tenantId: v.tenant.toLowerCase() } : {}),
    ...(v.order ? { orderId: v.order.toLowerCase() } : {}),
    ...(v.cursor ? { cursor: v.cursor } : {}),
    limit: 50,
  };
  return { values: v, filter, problems };
}

/** The URL of this page with these values (and a cursor, for the next page), empty fields left out. */
export function auditPageUrl(values: AuditFormValues, cursor?: string): string {
  const params = new URLSearchParams();
  for (const f of AUDIT_FORM_FIELDS) {
    if (f === 'cursor') continue;
    if (values[f]) params.set(f, values[f]);
  }
  if (cursor) params.set('cursor', cursor);
  const query = params.toString();
  return query ? `/console/audit?${query}` : '/console/audit';
}
