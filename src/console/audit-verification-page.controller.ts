import { Body, Get, Header, HttpCode, Post, Query } from '@nestjs/common';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { h } from 'preact';
import { AuditExportBundleService, AuditPublicKeys, AuditVerifier, auditScopeOf, tenantInScope } from '../audit';
import { Actor, ConsoleRoute, Permissions, RequirePermission, type ActorContext } from '../auth';
import { ConsoleController } from './console-controller';
import { Page, type PageContext } from './page-context';
import { HTML, renderPage } from './render';
import { AuditVerificationPage, ExportReadyPage, ExportVerifierPage } from './views/audit-verification-page';

class VerificationQuery {
  @IsOptional() @IsString() @MaxLength(64) tenant?: string;
}

class ExportForm {
  @IsIn(['ndjson', 'csv']) format: 'ndjson' | 'csv';
  @IsOptional() @IsString() @MaxLength(64) tenant?: string;
  @IsOptional() @IsString() @MaxLength(128) _csrf?: string;
}

/**
 * The auditor's integrity pages: the verification report (as GET /v1/audit/verify, through the same verifier,
 * logged as `audit.verified`), an export with its signed manifest (as POST /v1/audit/exports, logged as
 * `audit.exported`) and the in-browser verifier of an export. A seller sees its own chain only.
 */
@ConsoleController('console/audit')
export class AuditVerificationPageController {
  constructor(
    private readonly verifier: AuditVerifier,
    private readonly signedExports: AuditExportBundleService,
    private readonly publicKeys: AuditPublicKeys,
  ) {}

  @Get('verification')
  @ConsoleRoute()
  @RequirePermission(Permissions.AUDIT_READ)
  @Header('Content-Type', HTML)
  async report(@Actor() by: ActorContext, @Page() ctx: PageContext, @Query() q: VerificationQuery): Promise<string> {
    const scope = auditScopeOf(by.actor);
    const tenantId = tenantInScope(scope, q.tenant || null);
    const report = await this.verifier.verifyAs(by, scope, tenantId);
    return renderPage(h(AuditVerificationPage, { ctx, tenantId, showTenant: by.actor.kind !== 'seller', report }));
  }

  @Post('exports')
  @HttpCode(200)
  @ConsoleRoute()
  @RequirePermission(Permissions.AUDIT_READ)
  @Header('Content-Type', HTML)
  async export(@Actor() by: ActorContext, @Page() ctx: PageContext, @Body() form: ExportForm): Promise<string> {
    const scope = auditScopeOf(by.actor);
    const signed = await this.signedExports.create(by, scope, tenantInScope(scope, form.tenant || null), form.format);
    return renderPage(h(ExportReadyPage, { ctx, signed }));
  }

  @Get('verify-export')
  @ConsoleRoute()
  @RequirePermission(Permissions.AUDIT_READ)
  @Header('Content-Type', HTML)
  async verifyExport(@Page() ctx: PageContext): Promise<string> {
    const keys = await this.publicKeys.view();
    return renderPage(h(ExportVerifierPage, { ctx, publicKeys: keys.keys.map((k) => k.publicKey) }));
  }
}
