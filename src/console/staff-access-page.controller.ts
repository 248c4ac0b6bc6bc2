import { Body, Get, Header, Param, Post, Query, Res } from '@nestjs/common';
import { IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import type { Response } from 'express';
import { h } from 'preact';
import { holds } from '../access/access-policy';
import { GrantsService, type GrantView } from '../access/grants.service';
import type { AccessRequestView } from '../access/requests/access-request.mapper';
import { AccessRequestsService } from '../access/requests/access-requests.service';
import { AuditQueryService, auditScopeOf } from '../audit';
import { Actor, ConsoleRoute, Permissions, RequirePermission, TenantScope, type ActorContext } from '../auth';
import { validationFailed } from '../platform/errors/domain-error';
import { isUuid } from '../platform/validation/uuid';
import { parseApprovalForm } from './access-request-form';
import { ConsoleController } from './console-controller';
import { Page, type PageContext } from './page-context';
import { HTML, renderPage } from './render';
import { StaffAccessPage } from './views/staff-access-page';

class RequestIdParam {
  @IsUUID()
  requestId: string;
}

class StaffAccessQuery {
  @IsOptional() @IsString() @MaxLength(64) tenant?: string;
  @IsOptional() @IsString() @MaxLength(400) cursor?: string;
}

class GrantIdParam {
  @IsUUID()
  grantId: string;
}

/** Staff reveal entries per page (the log is asked for staff actors only, so every page is full). */
const ENTRIES_PER_PAGE = 100;

/**
 * Support access, for a seller: pending access requests from our staff to
 * approve (narrowing scope or duration) or deny, as POST
 * /v1/access-requests/:id/approve and /deny; then
 * "staff access to your data": every attempt by our staff to open this seller's
 * buyer data (who, when, why, under which grant or by break-glass, allowed or
 * refused), read from the tenant's access-log chain through the same query
 * service as GET /v1/audit/entries (and logged as a view like it), and the
 * seller's active support grants with a revoke button (DELETE /v1/grants/:id).
 * An auditor sees the same list for every tenant, or for the one named.
 */
@ConsoleController('console/staff-access')
export class StaffAccessPageController {
  constructor(
    private readonly query: AuditQueryService,
    private readonly grants: GrantsService,
    private readonly accessRequests: AccessRequestsService,
  ) {}

  @Get()
  @ConsoleRoute()
  @RequirePermission(Permissions.AUDIT_READ)
  @Header('Content-Type', HTML)
  async page(
    @Actor() by: ActorContext,
    @Page() ctx: PageContext,
    @Query() q: StaffAccessQuery,
    @Res({ passthrough: true }) res: Response,
  ): Promise<string> {
    const seller = by.actor.kind === 'seller' ? by.actor : null;
    const tenant = (q.tenant ?? '').trim();
    const cursor = (q.cursor ?? '').trim();
    if (tenant && !isUuid(tenant)) {
      res.status(400);
      return renderPage(
        h(StaffAccessPage, {
          ctx,
          tenant,
          showTenant: !seller,
          reveals: null,
          grants: null,
          requests: null,
          problem: 'tenant: a tenant id (uuid)',
        }),
      );
    }
    const page = await this.query.view(by, auditScopeOf(by.actor), {
      action: 'pii.revealed',
      actorKind: 'staff',
      ...(tenant ? { tenantId: tenant.toLowerCase() } : {}),
      ...(cursor ? { cursor } : {}),
      limit: ENTRIES_PER_PAGE,
    });
    const reveals = {
      items: page.items,
      nextCursor: page.nextCursor,
      cursor,
    };
    let grants: GrantView[] | null = null;
    let requests: AccessRequestView[] | null = null;
    if (seller && ctx.principal && holds(ctx.principal, Permissions.GRANTS_MANAGE)) {
      grants = (await this.grants.list(seller.tenantId)).filter((g) => g.active);
      requests = await this.accessRequests.list(by, 'pending');
    }
    return renderPage(
      h(StaffAccessPage, { ctx, tenant, showTenant: !seller, reveals, grants, requests, problem: null }),
    );
  }

  /** As DELETE /v1/grants/:grantId. */
  @Post('grants/:grantId/revoke')
  @ConsoleRoute()
  @RequirePermission(Permissions.GRANTS_MANAGE)
  async revoke(
    @Actor() by: ActorContext,
    @TenantScope() tenantId: string,
    @Param() p: GrantIdParam,
    @Res() res: Response,
  ): Promise<void> {
    await this.grants.revoke(by, tenantId, p.grantId);
    res.redirect(303, '/console/staff-access');
  }

  /** As POST /v1/access-requests/:requestId/approve: a grant for the requester, never wider than asked. */
  @Post('requests/:requestId/approve')
  @ConsoleRoute()
  @RequirePermission(Permissions.GRANTS_MANAGE)
  async approve(
    @Actor() by: ActorContext,
    @TenantScope() tenantId: string,
    @Param() p: RequestIdParam,
    @Body() body: unknown,
    @Res() res: Response,
  ): Promise<void> {
    const form = parseApprovalForm(body);
    if (form.problems.length) {
      throw validationFailed(
        'the approval was not sent',
        form.problems.map((issue) => ({ issue })),
      );
    }
    await this.accessRequests.approve(by, tenantId, p.requestId, form.change);
    res.redirect(303, '/console/staff-access');
  }

  /** As POST /v1/access-requests/:requestId/deny. */
  @Post('requests/:requestId/deny')
  @ConsoleRoute()
  @RequirePermission(Permissions.GRANTS_MANAGE)
  async deny(
    @Actor() by: ActorContext,
    @TenantScope() tenantId: string,
    @Param() p: RequestIdParam,
    @Body() body: unknown,
    @Res() res: Response,
  ): Promise<void> {
    const reason = (body as { reason?: unknown } | null)?.reason;
    await this.accessRequests.deny(by, tenantId, p.requestId, typeof reason === 'string' ? reason : undefined);
    res.redirect(303, '/console/staff-access');
  }
}
