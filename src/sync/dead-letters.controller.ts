import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';
import { Permissions, RequirePermission, StaffAccess, TenantScope, type StaffTenantAccess } from '../auth';
import type { DeadLetterView } from './dead-letter.mapper';
import { DeadLettersService, type DeadLetterPage } from './dead-letters.service';
import { ApiRoute } from '../platform/http/openapi/api-route';
import { DeadLetterPageSchema, DeadLetterViewSchema } from './dead-letter.schema';

class ListDeadLettersQuery {
  @IsOptional()
  @IsUUID()
  connectionId?: string;

  @IsOptional()
  @IsIn(['amazon', 'ebay'])
  marketplace?: string;

  @IsOptional()
  @IsString()
  @Matches(/^[a-z][a-z0-9_]{0,63}$/)
  reasonCode?: string;

  @IsOptional()
  @IsIn(['open', 'resolved', 'all'])
  state?: 'open' | 'resolved' | 'all';

  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}

class DeadLetterIdParam {
  @IsUUID()
  deadLetterId: string;
}

/**
 * Orders the sync could not read, masked: code, PII-free detail, attempts, replay and resolution;
 * never the sealed payload. Sellers with orders:read; support and admin staff with the seller's grant.
 */
@ApiTags('sync')
@ApiBearerAuth()
@ApiHeader({ name: 'X-Tenant-Id', required: false, description: 'tenant to act on (staff keys only)' })
@Controller('v1/dead-letters')
export class DeadLettersController {
  constructor(private readonly deadLetters: DeadLettersService) {}

  @Get()
  @RequirePermission(Permissions.ORDERS_READ)
  @ApiRoute({
    summary: 'Orders that could not be read (open by default), oldest first, masked',
    response: DeadLetterPageSchema,
  })
  list(
    @TenantScope() tenantId: string,
    @StaffAccess() access: StaffTenantAccess | undefined,
    @Query() query: ListDeadLettersQuery,
  ): Promise<DeadLetterPage> {
    return this.deadLetters.list(tenantId, query, access?.orderIds);
  }

  @Get(':deadLetterId')
  @RequirePermission(Permissions.ORDERS_READ)
  @ApiRoute({ summary: 'One dead letter, masked', response: DeadLetterViewSchema })
  get(
    @TenantScope() tenantId: string,
    @StaffAccess() access: StaffTenantAccess | undefined,
    @Param() params: DeadLetterIdParam,
  ): Promise<DeadLetterView> {
    return this.deadLetters.get(tenantId, params.deadLetterId, access?.orderIds);
  }
}
