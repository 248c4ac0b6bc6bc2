import { IsInstant } from '../platform/validation/instant';
import { Body, Controller, Get, HttpCode, Post, Query, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';
import { Readable } from 'node:stream';
import {
  AUDIT_ACTIONS,
  AUDIT_ACTOR_KINDS,
  AuditCheckpointService,
  AuditExportBundleService,
  AuditExportService,
  AuditPublicKeys,
  AuditQueryService,
  auditScopeOf,
  AuditVerifier,
  MAX_PAGE,
  MAX_TEXT_FILTER,
  SignedExportViewSchema,
  toSignedExportView,
  toVerificationView,
  type AuditCheckpointView,
  type AuditEntryPage,
  type AuditVerificationView,
  type PublicKeysView,
  type SignedExportView,
} from '../audit';
import { ApiRoute } from '../platform/http/openapi/api-route';
import { Actor, Permissions, PublicRoute, RequirePermission, type ActorContext } from '../auth';
import {
  AuditCheckpointViewSchema,
  AuditEntryPageSchema,
  AuditVerificationViewSchema,
  PublicKeysViewSchema,
} from '../audit/audit.schema';

class ListEntriesQuery {
  @IsOptional()
  @IsUUID()
  tenantId?: string;

  @IsOptional()
  @IsString()
  @MaxLength(128)
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/)
  actorId?: string;

  @IsOptional()
  @IsIn(AUDIT_ACTOR_KINDS)
  actorKind?: string;

  /** The actor's role when the entry was written. */
  @IsOptional()
  @IsString()
  @Matches(/^[a-z][a-z_]{0,31}$/)
  role?: string;

  /** Reason or ticket contains this text (case-insensitive). */
  @IsOptional()
  @IsString()
  @MaxLength(MAX_TEXT_FILTER)
  q?: string;

  @IsOptional()
  @IsIn(AUDIT_ACTIONS)
  action?: string;

  @IsOptional()
  @IsIn(['allowed', 'denied'])
  outcome?: string;

  @IsOptional()
  @IsUUID()
  orderId?: string;

  @IsOptional()
  @IsInstant()
  from?: Date;

  @IsOptional()
  @IsInstant()
  to?: Date;

  @IsOptional()
  @IsString()
  @MaxLength(400)
  cursor?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE)
  limit?: number;
}

class SignedExportBody {
  @IsIn(['ndjson', 'csv'])
  format: 'ndjson' | 'csv';

  @IsOptional()
  @IsUUID()
  tenantId?: string;
}

class TenantQuery {
  @IsOptional()
  @IsUUID()
  tenantId?: string;
}

/**
 * The access log for auditors (every tenant) and sellers (their own). Parses
 * and delegates; scope rules live in audit/'s services (audit-scope.ts). Served
 * by access/, like the reveal route, so that audit/ knows only auth/'s types.
 */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('v1/audit')
export class AuditController {
  constructor(
    private readonly query: AuditQueryService,
    private readonly exports: AuditExportService,
    private readonly signedExports: AuditExportBundleService,
    private readonly verifier: AuditVerifier,
    private readonly checkpoints: AuditCheckpointService,
    private readonly publicKeys: AuditPublicKeys,
  ) {}

  @Get('entries')
  @RequirePermission(Permissions.AUDIT_READ)
  @ApiRoute({
    summary: 'Access-log entries with combinable filters, newest first (the read is logged)',
    description:
      'ids only, never buyer data; filters: tenant, actor, actor kind, role, words in reason or ticket, action, outcome, order, time',
    response: AuditEntryPageSchema,
  })
  entries(@Actor() by: ActorContext, @Query() q: ListEntriesQuery): Promise<AuditEntryPage> {
    // Reading the log is logged (audit.viewed), from the console and the API alike.
    const { role, q: text, ...rest } = q;
    return this.query.view(by, auditScopeOf(by.actor), {
      ...rest,
      ...(role !== undefined ? { actorRole: role } : {}),
      ...(text !== undefined ? { text } : {}),
    });
  }

  @Get('export')
  @RequirePermission(Permissions.AUDIT_READ)
  @ApiRoute({
    summary: 'The access log as NDJSON: checkpoints then entries (a tenant export carries inclusion proofs)',
    response: {
      contentType: 'application/x-ndjson',
      description: 'one JSON record per line (docs/ACCESS-LOG-FORMAT.md)',
    },
  })
  async export(@Actor() by: ActorContext, @Query() q: TenantQuery): Promise<StreamableFile> {
    const lines = await this.exports.open(by, auditScopeOf(by.actor), q.tenantId ?? null);
    return new StreamableFile(Readable.from(lines), {
      type: 'application/x-ndjson',
      disposition: 'attachment; filename="ordervault-audit.ndjson"',
    });
  }

  @Post('exports')
  @HttpCode(200)
  @RequirePermission(Permissions.AUDIT_READ)
  @ApiRoute({
    summary: 'Export the access log as NDJSON or CSV with a signed manifest',
    description:
      'CSV cells that start like a formula are prefixed with an apostrophe. The manifest (SHA-256 of the file, scope, ' +
      'counts) is signed with the checkpoint key; the export is logged (audit.exported).',
    response: SignedExportViewSchema,
  })
  async signedExport(@Actor() by: ActorContext, @Body() body: SignedExportBody): Promise<SignedExportView> {
    const scope = auditScopeOf(by.actor);
    return toSignedExportView(await this.signedExports.create(by, scope, body.tenantId ?? null, body.format));
  }

  @Get('verify')
  @RequirePermission(Permissions.AUDIT_READ)
  @ApiRoute({
    summary: 'Recompute chains and checkpoints: ok, counts and the first bad entry (the request is logged)',
    response: AuditVerificationViewSchema,
  })
  async verify(@Actor() by: ActorContext, @Query() q: TenantQuery): Promise<AuditVerificationView> {
    // Asking for the report is logged (audit.verified), from the console and the API alike.
    return toVerificationView(await this.verifier.verifyAs(by, auditScopeOf(by.actor), q.tenantId));
  }

  @Post('checkpoints')
  @HttpCode(201)
  @RequirePermission(Permissions.AUDIT_CHECKPOINT)
  @ApiRoute({ summary: 'Sign a checkpoint of every chain head now', status: 201, response: AuditCheckpointViewSchema })
  checkpoint(@Actor() by: ActorContext): Promise<AuditCheckpointView> {
    return this.checkpoints.write(by);
  }

  @Get('public-key')
  @PublicRoute()
  @ApiRoute({
    summary: 'The Ed25519 keys that sign checkpoints and export manifests (public)',
    response: PublicKeysViewSchema,
  })
  publicKey(): Promise<PublicKeysView> {
    return this.publicKeys.view();
  }
}
