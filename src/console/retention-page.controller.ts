import { Body, Get, Header, Inject, Post, Res } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsIn, IsInt, Max, Min } from 'class-validator';
import type { Response } from 'express';
import { h } from 'preact';
import { holds } from '../access/access-policy';
import { AuditQueryService, auditScopeOf } from '../audit';
import { Actor, ConsoleRoute, Permissions, RequirePermission, TenantScope, type ActorContext } from '../auth';
import { APP_CONFIG, type AppConfig } from '../config';
import {
  LegalHoldsService,
  RETENTION_MARKETPLACES,
  RetentionOverview,
  RetentionPolicyService,
  type RetentionMarketplace,
} from '../retention';
import { ConsoleController } from './console-controller';
import { Page, type PageContext } from './page-context';
import { HTML, renderPage } from './render';
import { RECEIPTS_SHOWN, RetentionPage } from './views/retention-page';

/** One marketplace's buyer-data window, as PUT /v1/retention takes it (`{ [marketplace]: { piiWindowDays } }`). */
class RetentionWindowForm {
  @IsIn(RETENTION_MARKETPLACES)
  marketplace: RetentionMarketplace;

  @Type(() => Number)
  @IsInt({ message: 'piiWindowDays is a whole number of days' })
  @Min(0)
  // Bounded at the edge as on the API; the marketplace's cap is the service's rule, with its own message.
  @Max(36500)
  piiWindowDays: number;
}

/**
 * The seller's retention: windows per marketplace with their caps (GET /v1/retention), where the buyer data
 * stands (GET /v1/retention/status), legal holds read-only (GET /v1/legal-holds), the latest destruction
 * receipts from the access log (GET /v1/audit?action=pii.destroyed, for whoever may read it), and a form to
 * set a window (PUT /v1/retention). Same services and permission (retention:manage).
 */
@ConsoleController('console/retention')
export class RetentionPageController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly policies: RetentionPolicyService,
    private readonly overview: RetentionOverview,
    private readonly legalHolds: LegalHoldsService,
    private readonly auditLog: AuditQueryService,
  ) {}

  @Get()
  @ConsoleRoute()
  @RequirePermission(Permissions.RETENTION_MANAGE)
  @Header('Content-Type', HTML)
  async page(@Actor() by: ActorContext, @Page() ctx: PageContext, @TenantScope() tenantId: string): Promise<string> {
    const [policy, status, legalHolds] = await Promise.all([
      this.policies.view(tenantId),
      this.overview.status(tenantId),
      this.legalHolds.list(tenantId),
    ]);
    // Receipts are access-log entries: shown to whoever may read the log, and reading them is logged.
    const receipts =
      ctx.principal && holds(ctx.principal, Permissions.AUDIT_READ)
        ? (
            await this.auditLog.view(by, auditScopeOf(by.actor), {
              tenantId,
              action: 'pii.destroyed',
              limit: RECEIPTS_SHOWN,
            })
          ).items
        : null;
    return renderPage(
      h(RetentionPage, {
        ctx,
        policy,
        status,
        legalHolds,
        receipts,
        sweepSeconds: this.config.retention.sweepSeconds,
      }),
    );
  }

  /** As PUT /v1/retention with one marketplace's window; back to the page. */
  @Post()
  @ConsoleRoute()
  @RequirePermission(Permissions.RETENTION_MANAGE)
  async setWindow(
    @Actor() by: ActorContext,
    @TenantScope() tenantId: string,
    @Body() body: RetentionWindowForm,
    @Res() res: Response,
  ): Promise<void> {
    await this.policies.change(by, tenantId, [{ marketplace: body.marketplace, piiWindowDays: body.piiWindowDays }]);
    res.redirect(303, '/console/retention');
  }
}
