import { Injectable, OnModuleInit } from '@nestjs/common';
import type { Counter } from 'prom-client';
import { AuditLog, auditedBy } from '../audit';
import type { ActorContext } from '../auth';
import { OrdersService, type RevealedOrderView } from '../orders';
import { TransactionManager, type Tx } from '../platform/database/transaction-manager';
import { DomainError, ErrorCodes, validationFailed } from '../platform/errors/domain-error';
import { AppLogger } from '../platform/logging/app-logger';
import { MetricsRegistry } from '../platform/metrics/metrics-registry';
import { GrantsService } from './grants.service';

/** An admin may open buyer data without a grant only with a reason at least this long. */
export const BREAK_GLASS_MIN_REASON = 20;
export const MAX_REASON = 500;

export interface RevealRequest {
  readonly tenantId: string;
  readonly orderId: string;
  /** X-Access-Reason: why this person needs this buyer's data now. */
  readonly reason: string | undefined;
  readonly ticketRef?: string | null;
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
 * written, nothing is revealed. Refusals are logged too.
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
    const reason = r.reason?.trim() ?? '';
    if (!reason) {
      throw validationFailed('X-Access-Reason header is required to reveal buyer data', [
        { field: 'X-Access-Reason', issue: 'required' },
      ]);
    }
    if (reason.length > MAX_REASON) {
      throw validationFailed(`X-Access-Reason is limited to ${MAX_REASON} characters`, [
        { field: 'X-Access-Reason', issue: 'length' },
      ]);
    }
    let decision: Decision | undefined;
    try {
      return await this.tx.run(async (tx) => {
        decision = await this.decide(tx, by, r, reason);
        const sealed = await this.orders.sealedInTx(tx, r.tenantId, r.orderId);
        // The entry goes out first; the buyer data is decrypted while it is written. Both
        // commit together or not at all.
        const logging = this.appendOrRefuse(tx, by, r, reason, decision);
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
      if (err instanceof RevealDenied) await this.recordDenial(by, r, reason, err.message);
      throw err;
    } finally {
      if (decision?.breakGlass) {
        this.breakGlassCounter.inc({ tenant_id: r.tenantId });
        this.logger.warn('ALERT break-glass reveal of buyer data', {
          staffId: by.actor.id,
          tenantId: r.tenantId,
          orderId: r.orderId,
          requestId: by.requestId,
        });
      }
    }
  }

  private async decide(tx: Tx, by: ActorContext, r: RevealRequest, reason: string): Promise<Decision> {
    const p = by.actor;
    if (p.kind === 'seller') {
      if (p.tenantId !== r.tenantId || !p.scopes.includes('orders:read_pii'))
        throw new RevealDenied('this key may not reveal buyer data');
      return { breakGlass: false };
    }
    if (p.kind !== 'staff' || p.role === 'auditor') throw new RevealDenied('auditors never see buyer data');
    const grant = await this.grants.grantCovering(tx, r.tenantId, { staffId: p.id, role: p.role }, r.orderId);
    if (grant) return { grantId: grant.grantId, breakGlass: false };
    if (p.role === 'admin' && reason.length >= BREAK_GLASS_MIN_REASON) return { breakGlass: true };
    throw new RevealDenied(
      p.role === 'admin'
        ? `no grant covers this order; break-glass needs a reason of at least ${BREAK_GLASS_MIN_REASON} characters`
        : 'no active grant from this seller covers this order',
    );
  }

  /** Fail closed: an entry that cannot be written aborts the reveal. */
  private async appendOrRefuse(tx: Tx, by: ActorContext, r: RevealRequest, reason: string, d: Decision): Promise<void> {
    try {
      await this.audit.append(tx, {
        tenantId: r.tenantId,
        ...auditedBy(by),
        action: 'pii.revealed',
        targets: { orderIds: [r.orderId], ...(d.grantId ? { grantId: d.grantId } : {}) },
        reason,
        ticketRef: r.ticketRef ?? null,
        outcome: 'allowed',
        breakGlass: d.breakGlass,
      });
    } catch (err) {
      this.logger.error('access log write failed; reveal refused', {
        tenantId: r.tenantId,
        requestId: by.requestId,
        err,
      });
      throw new DomainError(ErrorCodes.UNAVAILABLE, 'the access log cannot be written; buyer data stays sealed', [], {
        cause: err,
      });
    }
  }

  private async recordDenial(by: ActorContext, r: RevealRequest, reason: string, why: string): Promise<void> {
    await this.audit
      .record({
        tenantId: r.tenantId,
        ...auditedBy(by),
        action: 'pii.revealed',
        targets: { orderIds: [r.orderId] },
        reason: `${reason} [denied: ${why}]`.slice(0, MAX_REASON),
        ticketRef: r.ticketRef ?? null,
        outcome: 'denied',
      })
      .catch((err: unknown) => this.logger.error('could not record a refused reveal', { err }));
  }
}
