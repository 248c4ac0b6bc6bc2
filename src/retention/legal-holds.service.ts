import { Injectable } from '@nestjs/common';
import { AuditLog, auditedBy } from '../audit';
import type { ActorContext } from '../auth';
import { OrdersService } from '../orders';
import { Clock } from '../platform/clock/clock';
import { TransactionManager, type Tx } from '../platform/database/transaction-manager';
import { DomainError, ErrorCodes, notFound, validationFailed, type ErrorDetail } from '../platform/errors/domain-error';
import { isCleanText } from '../platform/validation/text';
import type { LegalHold } from './legal-hold.entity';
import { holdStatus, toLegalHoldView, type LegalHoldView } from './legal-hold.mapper';
import { LegalHoldsRepository, type TenantHolds } from './legal-holds.repository';

/** Longest a hold lasts before it must be renewed. */
export const MAX_HOLD_DAYS = 365;
export const MAX_HOLD_REASON = 300;
export const MAX_HOLD_REQUESTER = 100;
const DAY_MS = 86_400_000;

export interface NewLegalHold {
  /** Omitted or null: every order of the tenant. */
  readonly orderIds?: readonly string[] | null;
  readonly reason: string;
  readonly requester: string;
  readonly expiresAt: Date;
}

export type { TenantHolds } from './legal-holds.repository';

/**
 * Legal holds: while one is active, the sweep destroys nothing it covers (buyer data, and order records when
 * they expire). Placing, renewing and releasing are access-log entries (`legal_hold.placed`,
 * `legal_hold.released`) committed with the change. When a hold ends (released, or past its expiry) the
 * orders it kept are due again and go in the next sweep.
 */
@Injectable()
export class LegalHoldsService {
  constructor(
    private readonly holds: LegalHoldsRepository,
    private readonly orders: OrdersService,
    private readonly transactions: TransactionManager,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  async place(by: ActorContext, tenantId: string, input: NewLegalHold): Promise<LegalHoldView> {
    const now = this.clock.now();
    const problems: ErrorDetail[] = [];
    checkText(input.reason, 'reason', MAX_HOLD_REASON, problems);
    checkText(input.requester, 'requester', MAX_HOLD_REQUESTER, problems);
    checkExpiry(input.expiresAt, now, problems);
    const orderIds = input.orderIds ? [...new Set(input.orderIds.map((id) => id.toLowerCase()))] : null;
    if (orderIds && !orderIds.length) {
      problems.push({ field: 'orderIds', issue: 'omit to hold every order of the tenant, or list at least one' });
    }
    if (problems.length)
      throw validationFailed(`legal hold refused: ${problems[0].field} ${problems[0].issue}`, problems);
    if (orderIds) {
      // A hold on an id that is no order of this tenant would protect nothing: refused, naming how many.
      const known = await this.orders.existingIds(tenantId, orderIds);
      const unknown = orderIds.filter((id) => !known.has(id));
      if (unknown.length) {
        throw validationFailed(`legal hold refused: ${unknown.length} of the order ids are not orders of this seller`, [
          { field: 'orderIds', issue: 'unknown order ids' },
        ]);
      }
    }
    return this.transactions.run(async (tx) => {
      await this.holds.lockForChange(tx, tenantId);
      const hold = await this.holds.insert(tx, {
        tenantId,
        orderIds,
        reason: input.reason.trim(),
        requester: input.requester.trim(),
        placedBy: by.actor.id,
        placedAt: now,
        expiresAt: input.expiresAt,
        renewedAt: null,
        releasedAt: null,
        releasedBy: null,
      });
      await this.log(tx, by, hold, 'legal_hold.placed', `placed until ${hold.expiresAt.toISOString()}`);
      return toLegalHoldView(hold, now);
    });
  }

  /** A new expiry for an active hold (at most a year from now), logged as a placement. */
  async renew(by: ActorContext, tenantId: string, holdId: string, expiresAt: Date): Promise<LegalHoldView> {
    const now = this.clock.now();
    const problems: ErrorDetail[] = [];
    checkExpiry(expiresAt, now, problems);
    if (problems.length) throw validationFailed(`renewal refused: ${problems[0].field} ${problems[0].issue}`, problems);
    return this.transactions.run(async (tx) => {
      await this.holds.lockForChange(tx, tenantId);
      const hold = await this.activeHold(tx, tenantId, holdId, now);
      await this.holds.renew(tx, tenantId, holdId, expiresAt, now);
      const renewed = (await this.holds.findOne(tenantId, holdId, tx))!;
      await this.log(
        tx,
        by,
        renewed,
        'legal_hold.placed',
        `renewed until ${expiresAt.toISOString()} (was ${hold.expiresAt.toISOString()})`,
      );
      return toLegalHoldView(renewed, now);
    });
  }

  async release(by: ActorContext, tenantId: string, holdId: string): Promise<LegalHoldView> {
    const now = this.clock.now();
    return this.transactions.run(async (tx) => {
      await this.holds.lockForChange(tx, tenantId);
      await this.activeHold(tx, tenantId, holdId, now);
      await this.holds.release(tx, tenantId, holdId, by.actor.id, now);
      const released = (await this.holds.findOne(tenantId, holdId, tx))!;
      await this.log(tx, by, released, 'legal_hold.released', 'released: what it kept is due again');
      return toLegalHoldView(released, now);
    });
  }

  async list(tenantId: string): Promise<LegalHoldView[]> {
    const now = this.clock.now();
    return (await this.holds.list(tenantId)).map((h) => toLegalHoldView(h, now));
  }

  async get(tenantId: string, holdId: string): Promise<LegalHoldView> {
    const hold = await this.holds.findOne(tenantId, holdId);
    if (!hold) throw notFound('legal hold');
    return toLegalHoldView(hold, this.clock.now());
  }

  /** What is held at `at`, read in the sweep's batch transaction after the shared lock (see the repository). */
  async heldForSweep(tx: Tx, tenantId: string, at: Date): Promise<TenantHolds> {
    await this.holds.lockForSweep(tx, tenantId);
    return this.holds.activeAt(tenantId, at, tx);
  }

  /** What is held at `at` (previews and status; no lock). */
  heldAt(tenantId: string, at: Date, tx?: Tx): Promise<TenantHolds> {
    return this.holds.activeAt(tenantId, at, tx);
  }

  allActive(at: Date) {
    return this.holds.allActive(at);
  }

  private async activeHold(tx: Tx, tenantId: string, holdId: string, now: Date): Promise<LegalHold> {
    const hold = await this.holds.findOne(tenantId, holdId, tx);
    if (!hold) throw notFound('legal hold');
    const status = holdStatus(hold, now);
    if (status !== 'active') throw new DomainError(ErrorCodes.CONFLICT, `legal hold is ${status}`);
    return hold;
  }

  private log(
    tx: Tx,
    by: ActorContext,
    hold: LegalHold,
    action: 'legal_hold.placed' | 'legal_hold.released',
    what: string,
  ): Promise<unknown> {
    const scope = hold.orderIds ? `${hold.orderIds.length} order(s)` : 'every order of the seller';
    return this.audit.append(tx, {
      tenantId: hold.tenantId,
      ...auditedBy(by),
      action,
      targets: { holdId: hold.holdId, ...(hold.orderIds ? { orderIds: hold.orderIds } : {}) },
      reason: `legal hold on ${scope} ${what}; requested by ${hold.requester}: ${hold.reason}`.slice(0, 500),
      outcome: 'allowed',
    });
  }
}

function checkText(value: string, field: string, max: number, problems: ErrorDetail[]): void {
  const v = typeof value === 'string' ? value.trim() : '';
  if (!v || v.length > max || !isCleanText(v)) problems.push({ field, issue: `1 to ${max} printable characters` });
}

function checkExpiry(expiresAt: Date, now: Date, problems: ErrorDetail[]): void {
  const t = expiresAt.getTime();
  if (!(t > now.getTime()) || t > now.getTime() + MAX_HOLD_DAYS * DAY_MS) {
    problems.push({
      field: 'expiresAt',
      issue: `must be in the future and at most ${MAX_HOLD_DAYS} days away (renew to extend)`,
    });
  }
}
