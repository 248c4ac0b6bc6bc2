import { Injectable, OnModuleInit } from '@nestjs/common';
import type { Counter } from 'prom-client';
import { AuditLog, auditedBy } from '../audit';
import type { ActorContext } from '../auth';
import { OrdersService, type RevealedOrderView, type SealedBatchItem } from '../orders';
import { TransactionManager, type Tx } from '../platform/database/transaction-manager';
import { DomainError, ErrorCodes } from '../platform/errors/domain-error';
import { AppLogger } from '../platform/logging/app-logger';
import { MetricsRegistry } from '../platform/metrics/metrics-registry';
import { GrantsService } from './grants.service';
import {
  MAX_REASON,
  parseBatchRevealAttempt,
  parseRevealAttempt,
  type BatchRevealAttempt,
  type RevealAttempt,
} from './reveal-input';

/** An admin may open buyer data without a grant only with a reason at least this long. */
export const BREAK_GLASS_MIN_REASON = 20;

export interface RevealRequest extends RevealAttempt {
  readonly tenantId: string;
}

export interface BatchRevealRequest extends BatchRevealAttempt {
  readonly tenantId: string;
}

/** One order of a batch: its buyer data, or why there is none (never an error for the whole batch). */
export type BatchRevealResult =
  | { readonly orderId: string; readonly outcome: 'revealed'; readonly order: RevealedOrderView }
  | { readonly orderId: string; readonly outcome: 'destroyed'; readonly piiDestroyedAt: string | null }
  | { readonly orderId: string; readonly outcome: 'no_buyer_data' }
  | { readonly orderId: string; readonly outcome: 'not_found' };

export interface BatchRevealResponse {
  /** One result per distinct order id, in the order they were named. */
  readonly results: BatchRevealResult[];
}

/** What an entry records of an attempt: the orders, the reason as it will be logged, the ticket. */
interface Attempted {
  readonly orderIds: readonly string[];
  readonly reason: string | null;
  readonly ticketRef: string | null;
}

interface Decision {
  readonly grantId?: string;
  readonly breakGlass: boolean;
}

/** Thrown inside the reveal transaction so it rolls back; recorded as a denial afterwards. */
class RevealDenied extends DomainError {
  constructor(message: string) {
    super(ErrorCodes.FORBIDDEN, message);
  }
}

/**
 * The only way to buyer data over the API. Who may: a seller key with
 * orders:read_pii for its own tenant; support or admin staff holding an active
 * grant from the seller that covers the order; an admin without a grant only by
 * break-glass (reason of at least 20 characters; flagged, counted, alerted).
 * Auditors never. The decision (grant locked against revocation), the opening
 * and the access-log entry happen in one transaction: if the entry cannot be
 * written, nothing is revealed. Every refused attempt is logged too, whatever
 * its input: a malformed reason or ticket is refused (400) with an entry of its
 * sanitised form, and so is an unknown order or a missing grant.
 */
@Injectable()
export class RevealService implements OnModuleInit {
  private breakGlassCounter!: Counter<'tenant_id'>;

  constructor(
    private readonly orders: OrdersService,
    private readonly grants: GrantsService,
    private readonly audit: AuditLog,
    private readonly tx: TransactionManager,
    private readonly metrics: MetricsRegistry,
    private readonly logger: AppLogger,
  ) {}

  onModuleInit(): void {
    this.breakGlassCounter = this.metrics.counter({
      name: 'ordervault_break_glass_reveals_total',
      help: 'Buyer data opened by an admin without a seller grant (each one is flagged in the access log)',
      labelNames: ['tenant_id'],
    });
  }

  async reveal(by: ActorContext, r: RevealRequest): Promise<RevealedOrderView> {
    const parsed = parseRevealAttempt(r);
    if (!parsed.ok) {
      await this.recordDenial(by, r.tenantId, singleAttempt(parsed.seen), parsed.error.message);
      throw parsed.error;
    }
    const input = parsed.input;
    let decision: Decision | undefined;
    let logged = false;
    try {
      return await this.tx.run(async (tx) => {
        decision = await this.decide(tx, by, r.tenantId, input);
        const sealed = await this.orders.sealedInTx(tx, r.tenantId, input.orderId);
        // The entry goes out first; the buyer data is decrypted while it is written. Both
        // commit together or not at all.
        const logging = this.appendOrRefuse(tx, by, r.tenantId, singleAttempt(input), decision).then(
          () => (logged = true),
        );
        let view: RevealedOrderView;
        try {
          view = sealed.open();
        } catch (err) {
          await logging.catch(() => undefined);
          throw err;
        }
        await logging;
        return view;
      });
    } catch (err) {
      // Whatever refused it (no grant, unknown order, a failure opening it), the attempt is an entry.
      // Only a failing access log itself cannot be recorded in that log; it is alerted instead.
      const why = err instanceof DomainError && err.code !== ErrorCodes.INTERNAL ? err.message : 'internal error';
      if (!(err instanceof DomainError && err.code === ErrorCodes.UNAVAILABLE) || logged) {
        await this.recordDenial(by, r.tenantId, singleAttempt(input), why);
      }
      throw err;
    } finally {
      if (decision?.breakGlass) this.alertBreakGlass(by, r.tenantId, [input.orderId]);
    }
  }

  /**
   * A reveal refused before it reached the decision (the console's reveal naming an access request that is not
   * one of the caller's approved ones): one denied entry like every other refused reveal, in the tenant's chain
   * when it is known, else the platform's.
   */
  async recordRefused(by: ActorContext, tenantId: string | null, attempt: RevealAttempt, why: string): Promise<void> {
    const parsed = parseRevealAttempt(attempt);
    await this.recordDenial(by, tenantId, singleAttempt(parsed.ok ? parsed.input : parsed.seen), why);
  }

  /**
   * A batch of up to 100 orders under one reason, for pull consumers: decided as a whole
   * (a seller key with orders:read_pii; staff only under one grant covering every order,
   * or an admin by break-glass), the orders locked FOR SHARE, and one access-log entry
   * naming the orders whose buyer data was opened, committed with the answer. Orders
   * whose buyer data was destroyed, never received or that do not exist are answered as
   * such, each in its place; they do not fail the batch. Every refusal is an entry too.
   */
  async revealBatch(by: ActorContext, r: BatchRevealRequest): Promise<BatchRevealResponse> {
    const parsed = parseBatchRevealAttempt(r);
    if (!parsed.ok) {
      await this.recordDenial(by, r.tenantId, parsed.seen, parsed.error.message);
      throw parsed.error;
    }
    const input = parsed.input;
    let decision: Decision | undefined;
    let logged = false;
    try {
      return await this.tx.run(async (tx) => {
        decision = await this.decide(tx, by, r.tenantId, input);
        const items = await this.orders.sealedManyInTx(tx, r.tenantId, input.orderIds);
        const revealed = input.orderIds.filter((id) => items.get(id)?.state === 'present');
        const entry: Attempted = {
          orderIds: revealed,
          reason: withSuffix(input.reason, batchSummary(input.orderIds, items)),
          ticketRef: input.ticketRef,
        };
        const logging = this.appendOrRefuse(tx, by, r.tenantId, entry, decision).then(() => (logged = true));
        let results: BatchRevealResult[];
        try {
          results = input.orderIds.map((orderId): BatchRevealResult => {
            const item = items.get(orderId);
            if (!item) return { orderId, outcome: 'not_found' };
            if (item.state === 'destroyed')
              return { orderId, outcome: 'destroyed', piiDestroyedAt: item.destroyedAt?.toISOString() ?? null };
            if (item.state === 'absent') return { orderId, outcome: 'no_buyer_data' };
            return { orderId, outcome: 'revealed', order: item.open() };
          });
        } catch (err) {
          await logging.catch(() => undefined);
          throw err;
        }
        await logging;
        return { results };
      });
    } catch (err) {
      const why = err instanceof DomainError && err.code !== ErrorCodes.INTERNAL ? err.message : 'internal error';
      if (!(err instanceof DomainError && err.code === ErrorCodes.UNAVAILABLE) || logged) {
        await this.recordDenial(by, r.tenantId, input, why);
      }
      throw err;
    } finally {
      if (decision?.breakGlass) this.alertBreakGlass(by, r.tenantId, input.orderIds);
    }
  }

  private alertBreakGlass(by: ActorContext, tenantId: string, orderIds: readonly string[]): void {
    this.breakGlassCounter.inc({ tenant_id: tenantId });
    this.logger.warn('ALERT break-glass reveal of buyer data', {
      staffId: by.actor.id,
      tenantId,
      ...(orderIds.length === 1 ? { orderId: orderIds[0] } : { orderIds }),
      requestId: by.requestId,
    });
  }

  /** Who may open these orders: all of them or none (a batch is recorded under one decision). */
  private async decide(
    tx: Tx,
    by: ActorContext,
    tenantId: string,
    r:
      | { readonly orderIds: readonly string[]; readonly reason: string }
      | { readonly orderId: string; readonly reason: string },
  ): Promise<Decision> {
    const orderIds = 'orderIds' in r ? r.orderIds : [r.orderId];
    const p = by.actor;
    if (p.kind === 'seller') {
      if (p.tenantId !== tenantId || !p.scopes.includes('orders:read_pii'))
        throw new RevealDenied('this key may not reveal buyer data');
      return { breakGlass: false };
    }
    if (p.kind !== 'staff' || p.role === 'auditor') throw new RevealDenied('auditors never see buyer data');
    const grant = await this.grants.grantCoveringAll(tx, tenantId, { staffId: p.id, role: p.role }, orderIds);
    if (grant) return { grantId: grant.grantId, breakGlass: false };
    if (p.role === 'admin' && r.reason.length >= BREAK_GLASS_MIN_REASON) return { breakGlass: true };
    throw new RevealDenied(
      p.role === 'admin'
        ? `no grant covers ${orderIds.length === 1 ? 'this order' : 'every order of this batch'}; break-glass needs a reason of at least ${BREAK_GLASS_MIN_REASON} characters`
        : `no active grant from this seller covers ${orderIds.length === 1 ? 'this order' : 'every order of this batch'}`,
    );
  }

  /** Fail closed: an entry that cannot be written aborts the reveal. */
  private async appendOrRefuse(tx: Tx, by: ActorContext, tenantId: string, r: Attempted, d: Decision): Promise<void> {
    try {
      await this.audit.append(tx, {
        tenantId,
        ...auditedBy(by),
        action: 'pii.revealed',
        targets: { orderIds: [...r.orderIds], ...(d.grantId ? { grantId: d.grantId } : {}) },
        reason: r.reason,
        ticketRef: r.ticketRef,
        outcome: 'allowed',
        breakGlass: d.breakGlass,
      });
    } catch (err) {
      this.logger.error('access log write failed; reveal refused', { tenantId, requestId: by.requestId, err });
      throw new DomainError(ErrorCodes.UNAVAILABLE, 'the access log cannot be written; buyer data stays sealed', [], {
        cause: err,
      });
    }
  }

  /** A refused attempt, in its own transaction (the attempt's rolled back). The reason keeps why it was refused. */
  private async recordDenial(by: ActorContext, tenantId: string | null, seen: Attempted, why: string): Promise<void> {
    const reason = withSuffix(seen.reason, `[denied: ${why.slice(0, 200)}]`);
    try {
      await this.audit.record({
        tenantId,
        ...auditedBy(by),
        action: 'pii.revealed',
        targets: seen.orderIds.length ? { orderIds: [...seen.orderIds] } : {},
        reason,
        ticketRef: seen.ticketRef,
        outcome: 'denied',
      });
    } catch (err) {
      // Only reachable when the log itself cannot be written (its input is sanitised above).
      this.logger.error('could not record a refused reveal', { tenantId, requestId: by.requestId, err });
      throw new DomainError(ErrorCodes.UNAVAILABLE, 'the access log cannot be written; buyer data stays sealed', [], {
        cause: err,
      });
    }
  }
}

/** A single reveal's attempt in the shape entries take. */
function singleAttempt(a: { orderId: string | null; reason: string | null; ticketRef: string | null }): Attempted {
  return { orderIds: a.orderId ? [a.orderId] : [], reason: a.reason, ticketRef: a.ticketRef };
}

/** The caller's reason, cut (by code points) so that a bracketed note we add still fits in 500 characters. */
function withSuffix(reason: string | null, note: string): string {
  if (!reason) return note;
  return (
    Array.from(reason)
      .slice(0, MAX_REASON - note.length - 1)
      .join('') + ` ${note}`
  );
}

/** What a batch entry says beside its reason: how many orders of each outcome, so an auditor sees the whole request. */
function batchSummary(orderIds: readonly string[], items: Map<string, SealedBatchItem>): string {
  const count = (pred: (i: SealedBatchItem | undefined) => boolean) =>
    orderIds.filter((id) => pred(items.get(id))).length;
  const parts = [
    `${count((i) => i?.state === 'present')} revealed`,
    `${count((i) => i?.state === 'destroyed')} destroyed`,
    `${count((i) => i?.state === 'absent')} without buyer data`,
    `${count((i) => i === undefined)} not found`,
  ];
  return `[batch of ${orderIds.length}: ${parts.join(', ')}]`;
}
