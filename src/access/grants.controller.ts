import { IsInstant } from '../platform/validation/instant';
import { Body, Controller, Delete, Get, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { DomainError, ErrorCodes } from '../platform/errors/domain-error';
import {
  Actor,
  CurrentPrincipal,
  Permissions,
  RequirePermission,
  TenantScope,
  type ActorContext,
  type Principal,
} from '../auth';
import { GrantsService, type GrantView } from './grants.service';
import { z } from 'zod';
import { ApiRoute } from '../platform/http/openapi/api-route';
import { GrantViewSchema } from './grant.schema';

class CreateGrantBody {
  @ApiPropertyOptional({ description: 'one staff member…' })
  @IsOptional()
  @IsUUID()
  granteeStaffId?: string;

  @ApiPropertyOptional({ enum: ['support', 'admin'], description: '…or everyone with a role' })
  @IsOptional()
  @IsIn(['support', 'admin'])
  granteeRole?: 'support' | 'admin';

  @ApiPropertyOptional({ type: [String], description: 'orders covered; omit for all orders' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @IsUUID('all', { each: true })
  orderIds?: string[];

  @ApiProperty({ type: String, format: 'date-time', description: 'at most 30 days ahead' })
  @IsInstant()
  expiresAt: Date;

  @ApiPropertyOptional({ description: 'support ticket the help request came in (records consent)' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  ticketRef?: string;
}

class GrantIdParam {
  @IsUUID()
  grantId: string;
}

/** Sellers grant and revoke staff access to their buyers' data; staff see what they were granted. */
@ApiTags('access')
@ApiBearerAuth()
@Controller('v1/grants')
export class GrantsController {
  constructor(private readonly grants: GrantsService) {}

  @Post()
  @RequirePermission(Permissions.GRANTS_MANAGE)
  @ApiRoute({
    summary: 'Grant our staff access to buyer data (one member or a role; all or listed orders; until a time)',
    status: 201,
    response: GrantViewSchema,
  })
  create(
    @Actor() by: ActorContext,
    @TenantScope() tenantId: string,
    @Body() body: CreateGrantBody,
  ): Promise<GrantView> {
    return this.grants.create(by, tenantId, body);
  }

  @Get()
  @RequirePermission(Permissions.GRANTS_MANAGE)
  @ApiRoute({ summary: 'The seller’s grants to our staff, active and past', response: z.array(GrantViewSchema) })
  list(@TenantScope() tenantId: string): Promise<GrantView[]> {
    return this.grants.list(tenantId);
  }

  /** Grants the calling staff member holds now (by name or by role). */
  @Get('mine')
  @RequirePermission(Permissions.GRANTS_READ_OWN)
  @ApiRoute({
    summary: 'Grants the calling staff member holds now (by name or by role)',
    response: z.array(GrantViewSchema),
  })
  mine(@CurrentPrincipal() p: Principal): Promise<GrantView[]> {
    if (p.kind !== 'staff') throw new DomainError(ErrorCodes.FORBIDDEN, 'only staff hold grants');
    return this.grants.listForStaff({ staffId: p.id, role: p.role });
  }

  @Delete(':grantId')
  @RequirePermission(Permissions.GRANTS_MANAGE)
  @ApiRoute({ summary: 'Revoke a grant at once', response: GrantViewSchema })
  revoke(@Actor() by: ActorContext, @TenantScope() tenantId: string, @Param() p: GrantIdParam): Promise<GrantView> {
    return this.grants.revoke(by, tenantId, p.grantId);
  }
}
