import { Injectable } from '@nestjs/common';
import { AuditLog, auditedBy } from '../../audit';
import { systemActor, type ActorContext, type Principal } from '../../auth';
import { Clock } from '../../platform/clock/clock';
import { TransactionManager, type Tx } from '../../platform/database/transaction-manager';
import { conflict, DomainError, ErrorCodes, notFound, validationFailed } from '../../platform/errors/domain-error';
import { isCleanText } from '../../platform/validation/text';
import { isUuid } from '../../platform/validation/uuid';
import { TenantsService } from '../../tenants';
import { GrantsService } from '../grants.service';
import type { AccessRequest } from './access-request.entity';
import type { AccessRequestStatus, RequestedAccess } from './access-request-scope';
import { accessRequestView, type AccessRequestView } from './access-request.mapper';
import {
  DEFAULT_REQUEST_HOURS,
  MAX_REQUEST_HOURS,
  narrowedScope,
  PENDING_HOURS,
  type Narrowing,
} from './access-request-scope';
import { AccessRequestsRepository, type RequestsOf } from './access-requests.repository';

export const MAX_REQUEST_REASON = 500;
export const MAX_TICKET_REF = 100;
const HOUR_MS = 3_600_000;
/** Overdue requests expired per pass (each pass runs before a read or an answer). */
const EXPIRY_BATCH = 100;

export interface NewAccessRequest {
  readonly tenantId: string;
  readonly access: RequestedAccess;
  /** Omitted or null: every order of the tenant. */
  readonly orderIds?: readonly string[] | null;
  readonly durationHours?: number;
  readonly reason: string;
  readonly ticketRef: string;
}

/**
 * Staff ask a seller for access to its buyers' data for a support case; the
 * seller approves (a grant naming the requester, narrowed as the seller
 * chooses, never wider than asked) or denies. Every step is an access-log
 * entry in the tenant's chain, committed with the request's new state.
 *
 * Expiry: a request unanswered for PENDING_HOURS lapses. It is applied before
 * every read and answer (no background job needed: nobody can act on or see a
 * request without first passing through here), each lapse one entry by the
 * system actor `access-requests:expiry`.
 */
@Injectable()
export class AccessRequestsService {
  constructor(
    private readonly requests: AccessRequestsRepository,
    private readonly grants: GrantsService,
    private readonly tenants: TenantsService,
    private readonly audit: AuditLog,
    private readonly tx: TransactionManager,
    private readonly clock: Clock,
  ) {}

  async create(by: ActorContext, input: NewAccessRequest): Promise<AccessRequestView> {
    const staff = requireStaff(by.actor);
    const hours = input.durationHours ?? DEFAULT_REQUEST_HOURS;
    const problems: Array<{ field: string; issue: string }> = [];
    if (!Number.isInteger(hours) || hours < 1 || hours > MAX_REQUEST_HOURS) {
      problems.push({ field: 'durationHours', issue: `whole hours from 1 to ${MAX_REQUEST_HOURS}` });
    }
    if (input.orderIds && !input.orderIds.length) {
      problems.push({ field: 'orderIds', issue: 'omit for every order, or list at least one' });
    }
    const reason = cleanText(input.reason, MAX_REQUEST_REASON);
    const ticketRef = cleanText(input.ticketRef, MAX_TICKET_REF);
    if (!reason) problems.push({ field: 'reason', issue: 'say why the case needs this access (printable text)' });
    if (!ticketRef) problems.push({ field: 'ticketRef', issue: 'the support ticket of the case (printable text)' });
    if (problems.length || !reason || !ticketRef) throw validationFailed('invalid access request', problems);
    const tenantId = input.tenantId.toLowerCase();
    await this.tenants.requireTenant(tenantId);
    const now = this.clock.now();
    return this.tx.run(async (tx) => {
      const row = await this.requests.insert(tx, {
        tenantId,
        requestedBy: staff.id,
        access: input.access,
        orderIds: input.orderIds ? [...new Set(input.orderIds.map((id) => id.toLowerCase()))] : null,
        durationHours: hours,
        reason,
        ticketRef,
        status: 'pending',
        createdAt: now,
        expiresAt: new Date(now.getTime() + PENDING_HOURS * HOUR_MS),
      });
      await this.record(tx, by, row, 'access_request.created', { reason, ticketRef });
      return accessRequestView(row);
    });
  }

  /** A staff member's own requests, or a seller's tenant's; newest first. */
  async list(by: ActorContext, status?: AccessRequestStatus): Promise<AccessRequestView[]> {
    await this.expireOverdue(by.requestId);
    return (await this.requests.list(visibleTo(by.actor), status)).map(accessRequestView);
  }

  async get(by: ActorContext, requestId: string): Promise<AccessRequestView> {
    await this.expireOverdue(by.requestId);
    return accessRequestView(this.visible(by.actor, await this.requests.findOne(requestId)));
  }

  /**
   * The tenant and ticket of one of the calling staff member's approved requests: where the
   * console's reveal form sends its reveal (the reveal service still decides it
   * against the grant, and logs it, as for POST /v1/orders/:id/reveal).
   */
  async approvedCaseOf(by: ActorContext, requestId: string): Promise<{ tenantId: string; ticketRef: string }> {
    requireStaff(by.actor);
    if (!isUuid(requestId))
      throw validationFailed('invalid access request id', [{ field: 'requestId', issue: 'a uuid' }]);
    const row = this.visible(by.actor, await this.requests.findOne(requestId.toLowerCase()));
    if (row.status !== 'approved') throw conflict(`the request is ${row.status}, not approved`);
    await this.tenants.requireTenant(row.tenantId);
    return { tenantId: row.tenantId, ticketRef: row.ticketRef };
  }

  /**
   * The seller approves: a grant for the requester (narrowed as asked, never
   * widened), the request's new state and both entries commit together.
   */
  async approve(by: ActorContext, tenantId: string, requestId: string, change: Narrowing): Promise<AccessRequestView> {
    requireSeller(by.actor, tenantId);
    await this.expireOverdue(by.requestId);
    return this.tx.run(async (tx) => {
      const row = await this.pendingForSeller(tx, tenantId, requestId);
      const { scope, problems } = narrowedScope(
        { access: row.access, orderIds: row.orderIds, hours: row.durationHours },
        change,
      );
      if (problems.length) throw validationFailed('an approval may only narrow the request', problems);
      const now = this.clock.now();
      const grant = await this.grants.createWithin(tx, by, tenantId, {
        granteeStaffId: row.requestedBy,
        orderIds: scope.orderIds ? [...scope.orderIds] : null,
        revealAllowed: scope.access === 'reveal',
        expiresAt: new Date(now.getTime() + scope.hours * HOUR_MS),
        ticketRef: row.ticketRef,
      });
      const updated = await this.requests.update(tx, requestId, {
        status: 'approved',
        decidedAt: now,
        decidedBy: by.actor.id,
        grantId: grant.grantId,
        approvedAccess: scope.access,
        approvedOrderIds: scope.orderIds ? [...scope.orderIds] : null,
        approvedHours: scope.hours,
      });
      await this.record(tx, by, updated, 'access_request.approved', { grantId: grant.grantId });
      return accessRequestView(updated);
    });
  }

  async deny(by: ActorContext, tenantId: string, requestId: string, why?: string): Promise<AccessRequestView> {
    requireSeller(by.actor, tenantId);
    const reason = why === undefined || !why.trim() ? null : cleanText(why, MAX_REQUEST_REASON);
    if (reason === null && why?.trim()) {
      throw validationFailed('invalid reason', [{ field: 'reason', issue: 'printable text' }]);
    }
    await this.expireOverdue(by.requestId);
    return this.tx.run(async (tx) => {
      await this.pendingForSeller(tx, tenantId, requestId);
      const updated = await this.requests.update(tx, requestId, {
        status: 'denied',
        decidedAt: this.clock.now(),
        decidedBy: by.actor.id,
        decisionReason: reason,
      });
      await this.record(tx, by, updated, 'access_request.denied', { reason });
      return accessRequestView(updated);
    });
  }

  /** The requester withdraws their own pending request. */
  async cancel(by: ActorContext, requestId: string): Promise<AccessRequestView> {
    const staff = requireStaff(by.actor);
    await this.expireOverdue(by.requestId);
    return this.tx.run(async (tx) => {
      const row = await this.requests.lock(tx, requestId);
      if (!row || row.requestedBy !== staff.id) throw notFound('access request');
      if (row.status !== 'pending') throw conflict(`the request is already ${row.status}`);
      const updated = await this.requests.update(tx, requestId, {
        status: 'cancelled',
        decidedAt: this.clock.now(),
        decidedBy: staff.id,
      });
      await this.record(tx, by, updated, 'access_request.cancelled', {});
      return accessRequestView(updated);
    });
  }

  /** Lapses every pending request past its answer-by time, one entry each. Returns how many lapsed. */
  async expireOverdue(requestId: string | null = null): Promise<number> {
    const expiry = systemActor('access-requests:expiry', requestId);
    return this.tx.run(async (tx) => {
      const now = this.clock.now();
      const overdue = await this.requests.claimOverdue(tx, now, EXPIRY_BATCH);
      for (const row of overdue) {
        const updated = await this.requests.update(tx, row.requestId, {
          status: 'expired',
          decidedAt: now,
          decidedBy: expiry.actor.id,
        });
        await this.record(tx, expiry, updated, 'access_request.expired', {});
      }
      return overdue.length;
    });
  }

  private async pendingForSeller(tx: Tx, tenantId: string, requestId: string): Promise<AccessRequest> {
    const row = await this.requests.lock(tx, requestId);
    // Another tenant's request does not exist for this seller.
    if (!row || row.tenantId !== tenantId) throw notFound('access request');
    if (row.status !== 'pending') throw conflict(`the request is already ${row.status}`);
    if (row.expiresAt.getTime() <= this.clock.nowMs()) throw conflict('the request has expired');
    return row;
  }

  private visible(actor: Principal, row: AccessRequest | null): AccessRequest {
    const of = visibleTo(actor);
    const mine = row && ('tenantId' in of ? row.tenantId === of.tenantId : row.requestedBy === of.requestedBy);
    if (!row || !mine) throw notFound('access request');
    return row;
  }

  private record(
    tx: Tx,
    by: ActorContext,
    row: AccessRequest,
    action:
      | 'access_request.created'
      | 'access_request.approved'
      | 'access_request.denied'
      | 'access_request.cancelled'
      | 'access_request.expired',
    extra: { grantId?: string; reason?: string | null; ticketRef?: string },
  ) {
    return this.audit.append(tx, {
      tenantId: row.tenantId,
      ...auditedBy(by),
      action,
      targets: {
        accessRequestId: row.requestId,
        staffId: row.requestedBy,
        ...(extra.grantId ? { grantId: extra.grantId } : {}),
        ...(row.orderIds ? { orderIds: row.orderIds } : {}),
      },
      reason: extra.reason ?? null,
      ticketRef: extra.ticketRef ?? row.ticketRef,
      outcome: 'allowed',
    });
  }
}

function requireStaff(actor: Principal): Extract<Principal, { kind: 'staff' }> {
  if (actor.kind !== 'staff' || actor.role === 'auditor') {
    throw new DomainError(ErrorCodes.FORBIDDEN, 'only support and admin staff ask for access');
  }
  return actor;
}

/** Only the seller answers: staff never approve a request, their own or another's. */
function requireSeller(actor: Principal, tenantId: string): void {
  if (actor.kind !== 'seller' || actor.tenantId !== tenantId) {
    throw new DomainError(ErrorCodes.FORBIDDEN, 'only the seller answers its access requests');
  }
}

function visibleTo(actor: Principal): RequestsOf {
  if (actor.kind === 'seller') return { tenantId: actor.tenantId };
  if (actor.kind === 'staff') return { requestedBy: actor.id };
  throw new DomainError(ErrorCodes.FORBIDDEN, 'access requests belong to staff and sellers');
}

/** Trimmed text that is printable and within its limit, or null (shown to people and logged as it is). */
function cleanText(value: string | undefined, max: number): string | null {
  const text = (value ?? '').trim();
  return text && isCleanText(text) && Array.from(text).length <= max ? text : null;
}
