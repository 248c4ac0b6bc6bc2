import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Max, Min, ValidateNested } from 'class-validator';
import { Actor, Permissions, RequirePermission, TenantScope, type ActorContext } from '../auth';
import { validationFailed } from '../platform/errors/domain-error';
import { RETENTION_MARKETPLACES } from './retention-caps';
import type { RetentionPolicyView } from './retention-policy.mapper';
import { RetentionPolicyService, type RetentionChange } from './retention-policy.service';
import { RetentionOverview, type RetentionStatus } from './retention-overview.service';
import { ApiRoute } from '../platform/http/openapi/api-route';
import { RetentionPolicyViewSchema, RetentionStatusSchema } from './retention.schema';

class MarketplaceRetentionBody {
  @ApiPropertyOptional({
    description: 'days after the retention anchor; at most the marketplace cap (Amazon 30, eBay 90)',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  // Bounded at the edge; the cap itself is a domain rule with its own message.
  @Max(36500)
  piiWindowDays?: number;

  @ApiPropertyOptional({
    description: 'months after purchase that the order record is deleted: 18 (default) to 120, above 18 with a basis',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1200)
  orderRecordMonths?: number;

  @ApiPropertyOptional({ description: 'the legal basis for keeping order records longer than 18 months' })
  @IsOptional()
  @IsString()
  @Length(1, 300)
  orderRecordBasis?: string;
}

class RetentionBody {
  @ApiPropertyOptional({ type: MarketplaceRetentionBody })
  @IsOptional()
  @ValidateNested()
  @Type(() => MarketplaceRetentionBody)
  amazon?: MarketplaceRetentionBody;

  @ApiPropertyOptional({ type: MarketplaceRetentionBody })
  @IsOptional()
  @ValidateNested()
  @Type(() => MarketplaceRetentionBody)
  ebay?: MarketplaceRetentionBody;
}

@ApiTags('retention')
@ApiBearerAuth()
@ApiHeader({ name: 'X-Tenant-Id', required: false, description: 'tenant to act on (staff keys only)' })
@Controller('v1/retention')
export class RetentionController {
  constructor(
    private readonly policies: RetentionPolicyService,
    private readonly overview: RetentionOverview,
  ) {}

  /** The seller's buyer-data windows per marketplace, with their caps. */
  @Get()
  @RequirePermission(Permissions.RETENTION_MANAGE)
  @ApiRoute({
    summary: 'The seller’s buyer-data windows per marketplace, with their caps',
    response: RetentionPolicyViewSchema,
  })
  get(@TenantScope() tenantId: string): Promise<RetentionPolicyView> {
    return this.policies.view(tenantId);
  }

  /**
   * Where the seller's buyer data stands now, per marketplace: orders holding it, due within 7 days, overdue
   * (the next sweep destroys them), destroyed in the last 30 days. Counts and dates only.
   */
  @Get('status')
  @RequirePermission(Permissions.RETENTION_MANAGE)
  @ApiRoute({
    summary: 'Where the seller’s buyer data stands now: held, due within 7 days, overdue, destroyed lately',
    response: RetentionStatusSchema,
  })
  status(@TenantScope() tenantId: string): Promise<RetentionStatus> {
    return this.overview.status(tenantId);
  }

  /**
   * Sets the buyer-data windows and order-record periods of the marketplaces named (others keep theirs).
   * Above a cap is refused; order records longer than 18 months need a stated legal basis.
   */
  @Put()
  @RequirePermission(Permissions.RETENTION_MANAGE)
  @ApiRoute({
    summary: 'Set buyer-data windows and order-record periods of the marketplaces named (caps enforced)',
    response: RetentionPolicyViewSchema,
  })
  put(
    @Actor() by: ActorContext,
    @TenantScope() tenantId: string,
    @Body() body: RetentionBody,
  ): Promise<RetentionPolicyView> {
    const changes: RetentionChange[] = RETENTION_MARKETPLACES.flatMap((marketplace) => {
      const given = body[marketplace];
      if (!given) return [];
      if (given.orderRecordBasis !== undefined && given.orderRecordMonths === undefined) {
        throw validationFailed('orderRecordBasis goes with orderRecordMonths', [
          { field: `${marketplace}.orderRecordMonths`, issue: 'missing' },
        ]);
      }
      return [
        {
          marketplace,
          piiWindowDays: given.piiWindowDays,
          orderRecord:
            given.orderRecordMonths === undefined
              ? undefined
              : { months: given.orderRecordMonths, basis: given.orderRecordBasis ?? null },
        },
      ];
    });
    if (!changes.length) throw validationFailed('name at least one marketplace', [{ issue: 'amazon or ebay' }]);
    return this.policies.change(by, tenantId, changes);
  }
}
