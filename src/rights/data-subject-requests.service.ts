import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AuditLog, AuditQueryService, MAX_ORDER_IDS, auditedBy } from '../audit';
import type { ActorContext } from '../auth';
import { DataKeyService } from '../crypto';
import { DeliveriesService, type OrderForwarding } from '../delivery/dispatch/deliveries.service';
import {
  correctedPaths,
  OrdersService,
  PiiDestructionService,
  PiiRectificationService,
  type PiiCorrections,
  SubjectOrdersService,
  type SubjectOrderExport,
  type SubjectOrderRef,
  type SubjectSelector,
} from '../orders';
import { Clock } from '../platform/clock/clock';
import { TransactionManager, type Tx } from '../platform/database/transaction-manager';
import { JobQueue } from '../platform/jobs/job-queue';
import { DomainError, ErrorCodes, notFound, validationFailed } from '../platform/errors/domain-error';
import { parseInstant } from '../platform/validation/instant';
import { isUuid } from '../platform/validation/uuid';
import { LegalHoldsService } from '../retention';
import type { DataSubjectRequest } from './data-subject-request.entity';
import type { DsrType } from './dsr-types';
import {
  toDataSubjectRequestView,
  type DataSubjectRequestPage,
  type DataSubjectRequestView,
} from './data-subject-request.mapper';
import { DataSubjectRequestsRepository } from './data-subject-requests.repository';
import { DsrBackgroundWorker, DSR_BACKGROUND_QUEUE, DSR_CORRECTIONS_PURPOSE } from './dsr-background.worker';

/**
 * Erasures and rectifications are answered within the call up to this many orders; a larger one is
 * answered in the background (DsrBackgroundWorker, progress on the request). Access and portability are
 * answered in the call at any size taken (receiving them only counts; the export is built at download).
 */
export const MAX_ORDERS_PER_REQUEST = 500;
/**
 * The most orders any request takes: every id is recorded on the request and named by its `dsr.requested`
 * entry, which holds at most this many (the access log's limit per entry). A larger one is refused (412).
 */
export const MAX_ORDERS_IN_BACKGROUND = MAX_ORDER_IDS;

/** How long an access or portability export stays downloadable (once). */
export const EXPORT_AVAILABLE_DAYS = 7;
const DAY_MS = 86_400_000;
/** Access-log actions of an order an export lists: who saw, forwarded, exported, corrected or erased its buyer data. */
const DISCLOSURES = new Set(['pii.revealed', 'pii.forwarded', 'pii.exported', 'pii.rectified', 'pii.erased']);
/** The newest entries per order an export lists. */
const MAX_ENTRIES_PER_ORDER = 500;

/** The one download of an access or portability request. Buyer data: never logged. */
export interface DataSubjectExport {
  format: 'ordervault.data-subject-export/1';
  generatedAt: string;
  request: { id: string; type: string; receivedAt: string; subject: { kind: string; marketplace: string | null } };
  orders: Array<
    SubjectOrderExport & {
      /** Each webhook delivery of the order: to which endpoint, which event and version, when, and how it ended. */
      deliveries: OrderForwarding[];
      /** Allowed accesses to this order's buyer data from the access log, newest first. */
      accessLog: Array<{
        at: string;
        action: string;
        actor: { kind: string; role: string | null };
        reason: string | null;
        breakGlass: boolean;
      }>;
    }
  >;
  /** How to read `events` and `deliveries`. */
  forwarding: string;
}
/** A request as the controller parsed it: every field already a domain value. */
export interface DataSubjectRequestInput {
  readonly type: DsrType;
  readonly subject: SubjectSelector;
  /** Rectify only: the corrected fields. */
  readonly corrections: PiiCorrections | null;
  readonly reference: string | null;
}

/** What answering a request of one type did, for the row and its receipts. */
interface Answer {
  readonly counts: Record<string, number>;
  readonly exportExpiresAt?: Date;
  readonly correctedFields?: string[];
  readonly heldOrderIds?: string[];
  /** A background rectification's corrected values, sealed under the request's own data key. */
  readonly correctionsCiphertext?: Buffer;
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
    private readonly orders: OrdersService,
    private readonly rectification: PiiRectificationService,
    private readonly audit: AuditLog,
    private readonly auditQuery: AuditQueryService,
    private readonly clock: Clock,
    private readonly holds: LegalHoldsService,
    private readonly jobs: JobQueue,
    private readonly background: DsrBackgroundWorker,
    private readonly dataKeys: DataKeyService,
    private readonly deliveries: DeliveriesService,
  ) {}

  async create(by: ActorContext, tenantId: string, input: DataSubjectRequestInput): Promise<DataSubjectRequestView> {
    let background = false;
    const row = await this.transactions.run(async (tx) => {
      const receivedAt = this.clock.now();
      const lock = input.type === 'erase' || input.type === 'rectify' ? 'update' : 'share';
      const found = await this.subjects.find(tx, tenantId, input.subject, {
        lock,
        limit: MAX_ORDERS_IN_BACKGROUND + 1,
      });
      if (found.length > MAX_ORDERS_IN_BACKGROUND) {
        throw new DomainError(
          ErrorCodes.PRECONDITION_FAILED,
          `this buyer has more than ${MAX_ORDERS_IN_BACKGROUND} orders: a request that large is not taken; ` +
            'name the orders one by one (subject.marketplaceOrderId)',
        );
      }
      const requestId = randomUUID();
      background = found.length > MAX_ORDERS_PER_REQUEST && (input.type === 'erase' || input.type === 'rectify');
      const answer = background
        ? await this.queued(tx, tenantId, requestId, input, found)
        : await this.answer(tx, tenantId, input, found);
      const now = this.clock.now();
      const actor = auditedBy(by).actor;
      const saved = await this.requests.insert(tx, {
        tenantId,
        requestId,
        type: input.type,
        subjectKind: input.subject.kind,
        subjectMarketplace: input.subject.kind === 'email' ? null : input.subject.marketplace,
        status: background ? 'running' : 'completed',
        actorKind: actor.kind,
        actorId: actor.id,
        actorKeyId: actor.keyId ?? null,
        reference: input.reference,
        orderIds: found.map((o) => o.orderId),
        counts: { ordersFound: found.length, ...answer.counts },
        correctedFields: answer.correctedFields ?? [],
        heldOrderIds: answer.heldOrderIds ?? [],
        receivedAt,
        completedAt: background ? null : now,
        exportExpiresAt: answer.exportExpiresAt ?? null,
        exportedAt: null,
        correctionsCiphertext: answer.correctionsCiphertext ?? null,
        failure: null,
      });
      // The job names the request only: the buyer is found again through the ids recorded on it.
      if (background) {
        await this.jobs.enqueue(DSR_BACKGROUND_QUEUE, requestId, { tenantId, payload: { requestId } }, tx);
      }
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
    if (background) this.background.kick();
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
   * The export of an access or portability request, generated now from what is held (nothing of it is
   * stored, sealed or otherwise) and handed out once: the request is marked downloaded and a
   * `pii.exported` entry names its orders, in the same transaction. A second download, or one after
   * the export's availability, is 410 gone: make a new request.
   */
  async downloadExport(by: ActorContext, tenantId: string, requestId: string): Promise<DataSubjectExport> {
    const seen = await this.load(tenantId, requestId);
    if (seen.type !== 'access' && seen.type !== 'portability') {
      throw new DomainError(ErrorCodes.PRECONDITION_FAILED, `a ${seen.type} request has no export`);
    }
    this.assertDownloadable(seen);
    // Read before the transaction: the access log's own reads do not run in it.
    const history = await this.accessHistory(tenantId, seen.orderIds);
    return this.transactions.run(async (tx) => {
      const row = await this.requests.findForUpdate(tx, tenantId, seen.requestId);
      if (!row) throw notFound('data-subject request');
      this.assertDownloadable(row);
      const orders = await this.orders.subjectExportInTx(tx, tenantId, row.orderIds);
      const forwarded = await this.deliveries.forwardingOf(tx, tenantId, row.orderIds);
      const now = this.clock.now();
      await this.requests.markExported(tx, tenantId, row.requestId, now);
      const opened = orders.filter((o) => o.order.buyer.pii === 'revealed').length;
      await this.audit.append(tx, {
        tenantId,
        ...auditedBy(by),
        action: 'pii.exported',
        targets: { dsrId: row.requestId, orderIds: orders.map((o) => o.order.orderId) },
        reason: `${row.type} export downloaded: ${orders.length} order(s), ${opened} with buyer data`,
        ticketRef: row.reference,
        outcome: 'allowed',
      });
      return {
        format: 'ordervault.data-subject-export/1',
        generatedAt: now.toISOString(),
        request: {
          id: row.requestId,
          type: row.type,
          receivedAt: row.receivedAt.toISOString(),
          subject: { kind: row.subjectKind, marketplace: row.subjectMarketplace },
        },
        orders: orders.map((o) => ({
          ...o,
          deliveries: forwarded.get(o.order.orderId) ?? [],
          accessLog: history.get(o.order.orderId) ?? [],
        })),
        forwarding:
          'events lists every event queued for the order (occurredAt) and when it was handed to delivery (dispatchedAt); ' +
          'deliveries lists each webhook delivery of it: endpoint and its URL, event type and order version, status, ' +
          'attempts, when it was queued, last tried and taken by the receiver (deliveredAt); finished deliveries are ' +
          'kept for the outbox retention period, and the access log (accessLog, pii.forwarded) keeps the rest',
      };
    });
  }

  private assertDownloadable(row: DataSubjectRequest): void {
    if (row.exportedAt) {
      throw new DomainError(
        ErrorCodes.GONE,
        `this export was downloaded on ${row.exportedAt.toISOString()} and is not kept: make a new request`,
      );
    }
    if (!row.exportExpiresAt || row.exportExpiresAt.getTime() <= this.clock.nowMs()) {
      throw new DomainError(ErrorCodes.GONE, 'this export is no longer available: make a new request');
    }
  }

  /** Allowed disclosures of each order's buyer data, from the tenant's access log, newest first. */
  private async accessHistory(tenantId: string, orderIds: readonly string[]) {
    const out = new Map<string, DataSubjectExport['orders'][number]['accessLog']>();
    for (const orderId of orderIds) {
      const page = await this.auditQuery.list(
        { kind: 'tenant', tenantId },
        { tenantId, orderId, outcome: 'allowed', limit: MAX_ENTRIES_PER_ORDER },
      );
      out.set(
        orderId,
        page.items
          .filter((e) => DISCLOSURES.has(e.action))
          .map((e) => ({
            at: e.occurredAt,
            action: e.action,
            actor: { kind: e.actor.kind, role: e.actor.role },
            reason: e.reason,
            breakGlass: e.breakGlass,
          })),
      );
    }
    return out;
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

  /**
   * A large erasure or rectification as received: nothing done yet, progress counted by the background job.
   * A rectification's corrected values are buyer data: never in the job's payload, sealed on the request
   * under a data key of its own (subject: the request id) that the job destroys when it completes.
   */
  private async queued(
    tx: Tx,
    tenantId: string,
    requestId: string,
    input: DataSubjectRequestInput,
    found: readonly SubjectOrderRef[],
  ): Promise<Answer> {
    if (input.type !== 'rectify') {
      return {
        counts: {
          processed: 0,
          erased: 0,
          alreadyDestroyed: found.filter((o) => o.piiState === 'destroyed').length,
          withoutBuyerData: found.filter((o) => o.piiState === 'absent').length,
          heldByLegalHold: 0,
          keysShredded: 0,
        },
        entries: [],
      };
    }
    if (!input.corrections) throw validationFailed('a rectify request names the corrected fields');
    const keys = await this.dataKeys.createDataKeys(tx, tenantId, [
      { subjectId: requestId, purpose: DSR_CORRECTIONS_PURPOSE },
    ]);
    return {
      counts: { processed: 0, rectified: 0, withoutBuyerData: 0 },
      correctedFields: correctedPaths(input.corrections),
      correctionsCiphertext: keys.get(requestId)!.sealJson(DSR_CORRECTIONS_PURPOSE, input.corrections),
      entries: [],
    };
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
      case 'rectify':
        return this.rectify(tx, tenantId, input, found);
      case 'access':
      case 'portability':
        return {
          counts: {
            withBuyerData: found.filter((o) => o.piiState === 'present').length,
            buyerDataDestroyed: found.filter((o) => o.piiState === 'destroyed').length,
            withoutBuyerData: found.filter((o) => o.piiState === 'absent').length,
          },
          exportExpiresAt: new Date(this.clock.nowMs() + EXPORT_AVAILABLE_DAYS * DAY_MS),
          entries: [],
        };
    }
  }

  /**
   * Rectification: each order still holding buyer data is corrected and sealed again, its corrected
   * fields become overrides the next marketplace sync respects, and an `order.updated` is queued.
   */
  private async rectify(
    tx: Tx,
    tenantId: string,
    input: DataSubjectRequestInput,
    found: readonly SubjectOrderRef[],
  ): Promise<Answer> {
    if (!input.corrections) throw validationFailed('a rectify request names the corrected fields');
    const result = await this.rectification.rectify(
      tx,
      tenantId,
      found.map((o) => o.orderId),
      input.corrections,
      this.clock.now(),
    );
    return {
      counts: { rectified: result.rectified.length, withoutBuyerData: result.skipped.length },
      correctedFields: result.fields,
      entries: result.rectified.length
        ? [
            {
              action: 'pii.rectified',
              orderIds: result.rectified,
              reason: `rectification at the buyer's request: ${result.rectified.length} order(s), fields ${result.fields.join(', ')}`,
            },
          ]
        : [],
    };
  }

  /**
   * Erasure through the one destruction step retention uses (orders/): data keys shredded, ciphertext,
   * blind indexes and buyer digest cleared, `order.pii_destroyed` queued, every registered copy destroyed.
   * The row stays as a tombstone (`destroyed`): a later sync serving the order again stores no buyer data.
   * Orders already destroyed are counted, not touched again, so a repeated request is harmless.
   * Orders under an active legal hold are kept and reported (`heldOrderIds`, `heldByLegalHold`): the right
   * to erasure does not apply to data needed for legal claims (GDPR Art. 17(3)(e)). Holds are read under the
   * shared lock retention sweeps take, so a hold placed meanwhile is either seen here or placed after.
   */
  private async erase(tx: Tx, tenantId: string, found: readonly SubjectOrderRef[]): Promise<Answer> {
    const holds = await this.holds.heldForSweep(tx, tenantId, this.clock.now());
    const heldIds = new Set(holds.orderIds);
    const isHeld = (o: SubjectOrderRef) => holds.wholeTenant || heldIds.has(o.orderId);
    const present = found.filter((o) => o.piiState === 'present');
    const held = present.filter(isHeld);
    const result = await this.destruction.destroy(
      tx,
      tenantId,
      present.filter((o) => !isHeld(o)),
      this.clock.now(),
      'erasure',
    );
    const copies = Object.entries(result.copies).filter(([, n]) => n > 0);
    const counts: Record<string, number> = {
      erased: result.destroyed.length,
      alreadyDestroyed: found.filter((o) => o.piiState === 'destroyed').length,
      withoutBuyerData: found.filter((o) => o.piiState === 'absent').length,
      heldByLegalHold: held.length,
      keysShredded: result.keysShredded,
      ...Object.fromEntries(copies.map(([holder, n]) => [`copies.${holder}`, n])),
    };
    const reason =
      `erasure at the buyer's request: ${result.destroyed.length} order(s) destroyed; data keys shredded: ${result.keysShredded}` +
      (copies.length ? `; copies destroyed: ${copies.map(([h, n]) => `${n} ${h}`).join(', ')}` : '') +
      (held.length ? `; ${held.length} order(s) kept under legal hold (GDPR Art. 17(3)(e))` : '');
    const orderIds = result.destroyed.map((d) => d.orderId);
    return {
      counts,
      heldOrderIds: held.map((o) => o.orderId),
      entries: orderIds.length ? [{ action: 'pii.erased', orderIds, reason }] : [],
    };
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
