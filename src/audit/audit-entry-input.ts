import { validationFailed, type ErrorDetail } from '../platform/errors/domain-error';
import { isUuid } from '../platform/validation/uuid';

/**
 * What may be logged. A closed list: a new kind of access needs a new action
 * here (and the auditors' documentation), never a free-text string. These
 * strings are stored and hashed: never rename one, only add.
 */
export const AUDIT_ACTIONS = [
  'pii.revealed',
  'pii.forwarded',
  'pii.exported',
  'pii.erased',
  'pii.destroyed',
  'pii.rectified',
  // A buyer's data-subject request (access, portability, rectify, erase): received and looked up, or refused.
  'dsr.requested',
  'order_record.deleted',
  'grant.created',
  'grant.revoked',
  'grant.used',
  // Staff asking a seller for access (support access requests): asked, approved, denied, withdrawn, lapsed.
  'access_request.created',
  'access_request.approved',
  'access_request.denied',
  'access_request.cancelled',
  'access_request.expired',
  'key.created',
  'key.revoked',
  'key.rotated',
  'auth.failed',
  'connection.created',
  'connection.updated',
  'connection.disconnected',
  'endpoint.created',
  'endpoint.updated',
  'endpoint.deleted',
  'retention.changed',
  'legal_hold.placed',
  'legal_hold.released',
  'tenant.created',
  // A seller's offboarding: started (the request recorded), and finished (the deletion certificate's hash).
  'tenant.offboarding.started',
  'tenant.offboarded',
  'staff.created',
  'audit.checkpoint.requested',
  'audit.exported',
  // People in the browser console: sign-ins, refused sign-ins, lock-outs, session ends, enrolment, log views.
  'session.started',
  'signin.failed',
  'account.locked',
  'session.ended',
  'account.enrolled',
  'audit.viewed',
  'audit.verified',
  // Seller users: invitations (created, accepted, revoked) and role changes.
  'invitation.created',
  'invitation.accepted',
  'invitation.revoked',
  'user.role_changed',
  // Passkeys of console people: registered, removed (sign-ins with one are session.started / signin.failed).
  'passkey.registered',
  'passkey.removed',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];
export type AuditActorKind = 'seller' | 'staff' | 'system' | 'anonymous';
export type AuditOutcome = 'allowed' | 'denied';

export const AUDIT_ACTOR_KINDS: readonly AuditActorKind[] = ['seller', 'staff', 'system', 'anonymous'];
export const AUDIT_TARGET_KEYS = [
  'orderIds',
  'grantId',
  'keyId',
  'connectionId',
  'staffId',
  'endpointId',
  'tenantId',
  'actorKeyId',
  'accountId',
  'sessionId',
  'notificationId',
  'dsrId',
  'holdId',
  'invitationId',
  'accessRequestId',
  'passkeyId',
] as const;

/** Ids of what an access touched. Ids only: never names, e-mail addresses or any other buyer datum. */
export interface AuditTargets {
  orderIds?: string[];
  grantId?: string;
  keyId?: string;
  connectionId?: string;
  staffId?: string;
  endpointId?: string;
  tenantId?: string;
  /** The API key the actor authenticated with (sellers and staff): which of a person's keys acted. */
  actorKeyId?: string;
  /** A person's console account (sign-in, lock-out, enrolment). */
  accountId?: string;
  /** A console session (started, ended). */
  sessionId?: string;
  /** A marketplace's notification that caused the access (eBay account deletion: its notificationId). */
  notificationId?: string;
  /** A data-subject request. */
  dsrId?: string;
  /** A legal hold (placed, renewed, released). */
  holdId?: string;
  /** A seller user's invitation (created, accepted, revoked). */
  invitationId?: string;
  /** A staff member's request for access to a tenant's buyer data. */
  accessRequestId?: string;
  /** A console person's passkey (its row id, not the credential id). */
  passkeyId?: string;
}

export interface AuditEntryInput {
  /** The tenant whose data was touched; null for platform events (staff created, authentication failures). */
  tenantId: string | null;
  /** `keyId`: the API key the request authenticated with; stored as `targets.actorKeyId` (hashed with the entry). */
  actor: { kind: AuditActorKind; id: string; role?: string | null; keyId?: string | null };
  action: AuditAction;
  targets?: AuditTargets;
  /** Why (the caller's stated reason), at most 500 characters. Free text: callers must not put buyer data here. */
  reason?: string | null;
  ticketRef?: string | null;
  requestId?: string | null;
  outcome: AuditOutcome;
  breakGlass?: boolean;
  /** Defaults to the injected clock's now. */
  occurredAt?: Date;
}

/** Every field of an entry as it is stored and hashed (before the chain assigns seq and hashes). */
export interface AuditEntryFields {
  readonly chainId: string;
  readonly tenantId: string | null;
  /** ISO-8601 UTC with milliseconds, e.g. 2026-11-02T10:00:00.000Z. */
  readonly occurredAt: string;
  readonly actorKind: AuditActorKind;
  readonly actorId: string;
  readonly actorRole: string | null;
  readonly action: AuditAction;
  readonly targets: AuditTargets;
  readonly reason: string | null;
  readonly ticketRef: string | null;
  readonly requestId: string | null;
  readonly outcome: AuditOutcome;
  readonly breakGlass: boolean;
}

export const MAX_REASON_LENGTH = 500;
export const MAX_ORDER_IDS = 1000;
export const PLATFORM_CHAIN_ID = 'platform';

/** A short opaque id (API key ids, job names, `key:<id>`): letters, digits and . _ : - only, so no e-mail or name fits. */
const SHORT_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const ROLE = /^[a-z][a-z0-9_.-]{0,39}$/;
const TOKEN = /^[\x21-\x7e]{1,128}$/;
const TICKET = /^[\x21-\x7e][\x20-\x7e]{0,99}$/;
// C0/C1 controls (incl. newlines) and Unicode bidi overrides would let a reason forge how a log line reads.
// eslint-disable-next-line no-control-regex
const FORBIDDEN_TEXT = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const ACTIONS = new Set<string>(AUDIT_ACTIONS);
const TARGET_KEYS = new Set<string>(AUDIT_TARGET_KEYS);

/** The chain an entry of this tenant goes to: `tenant:<uuid>`, or `platform`. */
export function chainIdFor(tenantId: string | null): string {
  return tenantId === null ? PLATFORM_CHAIN_ID : `tenant:${tenantId.toLowerCase()}`;
}

/**
 * Checks and normalises an entry (uuids lower-cased, absent optionals null) or
 * throws one validation error naming every bad field. Messages name fields,
 * never the rejected values.
 */
export function normaliseAuditInput(input: AuditEntryInput, now: () => Date): AuditEntryFields {
  const details: ErrorDetail[] = [];
  const bad = (field: string, issue: string) => details.push({ field, issue });

  let tenantId: string | null = null;
  if (input.tenantId !== null) {
    if (typeof input.tenantId === 'string' && isUuid(input.tenantId)) tenantId = input.tenantId.toLowerCase();
    else bad('tenantId', 'must be a uuid or null');
  }
  const actor = input.actor ?? ({} as AuditEntryInput['actor']);
  if (!AUDIT_ACTOR_KINDS.includes(actor.kind)) bad('actor.kind', `one of ${AUDIT_ACTOR_KINDS.join(', ')}`);
  if (typeof actor.id !== 'string' || !(isUuid(actor.id) || SHORT_ID.test(actor.id))) {
    bad('actor.id', 'must be a uuid or a short id');
  }
  const role = actor.role ?? null;
  if (role !== null && (typeof role !== 'string' || !ROLE.test(role))) bad('actor.role', 'must be a short role name');
  if (!ACTIONS.has(input.action)) bad('action', 'not a known access-log action');
  if (input.outcome !== 'allowed' && input.outcome !== 'denied') bad('outcome', 'allowed or denied');
  const keyId = actor.keyId ?? null;
  if (keyId !== null && (typeof keyId !== 'string' || !SHORT_ID.test(keyId))) bad('actor.keyId', 'must be a key id');
  const targets = normaliseTargets({ ...(input.targets ?? {}), ...(keyId ? { actorKeyId: keyId } : {}) }, bad);
  const reason = optionalText(input.reason, 'reason', MAX_REASON_LENGTH, bad);
  const ticketRef = optionalPattern(input.ticketRef, 'ticketRef', TICKET, bad);
  const requestId = optionalPattern(input.requestId, 'requestId', TOKEN, bad);
  if (input.breakGlass !== undefined && typeof input.breakGlass !== 'boolean') bad('breakGlass', 'must be a boolean');
  const at = input.occurredAt ?? now();
  if (!(at instanceof Date) || Number.isNaN(at.getTime())) bad('occurredAt', 'must be a valid date');
  if (details.length) throw validationFailed('invalid access-log entry', details);

  return {
    chainId: chainIdFor(tenantId),
    tenantId,
    occurredAt: at.toISOString(),
    actorKind: actor.kind,
    actorId: isUuid(actor.id) ? actor.id.toLowerCase() : actor.id,
    actorRole: role,
    action: input.action,
    targets,
    reason,
    ticketRef,
    requestId,
    outcome: input.outcome,
    breakGlass: input.breakGlass ?? false,
  };
}

function normaliseTargets(raw: AuditTargets, bad: (field: string, issue: string) => void): AuditTargets {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    bad('targets', 'must be an object of ids');
    return {};
  }
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    if (!TARGET_KEYS.has(key)) {
      bad(`targets.${key}`, 'not a known target');
      continue;
    }
    if (key === 'orderIds') {
      if (!Array.isArray(value) || value.length > MAX_ORDER_IDS || !value.every((v) => isId(v))) {
        bad('targets.orderIds', `at most ${MAX_ORDER_IDS} ids`);
        continue;
      }
      out.orderIds = value.map(normaliseId);
    } else if (isId(value)) {
      out[key] = normaliseId(value);
    } else {
      bad(`targets.${key}`, 'must be a uuid or a short id');
    }
  }
  return out as AuditTargets;
}

const isId = (v: unknown): v is string => typeof v === 'string' && (isUuid(v) || SHORT_ID.test(v));
const normaliseId = (v: string) => (isUuid(v) ? v.toLowerCase() : v);

function optionalText(
  value: string | null | undefined,
  field: string,
  max: number,
  bad: (field: string, issue: string) => void,
): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.length > max || FORBIDDEN_TEXT.test(value)) {
    bad(field, `at most ${max} characters, no control characters`);
    return null;
  }
  return value;
}

function optionalPattern(
  value: string | null | undefined,
  field: string,
  pattern: RegExp,
  bad: (field: string, issue: string) => void,
): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || !pattern.test(value)) {
    bad(field, 'printable characters, bounded length');
    return null;
  }
  return value;
}
