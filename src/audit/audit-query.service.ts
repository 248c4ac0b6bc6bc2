import { Injectable } from '@nestjs/common';
import type { ActorContext } from '../auth';
import { validationFailed } from '../platform/errors/domain-error';
import { AuditEntriesRepository } from './audit-entries.repository';
import { AuditLog } from './audit-log.service';
import { AUDIT_ACTIONS, AUDIT_ACTOR_KINDS } from './audit-entry-input';
import { toAuditEntryView, type AuditEntryPage } from './audit.mapper';
import type { EntryRow } from './audit-rows';
import { auditedBy, tenantInScope, type AuditScope } from './audit-scope';
import { isUuid } from '../platform/validation/uuid';
import { parseInstant } from '../platform/validation/instant';
import { isCleanText } from '../platform/validation/text';

export interface AuditEntryFilter {
  tenantId?: string | null;
  actorId?: string;
  /** `seller`, `staff`, `system` or `anonymous`. */
  actorKind?: string;
  /** The actor's role when the entry was written (a staff role, or a seller person's role). */
  actorRole?: string;
  /** Entries whose reason or ticket contains this text (case-insensitive). */
  text?: string;
  action?: string;
  /** `allowed` or `denied`. */
  outcome?: string;
  /** Entries whose targets name this order. */
  orderId?: string;
  /** Inclusive. */
  from?: Date;
  /** Exclusive. */
  to?: Date;
  cursor?: string;
  limit?: number;
}

export const MAX_PAGE = 500;
const DEFAULT_PAGE = 100;
/** PostgreSQL's bigint ceiling: a larger seq cannot have been issued. */
const MAX_BIGINT = 9223372036854775807n;
const ROLE = /^[a-z][a-z_]{0,31}$/;
/** The longest reason/ticket search: reasons are at most 500 characters. */
export const MAX_TEXT_FILTER = 100;
const CURSOR_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/**
 * Reading the access log: newest first, keyset-paged on (occurred_at, chain_id,
 * seq), filtered within the caller's scope (a seller sees its own chain only).
 */
@Injectable()
export class AuditQueryService {
  constructor(
    private readonly entries: AuditEntriesRepository,
    private readonly audit: AuditLog,
  ) {}

  /**
   * A page of the log for a person or a key, and an `audit.viewed` entry saying
   * who looked at which part of it: viewing the log is itself evidence. The
   * entry goes to the tenant's chain when one tenant is viewed, else to the
   * platform's; it is written after the read, so the page never shows itself.
   */
  async view(by: ActorContext, scope: AuditScope, filter: AuditEntryFilter = {}): Promise<AuditEntryPage> {
    const page = await this.list(scope, filter);
    await this.audit.record({
      tenantId: tenantInScope(scope, filter.tenantId),
      ...auditedBy(by),
      action: 'audit.viewed',
      targets: filter.orderId ? { orderIds: [filter.orderId.toLowerCase()] } : {},
      reason: describeFilter(filter),
      outcome: 'allowed',
    });
    return page;
  }

  async list(scope: AuditScope, filter: AuditEntryFilter = {}): Promise<AuditEntryPage> {
    const tenantId = tenantInScope(scope, filter.tenantId);
    const limit = filter.limit ?? DEFAULT_PAGE;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
      throw validationFailed(`limit must be 1-${MAX_PAGE}`, [{ field: 'limit', issue: 'range' }]);
    }
    if (filter.action !== undefined && !(AUDIT_ACTIONS as readonly string[]).includes(filter.action)) {
      throw validationFailed('unknown action', [{ field: 'action', issue: 'not a known access-log action' }]);
    }
    if (filter.outcome !== undefined && filter.outcome !== 'allowed' && filter.outcome !== 'denied') {
      throw validationFailed('unknown outcome', [{ field: 'outcome', issue: 'allowed or denied' }]);
    }
    if (filter.actorKind !== undefined && !(AUDIT_ACTOR_KINDS as readonly string[]).includes(filter.actorKind)) {
      throw validationFailed('unknown actor kind', [{ field: 'actorKind', issue: AUDIT_ACTOR_KINDS.join(', ') }]);
    }
    if (filter.actorRole !== undefined && !ROLE.test(filter.actorRole)) {
      throw validationFailed('role is a lower-case role name', [{ field: 'role', issue: 'role name' }]);
    }
    if (filter.text !== undefined && (filter.text.length > MAX_TEXT_FILTER || !isCleanText(filter.text))) {
      throw validationFailed(`text is at most ${MAX_TEXT_FILTER} printable characters`, [
        { field: 'text', issue: 'length or control characters' },
      ]);
    }
    if (filter.orderId !== undefined && !isUuid(filter.orderId)) {
      throw validationFailed('orderId must be a uuid', [{ field: 'orderId', issue: 'uuid' }]);
    }
    const rows = await this.entries.page({
      tenantId,
      actorId: filter.actorId,
      actorKind: filter.actorKind,
      actorRole: filter.actorRole,
      text: filter.text || undefined,
      action: filter.action,
      outcome: filter.outcome,
      orderId: filter.orderId?.toLowerCase(),
      from: filter.from,
      to: filter.to,
      before: filter.cursor ? decodeCursor(filter.cursor) : undefined,
      limit,
    });
    const items = rows.slice(0, limit);
    const last = rows.length > limit ? items[items.length - 1] : undefined;
    return {
      items: items.map(toAuditEntryView),
      ...(last ? { nextCursor: encodeCursor(last) } : {}),
    };
  }
}

/** The filter as the viewing entry records it (validated values only: ids, enums, instants). */
function describeFilter(f: AuditEntryFilter): string {
  const parts = [
    f.actorId !== undefined ? `actor=${f.actorId}` : null,
    f.actorKind !== undefined ? `actorKind=${f.actorKind}` : null,
    f.actorRole !== undefined ? `role=${f.actorRole}` : null,
    // The words searched for are not repeated: an auditor may have typed anything.
    f.text ? `text filter (${f.text.length} characters)` : null,
    f.action !== undefined ? `action=${f.action}` : null,
    f.outcome !== undefined ? `outcome=${f.outcome}` : null,
    f.from ? `from=${f.from.toISOString()}` : null,
    f.to ? `to=${f.to.toISOString()}` : null,
    f.cursor ? 'next page' : null,
  ].filter((p): p is string => p !== null);
  return parts.length ? `filters: ${parts.join(' ')}` : 'no filters';
}

function encodeCursor(r: EntryRow): string {
  return Buffer.from(JSON.stringify([r.occurred_at, r.chain_id, r.seq])).toString('base64url');
}

function decodeCursor(cursor: string): { occurredAt: string; chainId: string; seq: string } {
  try {
    const [occurredAt, chainId, seq] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (
      typeof occurredAt === 'string' &&
      CURSOR_TIME.test(occurredAt) &&
      parseInstant(occurredAt) !== null &&
      typeof chainId === 'string' &&
      chainId.length <= 64 &&
      typeof seq === 'string' &&
      /^\d{1,19}$/.test(seq) &&
      BigInt(seq) <= MAX_BIGINT
    ) {
      return { occurredAt, chainId, seq };
    }
  } catch {
    // fall through
  }
  throw validationFailed('cursor is not one this API issued', [{ field: 'cursor', issue: 'invalid' }]);
}
