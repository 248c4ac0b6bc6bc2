import { Injectable, OnModuleInit } from '@nestjs/common';
import type { Counter } from 'prom-client';
import { AuditLog, auditedBy } from '../audit';
import type { ActorContext } from '../auth';
import { OrdersService, type RevealedOrderView } from '../orders';
import { TransactionManager, type Tx } from '../platform/database/transaction-manager';
import { DomainError, ErrorCodes } from '../platform/errors/domain-error';
import { AppLogger } from '../platform/logging/app-logger';
import { MetricsRegistry } from '../platform/metrics/metrics-registry';
import { GrantsService } from './grants.service';
import {
  MAX_REASON,
  parseRevealAttempt,
  type RevealAttempt,
  type RevealInput,
  type SanitisedAttempt,
} from './reveal-input';

/** An admin may open buyer data without a grant only with a reason at least this long. */
export const BREAK_GLASS_MIN_REASON = 20;

export interface RevealRequest extends RevealAttempt {
  readonly tenantId: string;
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
      await this.recordDenial(by, r.tenantId, parsed.seen, parsed.error.message);
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
        const logging = this.appendOrRefuse(tx, by, r.tenantId, input, decision).then(() => (logged = true));
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
        await this.recordDenial(by, r.tenantId, input, why);
      }
      throw err;
    } finally {
      if (decision?.breakGlass) {
        this.breakGlassCounter.inc({ tenant_id: r.tenantId });
        this.logger.warn('ALERT break-glass reveal of buyer data', {
          staffId: by.actor.id,
          tenantId: r.tenantId,
          orderId: input.orderId,
          requestId: by.requestId,
        });
      }
    }
  }

  private async decide(tx: Tx, by: ActorContext, tenantId: string, r: RevealInput): Promise<Decision> {
    const p = by.actor;
    if (p.kind === 'seller') {
      if (p.tenantId !== tenantId || !p.scopes.includes('orders:read_pii'))
        throw new RevealDenied('this key may not reveal buyer data');
      return { breakGlass: false };
    }
    if (p.kind !== 'staff' || p.role === 'auditor') throw new RevealDenied('auditors never see buyer data');
    const grant = await this.grants.grantCovering(tx, tenantId, { staffId: p.id, role: p.role }, r.orderId);
    if (grant) return { grantId: grant.grantId, breakGlass: false };
    if (p.role === 'admin' && r.reason.length >= BREAK_GLASS_MIN_REASON) return { breakGlass: true };
    throw new RevealDenied(
      p.role === 'admin'
        ? `no grant covers this order; break-glass needs a reason of at least ${BREAK_GLASS_MIN_REASON} characters`
        : 'no active grant from this seller covers this order',
    );
  }

  /** Fail closed: an entry that cannot be written aborts the reveal. */
  private async appendOrRefuse(tx: Tx, by: ActorContext, tenantId: string, r: RevealInput, d: Decision): Promise<void> {
    try {
      await this.audit.append(tx, {
        tenantId,
        ...auditedBy(by),
        action: 'pii.revealed',
        targets: { orderIds: [r.orderId], ...(d.grantId ? { grantId: d.grantId } : {}) },
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
  private async recordDenial(by: ActorContext, tenantId: string, seen: SanitisedAttempt, why: string): Promise<void> {
    const suffix = ` [denied: ${why.slice(0, 200)}]`;
    const reason = seen.reason
      ? Array.from(seen.reason)
          .slice(0, MAX_REASON - suffix.length)
          .join('') + suffix
      : suffix.trim();
    try {
      await this.audit.record({
        tenantId,
        ...auditedBy(by),
        action: 'pii.revealed',
        targets: seen.orderId ? { orderIds: [seen.orderId] } : {},
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
