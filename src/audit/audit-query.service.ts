import { Injectable } from '@nestjs/common';
import { TransactionManager } from '../platform/database/transaction-manager';
import { validationFailed } from '../platform/errors/domain-error';
import { AUDIT_ACTIONS } from './audit-entry-input';
import { toAuditEntryView, type AuditEntryPage } from './audit.mapper';
import { ENTRY_COLUMNS, type EntryRow } from './audit-rows';
import { tenantInScope, type AuditScope } from './audit-scope';
import { isUuid } from '../platform/validation/uuid';

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
const CURSOR_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/**
 * Reading the access log: newest first, keyset-paged on (occurred_at, chain_id,
 * seq), filtered within the caller's scope (a seller sees its own chain only).
 */
@Injectable()
export class AuditQueryService {
  constructor(private readonly transactions: TransactionManager) {}

  async list(scope: AuditScope, filter: AuditEntryFilter = {}): Promise<AuditEntryPage> {
    const tenantId = tenantInScope(scope, filter.tenantId);
    const limit = filter.limit ?? DEFAULT_PAGE;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
      throw validationFailed(`limit must be 1-${MAX_PAGE}`, [{ field: 'limit', issue: 'range' }]);
    }
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    if (tenantId !== null) where.push(`e.tenant_id = ${param(tenantId)}::uuid`);
    if (filter.actorId !== undefined) where.push(`e.actor_id = ${param(filter.actorId)}`);
    if (filter.action !== undefined) {
      if (!(AUDIT_ACTIONS as readonly string[]).includes(filter.action)) {
        throw validationFailed('unknown action', [{ field: 'action', issue: 'not a known access-log action' }]);
      }
      where.push(`e.action = ${param(filter.action)}`);
    }
    if (filter.orderId !== undefined) {
      if (!isUuid(filter.orderId))
        throw validationFailed('orderId must be a uuid', [{ field: 'orderId', issue: 'uuid' }]);
      where.push(
        `e.targets @> jsonb_build_object('orderIds', jsonb_build_array(${param(filter.orderId.toLowerCase())}::text))`,
      );
    }
    if (filter.from) where.push(`e.occurred_at >= ${param(filter.from.toISOString())}::timestamptz`);
    if (filter.to) where.push(`e.occurred_at < ${param(filter.to.toISOString())}::timestamptz`);
    if (filter.cursor) {
      const c = decodeCursor(filter.cursor);
      where.push(
        `(e.occurred_at, e.chain_id, e.seq) < (${param(c.occurredAt)}::timestamptz, ${param(c.chainId)}, ${param(c.seq)}::bigint)`,
      );
    }
    const rows: EntryRow[] = await this.transactions.manager.query(
      `SELECT ${ENTRY_COLUMNS} FROM audit_entries e
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY e.occurred_at DESC, e.chain_id DESC, e.seq DESC LIMIT ${limit + 1}`,
      params,
    );
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
      typeof chainId === 'string' &&
      chainId.length <= 64 &&
      typeof seq === 'string' &&
      /^\d{1,19}$/.test(seq)
    ) {
      return { occurredAt, chainId, seq };
    }
  } catch {
    // fall through
  }
  throw validationFailed('cursor is not one this API issued', [{ field: 'cursor', issue: 'invalid' }]);
}
