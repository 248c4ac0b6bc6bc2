import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  Min,
} from 'class-validator';
import { z } from 'zod';
import { Actor, Permissions, RequirePermission, TenantScope, type ActorContext } from '../../auth';
import { ApiRoute } from '../../platform/http/openapi/api-route';
import type { AccessRequestStatus, RequestedAccess } from './access-request-scope';
import type { AccessRequestView } from './access-request.mapper';
import { AccessRequestViewSchema } from './access-request.schema';
import { MAX_REQUEST_HOURS } from './access-request-scope';
import { AccessRequestsService, MAX_REQUEST_REASON, MAX_TICKET_REF } from './access-requests.service';

const ACCESS = ['masked', 'reveal'] as const;
const STATUSES = ['pending', 'approved', 'denied', 'cancelled', 'expired'] as const;
const MAX_ORDERS = 1000;

export class CreateAccessRequestBody {
  @ApiProperty({ format: 'uuid', description: 'the tenant whose buyer data the case needs' })
  @IsUUID()
  tenantId: string;

  @ApiProperty({ enum: ACCESS, description: 'masked orders only, or also revealing buyer data' })
  @IsIn(ACCESS)
  access: RequestedAccess;

  @ApiPropertyOptional({ type: [String], description: 'the orders of the case; omit for every order' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_ORDERS)
  @IsUUID('all', { each: true })
  orderIds?: string[];

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_REQUEST_HOURS, default: 8 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_REQUEST_HOURS)
  durationHours?: number;

  @ApiProperty({ description: 'why the case needs this access (shown to the seller and logged)' })
  @IsString()
  @Length(1, MAX_REQUEST_REASON)
  reason: string;

  @ApiProperty({ description: 'the support ticket of the case' })
  @IsString()
  @Length(1, MAX_TICKET_REF)
  ticketRef: string;
}

export class ApproveAccessRequestBody {
  @ApiPropertyOptional({ enum: ACCESS, description: 'narrow a reveal request to masked orders' })
  @IsOptional()
  @IsIn(ACCESS)
  access?: RequestedAccess;

  @ApiPropertyOptional({ type: [String], description: 'a subset of the orders asked for' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_ORDERS)
  @IsUUID('all', { each: true })
  orderIds?: string[];

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_REQUEST_HOURS, description: 'at most the hours asked for' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_REQUEST_HOURS)
  durationHours?: number;
}

export class DenyAccessRequestBody {
  @ApiPropertyOptional({ description: 'why (shown to the staff member and logged)' })
  @IsOptional()
  @IsString()
  @Length(0, MAX_REQUEST_REASON)
  reason?: string;
}

class AccessRequestsQuery {
  @ApiPropertyOptional({ enum: STATUSES })
  @IsOptional()
  @IsIn(STATUSES)
  status?: AccessRequestStatus;
}

class RequestIdParam {
  @IsUUID()
  requestId: string;
}

/**
 * Support access requests: staff ask a seller for access to its buyers' data
 * for a case; the seller (grants:manage) approves, narrowing if it likes, or
 * denies. An approval is a grant (GET /v1/grants).
 */
@ApiTags('access')
@ApiBearerAuth()
@Controller('v1/access-requests')
export class AccessRequestsController {
  constructor(private readonly requests: AccessRequestsService) {}

  @Post()
  @RequirePermission(Permissions.ACCESS_REQUESTS_CREATE)
  @ApiRoute({
    summary: 'Ask a seller for access to its buyer data (staff)',
    status: 201,
    response: AccessRequestViewSchema,
  })
  create(@Actor() by: ActorContext, @Body() body: CreateAccessRequestBody): Promise<AccessRequestView> {
    return this.requests.create(by, body);
  }

  @Get()
  @RequirePermission(Permissions.ACCESS_REQUESTS_READ)
  @ApiRoute({
    summary: 'List access requests: a staff member’s own, or the seller’s tenant’s',
    response: z.array(AccessRequestViewSchema),
  })
  list(@Actor() by: ActorContext, @Query() q: AccessRequestsQuery): Promise<AccessRequestView[]> {
    return this.requests.list(by, q.status);
  }

  @Get(':requestId')
  @RequirePermission(Permissions.ACCESS_REQUESTS_READ)
  @ApiRoute({ summary: 'Get an access request', response: AccessRequestViewSchema })
  get(@Actor() by: ActorContext, @Param() p: RequestIdParam): Promise<AccessRequestView> {
    return this.requests.get(by, p.requestId);
  }

  @Post(':requestId/approve')
  @HttpCode(200)
  @RequirePermission(Permissions.GRANTS_MANAGE)
  @ApiRoute({ summary: 'Approve an access request, optionally narrowed (seller)', response: AccessRequestViewSchema })
  approve(
    @Actor() by: ActorContext,
    @TenantScope() tenantId: string,
    @Param() p: RequestIdParam,
    @Body() body: ApproveAccessRequestBody,
  ): Promise<AccessRequestView> {
    return this.requests.approve(by, tenantId, p.requestId, body);
  }

  @Post(':requestId/deny')
  @HttpCode(200)
  @RequirePermission(Permissions.GRANTS_MANAGE)
  @ApiRoute({ summary: 'Deny an access request (seller)', response: AccessRequestViewSchema })
  deny(
    @Actor() by: ActorContext,
    @TenantScope() tenantId: string,
    @Param() p: RequestIdParam,
    @Body() body: DenyAccessRequestBody,
  ): Promise<AccessRequestView> {
    return this.requests.deny(by, tenantId, p.requestId, body.reason);
  }

  @Post(':requestId/cancel')
  @HttpCode(200)
  @RequirePermission(Permissions.ACCESS_REQUESTS_CREATE)
  @ApiRoute({ summary: 'Withdraw one’s own pending access request (staff)', response: AccessRequestViewSchema })
  cancel(@Actor() by: ActorContext, @Param() p: RequestIdParam): Promise<AccessRequestView> {
    return this.requests.cancel(by, p.requestId);
  }
}
