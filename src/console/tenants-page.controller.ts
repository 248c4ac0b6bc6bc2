import { Get, Header, Query } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { h } from 'preact';
import { GrantsService } from '../access/grants.service';
import { AccessRequestsService } from '../access/requests/access-requests.service';
import { Actor, ConsoleRoute, Permissions, RequirePermission, type ActorContext } from '../auth';
import { DeliveryHealthService } from '../delivery/dispatch/delivery-health';
import { SyncHealthService } from '../sync/sync-health';
import { TenantsService } from '../tenants';
import { ConsoleController } from './console-controller';
import { Page, type PageContext } from './page-context';
import { HTML, renderPage } from './render';
import { TENANTS_PER_PAGE, TenantsPage, needsAttention, type StaffAccessSummary } from './views/tenants-page';

const blankIsAbsent = ({ value }: { value: unknown }) => (value === '' ? undefined : value);

class TenantsPageQuery {
  @Transform(blankIsAbsent) @IsOptional() @IsUUID() after?: string;
  @Transform(blankIsAbsent) @IsOptional() @IsIn(['all', 'attention']) show?: 'all' | 'attention';
}

/**
 * Support's roll-up (as GET /v1/tenants, GET /v1/tenant-health/sync and GET /v1/tenant-health/delivery, same
 * permission): every seller with its sync and delivery health in figures, and what access the signed-in staff
 * member holds there. Nothing of a seller's records is shown; opening a seller's pages needs the seller's grant
 * (the guard decides), and the way to get one is an access request.
 */
@ConsoleController('console/tenants')
export class TenantsPageController {
  constructor(
    private readonly tenants: TenantsService,
    private readonly sync: SyncHealthService,
    private readonly delivery: DeliveryHealthService,
    private readonly grants: GrantsService,
    private readonly requests: AccessRequestsService,
  ) {}

  @Get()
  @ConsoleRoute()
  @RequirePermission(Permissions.TENANTS_READ)
  @Header('Content-Type', HTML)
  async page(@Actor() by: ActorContext, @Page() ctx: PageContext, @Query() q: TenantsPageQuery): Promise<string> {
    const found = await this.tenants.list(TENANTS_PER_PAGE + 1, q.after);
    const tenants = found.slice(0, TENANTS_PER_PAGE);
    const ids = tenants.map((t) => t.tenantId);
    const [sync, delivery, access] = await Promise.all([
      this.sync.rollUp(ids),
      this.delivery.rollUp(ids),
      this.accessOf(by),
    ]);
    const rows = tenants
      .map((tenant, i) => ({ tenant, sync: sync[i], delivery: delivery[i], access: access.get(tenant.tenantId) }))
      .filter((row) => q.show !== 'attention' || needsAttention(row));
    const nextAfter = found.length > TENANTS_PER_PAGE ? tenants[tenants.length - 1].tenantId : null;
    return renderPage(h(TenantsPage, { ctx, rows, show: q.show ?? 'all', after: q.after ?? null, nextAfter }));
  }

  /** The signed-in staff member's active grants and pending requests, per tenant. */
  private async accessOf(by: ActorContext): Promise<Map<string, StaffAccessSummary>> {
    const out = new Map<string, StaffAccessSummary>();
    const actor = by.actor;
    if (actor.kind !== 'staff') return out;
    const [grants, requests] = await Promise.all([
      this.grants.listForStaff({ staffId: actor.id, role: actor.role }),
      this.requests.list(by, 'pending'),
    ]);
    for (const g of grants) {
      const seen = out.get(g.tenantId) ?? { grantedUntil: null, reveal: false, pendingRequests: 0 };
      const until = seen.grantedUntil && seen.grantedUntil > g.expiresAt ? seen.grantedUntil : g.expiresAt;
      out.set(g.tenantId, { ...seen, grantedUntil: until, reveal: seen.reveal || g.revealAllowed });
    }
    for (const r of requests) {
      const seen = out.get(r.tenantId) ?? { grantedUntil: null, reveal: false, pendingRequests: 0 };
      out.set(r.tenantId, { ...seen, pendingRequests: seen.pendingRequests + 1 });
    }
    return out;
  }
}
