import { Injectable } from '@nestjs/common';
import { AuditLog, auditedBy } from '../audit';
import type { ActorContext, StaffRole, StaffTenantAccess } from '../auth';
import { Clock } from '../platform/clock/clock';
import { TransactionManager, type Tx } from '../platform/database/transaction-manager';
import { DomainError, ErrorCodes, notFound, validationFailed } from '../platform/errors/domain-error';
import { GrantsRepository } from './grants.repository';
import { StaffRepository } from './staff.repository';
import type { SupportGrant } from './support-grant.entity';

/** Longest a grant may last. */
export const MAX_GRANT_DAYS = 30;

export interface NewGrant {
  readonly granteeStaffId?: string;
  readonly granteeRole?: 'support' | 'admin';
  /** Omitted or null: every order of the tenant. */
  readonly orderIds?: string[] | null;
  readonly expiresAt: Date;
  /** A support ticket reference: the help request is the seller's consent. */
  readonly ticketRef?: string | null;
  /** False: masked orders only, never a reveal (default true). */
  readonly revealAllowed?: boolean;
}

export interface GrantView {
  grantId: string;
  tenantId: string;
  granteeStaffId: string | null;
  granteeRole: string | null;
  orderIds: string[] | null;
  revealAllowed: boolean;
  basis: string;
  ticketRef: string | null;
  createdBy: string;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  active: boolean;
}

/** Sellers' permissions for our staff to see their buyers' data. */
@Injectable()
export class GrantsService {
  constructor(
    private readonly grants: GrantsRepository,
    private readonly staff: StaffRepository,
    private readonly audit: AuditLog,
    private readonly tx: TransactionManager,
    private readonly clock: Clock,
  ) {}

  create(by: ActorContext, tenantId: string, input: NewGrant): Promise<GrantView> {
    return this.tx.run((tx) => this.createWithin(tx, by, tenantId, input));
  }

  /**
   * Checks and writes a grant and its entry inside the caller's transaction (an approved access request commits
   * its state, the grant and both entries together). Callers outside a transaction use `create`.
   */
  async createWithin(tx: Tx, by: ActorContext, tenantId: string, input: NewGrant): Promise<GrantView> {
    await this.check(tx, input);
    const grant = await this.grants.insert(tx, {
      tenantId,
      granteeStaffId: input.granteeStaffId ?? null,
      granteeRole: input.granteeRole ?? null,
      orderIds: input.orderIds ? [...new Set(input.orderIds)] : null,
      revealAllowed: input.revealAllowed ?? true,
      basis: input.ticketRef ? 'support_ticket' : 'explicit',
      ticketRef: input.ticketRef ?? null,
      createdBy: by.actor.id,
      createdAt: this.clock.now(),
      expiresAt: input.expiresAt,
    });
    await this.audit.append(tx, {
      tenantId,
      ...auditedBy(by),
      action: 'grant.created',
      targets: {
        grantId: grant.grantId,
        ...(grant.orderIds ? { orderIds: grant.orderIds } : {}),
        ...(grant.granteeStaffId ? { staffId: grant.granteeStaffId } : {}),
      },
      ticketRef: grant.ticketRef,
      outcome: 'allowed',
    });
    return this.view(grant);
  }

  private async check(tx: Tx, input: NewGrant): Promise<void> {
    const now = this.clock.now();
    const problems: Array<{ field: string; issue: string }> = [];
    if (Boolean(input.granteeStaffId) === Boolean(input.granteeRole)) {
      problems.push({ field: 'granteeStaffId', issue: 'name exactly one of granteeStaffId or granteeRole' });
    }
    const maxExpiry = now.getTime() + MAX_GRANT_DAYS * 86_400_000;
    if (input.expiresAt.getTime() <= now.getTime() || input.expiresAt.getTime() > maxExpiry) {
      problems.push({ field: 'expiresAt', issue: `must be in the future and at most ${MAX_GRANT_DAYS} days away` });
    }
    if (input.orderIds && !input.orderIds.length)
      problems.push({ field: 'orderIds', issue: 'omit for all orders, or list at least one' });
    if (problems.length) throw validationFailed('invalid grant', problems);
    if (input.granteeStaffId) {
      const member = await this.staff.findById(input.granteeStaffId, tx);
      if (!member || member.status !== 'active' || member.role === 'auditor') {
        throw validationFailed('grantee must be an active support or admin staff member', [
          { field: 'granteeStaffId', issue: 'unknown' },
        ]);
      }
    }
  }

  async revoke(by: ActorContext, tenantId: string, grantId: string): Promise<GrantView> {
    return this.tx.run(async (tx) => {
      const grant = await this.grants.findOne(tenantId, grantId, tx);
      if (!grant) throw notFound('grant');
      if (!(await this.grants.revoke(tx, tenantId, grantId, this.clock.now(), by.actor.id))) {
        throw new DomainError(ErrorCodes.CONFLICT, 'grant is already revoked');
      }
      await this.audit.append(tx, {
        tenantId,
        ...auditedBy(by),
        action: 'grant.revoked',
        targets: { grantId },
        outcome: 'allowed',
      });
      return this.view((await this.grants.findOne(tenantId, grantId, tx))!);
    });
  }

  async list(tenantId: string): Promise<GrantView[]> {
    return (await this.grants.list(tenantId)).map((g) => this.view(g));
  }

  async listForStaff(staff: { staffId: string; role: StaffRole }): Promise<GrantView[]> {
    return (await this.grants.activeForStaff(staff, this.clock.now())).map((g) => this.view(g));
  }

  /** The union of a staff member's active grants for a tenant, or null when there is none. */
  async accessFor(tenantId: string, staff: { staffId: string; role: StaffRole }): Promise<StaffTenantAccess | null> {
    const grants = await this.grants.active(tenantId, staff, this.clock.now());
    return grants.length ? unionOf(grants) : null;
  }

  /** The grant that covers one order, checked inside the reveal's transaction (locked against revocation). */
  async grantCovering(
    tx: Parameters<GrantsRepository['active']>[3],
    tenantId: string,
    staff: { staffId: string; role: StaffRole },
    orderId: string,
  ): Promise<SupportGrant | null> {
    const grants = await this.grants.active(tenantId, staff, this.clock.now(), tx);
    return grants.find((g) => g.revealAllowed && (g.orderIds === null || g.orderIds.includes(orderId))) ?? null;
  }

  /** One grant covering every one of the orders (a batch reveal is recorded under a single grant), or null. */
  async grantCoveringAll(
    tx: Parameters<GrantsRepository['active']>[3],
    tenantId: string,
    staff: { staffId: string; role: StaffRole },
    orderIds: readonly string[],
  ): Promise<SupportGrant | null> {
    const grants = await this.grants.active(tenantId, staff, this.clock.now(), tx);
    return (
      grants.find(
        (g) => g.revealAllowed && (g.orderIds === null || orderIds.every((id) => g.orderIds!.includes(id))),
      ) ?? null
    );
  }

  private view(g: SupportGrant): GrantView {
    return {
      grantId: g.grantId,
      tenantId: g.tenantId,
      granteeStaffId: g.granteeStaffId,
      granteeRole: g.granteeRole,
      orderIds: g.orderIds,
      revealAllowed: g.revealAllowed,
      basis: g.basis,
      ticketRef: g.ticketRef,
      createdBy: g.createdBy,
      createdAt: g.createdAt.toISOString(),
      expiresAt: g.expiresAt.toISOString(),
      revokedAt: g.revokedAt?.toISOString() ?? null,
      active: !g.revokedAt && g.expiresAt.getTime() > this.clock.nowMs(),
    };
  }
}

function unionOf(grants: SupportGrant[]): StaffTenantAccess {
  const all = grants.some((g) => g.orderIds === null);
  return {
    grantIds: grants.map((g) => g.grantId),
    orderIds: all ? null : [...new Set(grants.flatMap((g) => g.orderIds ?? []))],
  };
}
