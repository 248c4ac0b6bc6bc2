import { Body, Controller, Get, Header, Param, Post, Query, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { Actor, Permissions, RequirePermission, TenantScope, type ActorContext } from '../auth';
import { DSR_TYPES, type DsrType } from './dsr-types';
import type { DataSubjectRequestPage, DataSubjectRequestView } from './data-subject-request.mapper';
import { DataSubjectRequestsService, type DataSubjectExport } from './data-subject-requests.service';
import { DsrRefusalsInterceptor } from './dsr-refusals.interceptor';
import {
  MAX_BUYER_ID,
  MAX_EMAIL,
  MAX_MARKETPLACE_ORDER_ID,
  MAX_NAME,
  MAX_REFERENCE,
  parseCorrections,
  parseReference,
  parseSubject,
} from './dsr-input';
import { ApiRoute } from '../platform/http/openapi/api-route';
import {
  DataSubjectExportSchema,
  DataSubjectRequestPageSchema,
  DataSubjectRequestViewSchema,
} from './data-subject-request.schema';

class SubjectBody {
  @ApiPropertyOptional({ description: "the buyer's e-mail address (looked up through the blind index, never stored)" })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_EMAIL)
  email?: string;

  @ApiPropertyOptional({ enum: ['amazon', 'ebay'], description: 'required with buyerId or marketplaceOrderId' })
  @IsOptional()
  @IsString()
  @MaxLength(20)
  marketplace?: string;

  @ApiPropertyOptional({ description: "the marketplace's buyer id (eBay username, Amazon buyer id), never stored" })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_BUYER_ID)
  buyerId?: string;

  @ApiPropertyOptional({ description: 'one order of the buyer, by its marketplace order id' })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_MARKETPLACE_ORDER_ID)
  marketplaceOrderId?: string;
}

/** Corrected fields: a string replaces, null removes; absent fields are left as they are. Never logged. */
class AddressCorrectionsBody {
  @IsOptional() @IsString() @MaxLength(MAX_NAME) name?: string | null;
  @IsOptional() @IsString() @MaxLength(MAX_NAME) companyName?: string | null;
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(4)
  @IsString({ each: true })
  @MaxLength(MAX_NAME, { each: true })
  lines?: string[];
  @IsOptional() @IsString() @MaxLength(20) postalCode?: string | null;
  @IsOptional() @IsString() @MaxLength(100) city?: string | null;
  @IsOptional() @IsString() @MaxLength(100) region?: string | null;
  @IsOptional() @IsString() @MaxLength(2) countryCode?: string | null;
  @IsOptional() @IsString() @MaxLength(40) phone?: string | null;
}

class CorrectionsBody {
  @IsOptional() @IsString() @MaxLength(MAX_NAME) buyerName?: string | null;
  @IsOptional() @IsString() @MaxLength(MAX_EMAIL) email?: string | null;
  @IsOptional() @IsString() @MaxLength(40) phone?: string | null;
  @IsOptional() @IsString() @MaxLength(MAX_NAME) companyName?: string | null;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => AddressCorrectionsBody)
  shippingAddress?: AddressCorrectionsBody;
}

class CreateDsrBody {
  @ApiProperty({ enum: DSR_TYPES })
  @IsIn(DSR_TYPES)
  type: DsrType;

  @ApiProperty({ type: SubjectBody, description: 'exactly one of email, buyerId, marketplaceOrderId' })
  @IsObject()
  @ValidateNested()
  @Type(() => SubjectBody)
  subject: SubjectBody;

  @ApiPropertyOptional({ type: CorrectionsBody, description: 'rectify only: the corrected buyer fields' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => CorrectionsBody)
  corrections?: CorrectionsBody;

  @ApiPropertyOptional({ description: "the seller's own reference (ticket), printable ASCII; not for buyer data" })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_REFERENCE)
  reference?: string;
}

class ListDsrQuery {
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}

/**
 * Buyers' data-subject requests, made by the seller with a key holding
 * `dsr:manage` and `orders:read_pii`. Staff never act on them.
 */
@ApiTags('data-subject-requests')
@ApiBearerAuth()
@ApiHeader({ name: 'X-Tenant-Id', required: false, description: 'must be the key’s own tenant if sent' })
@Controller('v1/data-subject-requests')
@UseInterceptors(DsrRefusalsInterceptor)
export class DataSubjectRequestsController {
  constructor(private readonly requests: DataSubjectRequestsService) {}

  /** Receives a request: answered in the call, or (an erasure or rectification of more than 500 orders) in the background. */
  @Post()
  @RequirePermission(Permissions.DSR_MANAGE)
  @ApiRoute({
    summary: 'Receive a buyer’s data-subject request (access, portability, rectify, erase)',
    description:
      'answered in the call, or (an erasure or rectification of more than 500 orders) in the background with progress on the request',
    status: 201,
    response: DataSubjectRequestViewSchema,
  })
  create(
    @Actor() by: ActorContext,
    @TenantScope() tenantId: string,
    @Body() body: CreateDsrBody,
  ): Promise<DataSubjectRequestView> {
    return this.requests.create(by, tenantId, {
      type: body.type,
      subject: parseSubject(body.subject),
      corrections: parseCorrections(body.type, body.corrections),
      reference: parseReference(body.reference),
    });
  }

  /** The tenant's requests, newest first. */
  @Get()
  @RequirePermission(Permissions.DSR_MANAGE)
  @ApiRoute({ summary: 'The seller’s data-subject requests, newest first', response: DataSubjectRequestPageSchema })
  list(@TenantScope() tenantId: string, @Query() query: ListDsrQuery): Promise<DataSubjectRequestPage> {
    return this.requests.list(tenantId, query);
  }

  /** The export of an access or portability request, once (then 410); logged as `pii.exported`. */
  @Get(':id/export')
  @RequirePermission(Permissions.DSR_MANAGE)
  @Header('Cache-Control', 'no-store')
  @Header('Content-Disposition', 'attachment; filename="data-subject-export.json"')
  @ApiRoute({
    summary: 'The one download of an access or portability request (then 410)',
    response: DataSubjectExportSchema,
  })
  export(
    @Actor() by: ActorContext,
    @TenantScope() tenantId: string,
    @Param('id') id: string,
  ): Promise<DataSubjectExport> {
    return this.requests.downloadExport(by, tenantId, id);
  }

  @Get(':id')
  @RequirePermission(Permissions.DSR_MANAGE)
  @ApiRoute({
    summary: 'One data-subject request with its progress and counts',
    response: DataSubjectRequestViewSchema,
  })
  get(@TenantScope() tenantId: string, @Param('id') id: string): Promise<DataSubjectRequestView> {
    return this.requests.get(tenantId, id);
  }
}
