import { Get, Header, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import type { Request, Response } from 'express';
import { h } from 'preact';
import { AuditCheckpointService, AuditQueryService, auditScopeOf } from '../audit';
import { Actor, ConsoleRoute, Permissions, RequirePermission, type ActorContext } from '../auth';
import { parseAuditForm } from './audit-filter-form';
import { ConsoleController } from './console-controller';
import { Page, type PageContext } from './page-context';
import { HTML, renderFragment, renderPage } from './render';
import { AuditLogPage, CheckpointWritten, CheckpointWrittenPage } from './views/audit-log-page';

class AuditPageQuery {
  @IsOptional() @IsString() @MaxLength(64) from?: string;
  @IsOptional() @IsString() @MaxLength(64) to?: string;
  @IsOptional() @IsString() @MaxLength(128) actor?: string;
  @IsOptional() @IsString() @MaxLength(16) kind?: string;
  @IsOptional() @IsString() @MaxLength(64) role?: string;
  // Longer than the filter takes, so the form (not the pipe) says what is wrong.
  @IsOptional() @IsString() @MaxLength(400) text?: string;
  @IsOptional() @IsString() @MaxLength(64) action?: string;
  @IsOptional() @IsString() @MaxLength(16) outcome?: string;
  @IsOptional() @IsString() @MaxLength(64) tenant?: string;
  @IsOptional() @IsString() @MaxLength(64) order?: string;
  @IsOptional() @IsString() @MaxLength(400) cursor?: string;
}

/**
 * The access log for auditors (every tenant) and sellers (their own chain), as
 * GET /v1/audit/entries serves it, through the same service: the same scope
 * rules, and the same `audit.viewed` entry for every page viewed.
 */
@ConsoleController('console/audit')
export class AuditLogPageController {
  constructor(
    private readonly query: AuditQueryService,
    private readonly checkpoints: AuditCheckpointService,
  ) {}

  @Get()
  @ConsoleRoute()
  @RequirePermission(Permissions.AUDIT_READ)
  @Header('Content-Type', HTML)
  async page(
    @Actor() by: ActorContext,
    @Page() ctx: PageContext,
    @Query() q: AuditPageQuery,
    @Res({ passthrough: true }) res: Response,
  ): Promise<string> {
    const form = parseAuditForm(q);
    const showTenant = by.actor.kind !== 'seller';
    if (form.problems.length) {
      res.status(400);
      return renderPage(h(AuditLogPage, { ctx, values: form.values, showTenant, page: null, problems: form.problems }));
    }
    const page = await this.query.view(by, auditScopeOf(by.actor), form.filter);
    return renderPage(h(AuditLogPage, { ctx, values: form.values, showTenant, page, problems: [] }));
  }

  /** An auditor signs a checkpoint now (as POST /v1/audit/checkpoints): a fragment for htmx, else a page. */
  @Post('checkpoints')
  @HttpCode(201)
  @ConsoleRoute()
  @RequirePermission(Permissions.AUDIT_CHECKPOINT)
  @Header('Content-Type', HTML)
  async checkpoint(@Actor() by: ActorContext, @Page() ctx: PageContext, @Req() req: Request): Promise<string> {
    const written = await this.checkpoints.write(by);
    return req.header('hx-request') === 'true'
      ? renderFragment(h(CheckpointWritten, { checkpoint: written }))
      : renderPage(h(CheckpointWrittenPage, { ctx, checkpoint: written }));
  }
}
