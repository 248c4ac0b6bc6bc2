import { Injectable } from '@nestjs/common';
import { validationFailed } from '../platform/errors/domain-error';
import { AuditEntriesRepository } from './audit-entries.repository';
import { AUDIT_ACTIONS } from './audit-entry-input';
import { toAuditEntryView, type AuditEntryPage } from './audit.mapper';
import type { EntryRow } from './audit-rows';
import { tenantInScope, type AuditScope } from './audit-scope';
import { isUuid } from '../platform/validation/uuid';
import { parseInstant } from '../platform/validation/instant';

export interface AuditEntryFilter {
  tenantId?: string | null;
  actorId?: string;
  action?: string;
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
const CURSOR_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/**
 * Reading the access log: newest first, keyset-paged on (occurred_at, chain_id,
 * seq), filtered within the caller's scope (a seller sees its own chain only).
 */
@Injectable()
export class AuditQueryService {
  constructor(private readonly entries: AuditEntriesRepository) {}

  async list(scope: AuditScope, filter: AuditEntryFilter = {}): Promise<AuditEntryPage> {
    const tenantId = tenantInScope(scope, filter.tenantId);
    const limit = filter.limit ?? DEFAULT_PAGE;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
      throw validationFailed(`limit must be 1-${MAX_PAGE}`, [{ field: 'limit', issue: 'range' }]);
    }
    if (filter.action !== undefined && !(AUDIT_ACTIONS as readonly string[]).includes(filter.action)) {
      throw validationFailed('unknown action', [{ field: 'action', issue: 'not a known access-log action' }]);
    }
    if (filter.orderId !== undefined && !isUuid(filter.orderId)) {
      throw validationFailed('orderId must be a uuid', [{ field: 'orderId', issue: 'uuid' }]);
    }
    const rows = await this.entries.page({
      tenantId,
      actorId: filter.actorId,
      action: filter.action,
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
