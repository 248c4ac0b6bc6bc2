import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AuditLog, auditedBy } from '../audit';
import type { ActorContext } from '../auth';
import { PiiDestructionService, SubjectOrdersService, type SubjectOrderRef, type SubjectSelector } from '../orders';
import { Clock } from '../platform/clock/clock';
import { TransactionManager, type Tx } from '../platform/database/transaction-manager';
import { DomainError, ErrorCodes, notFound, validationFailed } from '../platform/errors/domain-error';
import { parseInstant } from '../platform/validation/instant';
import { isUuid } from '../platform/validation/uuid';
import type { DataSubjectRequest } from './data-subject-request.entity';
import type { DsrType } from './dsr-types';
import {
  toDataSubjectRequestView,
  type DataSubjectRequestPage,
  type DataSubjectRequestView,
} from './data-subject-request.mapper';
import { DataSubjectRequestsRepository } from './data-subject-requests.repository';

/**
 * Requests are answered within the call; a buyer with more orders than this is
 * refused (412) rather than half answered. Background answering of larger ones
 * is not built.
 */
export const MAX_ORDERS_PER_REQUEST = 500;

/** A request as the controller parsed it: every field already a domain value. */
export interface DataSubjectRequestInput {
  readonly type: DsrType;
  readonly subject: SubjectSelector;
  readonly reference: string | null;
}

/** What answering a request of one type did, for the row and its receipts. */
interface Answer {
  readonly counts: Record<string, number>;
  readonly entries: ReadonlyArray<{ action: 'pii.erased' | 'pii.rectified'; orderIds: string[]; reason: string }>;
}

/**
 * Buyers' data-subject requests, made by the seller (the controller) for one
 * of its buyers. Each request is answered in one transaction: the buyer's
 * orders are found through the tenant's blind indexes (or by marketplace order
 * id) and locked, the type's work is done, the request row is written, and the
 * access log gets a `dsr.requested` entry naming the orders found (whatever
 * was found, none included) plus the type's own receipt. Refused requests are
 * logged too (`recordRefused`).
 */
@Injectable()
export class DataSubjectRequestsService {
  constructor(
    private readonly transactions: TransactionManager,
    private readonly requests: DataSubjectRequestsRepository,
    private readonly subjects: SubjectOrdersService,
    private readonly destruction: PiiDestructionService,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  async create(by: ActorContext, tenantId: string, input: DataSubjectRequestInput): Promise<DataSubjectRequestView> {
    const row = await this.transactions.run(async (tx) => {
      const receivedAt = this.clock.now();
      const lock = input.type === 'erase' || input.type === 'rectify' ? 'update' : 'share';
      const found = await this.subjects.find(tx, tenantId, input.subject, {
        lock,
        limit: MAX_ORDERS_PER_REQUEST + 1,
      });
      if (found.length > MAX_ORDERS_PER_REQUEST) {
        throw new DomainError(
          ErrorCodes.PRECONDITION_FAILED,
          `this buyer has more than ${MAX_ORDERS_PER_REQUEST} orders: requests that large are not answered in one call yet; ` +
            'name the orders one by one (subject.marketplaceOrderId)',
        );
      }
      const requestId = randomUUID();
      const answer = await this.answer(tx, tenantId, input, found);
      const now = this.clock.now();
      const actor = auditedBy(by).actor;
      const saved = await this.requests.insert(tx, {
        tenantId,
        requestId,
        type: input.type,
        subjectKind: input.subject.kind,
        subjectMarketplace: input.subject.kind === 'email' ? null : input.subject.marketplace,
        status: 'completed',
        actorKind: actor.kind,
        actorId: actor.id,
        actorKeyId: actor.keyId ?? null,
        reference: input.reference,
        orderIds: found.map((o) => o.orderId),
        counts: { ordersFound: found.length, ...answer.counts },
        correctedFields: [],
        receivedAt,
        completedAt: now,
        exportExpiresAt: null,
        exportedAt: null,
        failure: null,
      });
      // Entries last: they hold the tenant's chain head until commit.
      await this.audit.append(tx, {
        tenantId,
        ...auditedBy(by),
        action: 'dsr.requested',
        targets: { dsrId: requestId, orderIds: found.map((o) => o.orderId) },
        reason: `${input.type} request, buyer named by ${subjectLabel(input.subject)}: ${found.length} order(s) found`,
        ticketRef: input.reference,
        outcome: 'allowed',
      });
      for (const entry of answer.entries) {
        await this.audit.append(tx, {
          tenantId,
          ...auditedBy(by),
          action: entry.action,
          targets: { dsrId: requestId, orderIds: entry.orderIds },
          reason: entry.reason,
          ticketRef: input.reference,
          outcome: 'allowed',
        });
      }
      return saved;
    });
    return toDataSubjectRequestView(row);
  }

  async get(tenantId: string, requestId: string): Promise<DataSubjectRequestView> {
    return toDataSubjectRequestView(await this.load(tenantId, requestId));
  }

  async list(tenantId: string, query: { limit?: number; cursor?: string }): Promise<DataSubjectRequestPage> {
    const limit = query.limit ?? 50;
    const rows = await this.requests.list(tenantId, {
      limit: limit + 1,
      before: query.cursor ? decodeCursor(query.cursor) : undefined,
    });
    const items = rows.slice(0, limit).map(toDataSubjectRequestView);
    const last = rows.length > limit ? rows[limit - 1] : undefined;
    return last ? { items, nextCursor: encodeCursor(last) } : { items };
  }

  /**
   * A refused call on a data-subject-request route (bad input, too many orders, an unknown or spent
   * request): a denied entry naming the route and why, never what was sent.
   */
  async recordRefused(
    by: ActorContext,
    tenantId: string | null,
    route: string,
    why: string,
    requestId: string | null,
  ): Promise<void> {
    await this.audit.record({
      tenantId,
      ...auditedBy(by),
      action: route.endsWith('/export') ? 'pii.exported' : 'dsr.requested',
      targets: requestId ? { dsrId: requestId } : {},
      reason: `${route} [denied: ${why.slice(0, 300)}]`,
      outcome: 'denied',
    });
  }

  private async load(tenantId: string, requestId: string, tx?: Tx): Promise<DataSubjectRequest> {
    const row = isUuid(requestId) ? await this.requests.findOne(tenantId, requestId.toLowerCase(), tx) : null;
    if (!row) throw notFound('data-subject request');
    return row;
  }

  private async answer(
    tx: Tx,
    tenantId: string,
    input: DataSubjectRequestInput,
    found: readonly SubjectOrderRef[],
  ): Promise<Answer> {
    switch (input.type) {
      case 'erase':
        return this.erase(tx, tenantId, found);
      default:
        throw new DomainError(ErrorCodes.PRECONDITION_FAILED, `${input.type} requests are not answered yet`);
    }
  }

  /**
   * Erasure through the one destruction step retention uses (orders/): data keys shredded, ciphertext,
   * blind indexes and buyer digest cleared, `order.pii_destroyed` queued, every registered copy destroyed.
   * The row stays as a tombstone (`destroyed`): a later sync serving the order again stores no buyer data.
   * Orders already destroyed are counted, not touched again, so a repeated request is harmless.
   */
  private async erase(tx: Tx, tenantId: string, found: readonly SubjectOrderRef[]): Promise<Answer> {
    const present = found.filter((o) => o.piiState === 'present');
    const result = await this.destruction.destroy(tx, tenantId, present, this.clock.now(), 'erasure');
    const copies = Object.entries(result.copies).filter(([, n]) => n > 0);
    const counts: Record<string, number> = {
      erased: result.destroyed.length,
      alreadyDestroyed: found.filter((o) => o.piiState === 'destroyed').length,
      withoutBuyerData: found.filter((o) => o.piiState === 'absent').length,
      keysShredded: result.keysShredded,
      ...Object.fromEntries(copies.map(([holder, n]) => [`copies.${holder}`, n])),
    };
    const reason =
      `erasure at the buyer's request: ${result.destroyed.length} order(s) destroyed; data keys shredded: ${result.keysShredded}` +
      (copies.length ? `; copies destroyed: ${copies.map(([h, n]) => `${n} ${h}`).join(', ')}` : '');
    const orderIds = result.destroyed.map((d) => d.orderId);
    return { counts, entries: orderIds.length ? [{ action: 'pii.erased', orderIds, reason }] : [] };
  }
}

/** How the buyer was named, for the log: the kind (and marketplace), never the value. */
function subjectLabel(s: SubjectSelector): string {
  return s.kind === 'email' ? 'e-mail' : `${s.kind.replace(/_/g, ' ')} (${s.marketplace})`;
}

function encodeCursor(r: DataSubjectRequest): string {
  return Buffer.from(`${r.receivedAt.toISOString()}|${r.requestId}`).toString('base64url');
}

function decodeCursor(cursor: string): { receivedAt: Date; requestId: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const receivedAt = parseInstant(at ?? '');
  if (!id || !isUuid(id) || !receivedAt) {
    throw validationFailed('cursor is not one this API issued', [{ field: 'cursor', issue: 'invalid' }]);
  }
  return { receivedAt, requestId: id };
}
