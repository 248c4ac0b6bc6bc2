import { Body, Controller, Delete, Get, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { Actor, Permissions, RequirePermission, TenantScope, type ActorContext } from '../auth';
import { IsInstant } from '../platform/validation/instant';
import type { LegalHoldView } from './legal-hold.mapper';
import { LegalHoldsService, MAX_HOLD_REASON, MAX_HOLD_REQUESTER } from './legal-holds.service';
import { z } from 'zod';
import { ApiRoute } from '../platform/http/openapi/api-route';
import { LegalHoldViewSchema } from './retention.schema';

class PlaceHoldBody {
  @ApiPropertyOptional({ type: [String], description: 'orders held; omit to hold every order of the seller' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @IsUUID('all', { each: true })
  orderIds?: string[];

  @ApiProperty({ description: 'why (a case, an audit); never buyer data' })
  @IsString()
  @Length(1, MAX_HOLD_REASON)
  reason: string;

  @ApiProperty({ description: 'who asked for the hold (a person, a court, an authority)' })
  @IsString()
  @Length(1, MAX_HOLD_REQUESTER)
  requester: string;

  @ApiProperty({ type: String, format: 'date-time', description: 'at most one year ahead; renewable' })
  @IsInstant()
  expiresAt: Date;
}

class RenewHoldBody {
  @ApiProperty({ type: String, format: 'date-time', description: 'at most one year from now' })
  @IsInstant()
  expiresAt: Date;
}

class HoldIdParam {
  @IsUUID()
  holdId: string;
}

/**
 * Legal holds of a seller: placed, renewed and released by the seller (`legal_holds:manage`, implied by
 * `retention:manage`) or by admin staff holding the seller's grant.
 */
@ApiTags('retention')
@ApiBearerAuth()
@ApiHeader({ name: 'X-Tenant-Id', required: false, description: 'tenant to act on (staff keys only)' })
@Controller('v1/legal-holds')
export class LegalHoldsController {
  constructor(private readonly holds: LegalHoldsService) {}

  @Post()
  @RequirePermission(Permissions.LEGAL_HOLDS_MANAGE)
  @ApiRoute({
    summary: 'Place a legal hold on the tenant or listed orders: nothing it covers is destroyed until it ends',
    status: 201,
    response: LegalHoldViewSchema,
  })
  place(
    @Actor() by: ActorContext,
    @TenantScope() tenantId: string,
    @Body() body: PlaceHoldBody,
  ): Promise<LegalHoldView> {
    return this.holds.place(by, tenantId, body);
  }

  /** Every hold of the seller, active, expired and released. */
  @Get()
  @RequirePermission(Permissions.LEGAL_HOLDS_MANAGE)
  @ApiRoute({ summary: 'The seller’s legal holds, active and past', response: z.array(LegalHoldViewSchema) })
  list(@TenantScope() tenantId: string): Promise<LegalHoldView[]> {
    return this.holds.list(tenantId);
  }

  @Get(':holdId')
  @RequirePermission(Permissions.LEGAL_HOLDS_MANAGE)
  @ApiRoute({ summary: 'One legal hold', response: LegalHoldViewSchema })
  get(@TenantScope() tenantId: string, @Param() p: HoldIdParam): Promise<LegalHoldView> {
    return this.holds.get(tenantId, p.holdId);
  }

  /** A new expiry for an active hold. */
  @Post(':holdId/renew')
  @RequirePermission(Permissions.LEGAL_HOLDS_MANAGE)
  @ApiRoute({ summary: 'Extend a legal hold to a later end', status: 201, response: LegalHoldViewSchema })
  renew(
    @Actor() by: ActorContext,
    @TenantScope() tenantId: string,
    @Param() p: HoldIdParam,
    @Body() body: RenewHoldBody,
  ): Promise<LegalHoldView> {
    return this.holds.renew(by, tenantId, p.holdId, body.expiresAt);
  }

  /** Ends the hold: what it kept and is overdue goes in the next sweep. */
  @Delete(':holdId')
  @RequirePermission(Permissions.LEGAL_HOLDS_MANAGE)
  @ApiRoute({
    summary: 'Release a legal hold (what it kept is destroyed by the next sweep when due)',
    response: LegalHoldViewSchema,
  })
  release(@Actor() by: ActorContext, @TenantScope() tenantId: string, @Param() p: HoldIdParam): Promise<LegalHoldView> {
    return this.holds.release(by, tenantId, p.holdId);
  }
}
