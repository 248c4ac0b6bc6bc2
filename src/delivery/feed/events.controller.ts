import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import type { Response } from 'express';
import { Permissions, RequirePermission, StaffAccess, TenantScope, type StaffTenantAccess } from '../../auth';
import {
  EventFeedService,
  FEED_EVENT_TYPES,
  FEED_MAX_LIMIT,
  FEED_MAX_WAIT_SECONDS,
  type FeedResponse,
} from './event-feed.service';
import { ApiRoute } from '../../platform/http/openapi/api-route';
import { FeedResponseSchema } from './feed.schema';

class FeedQuery {
  @ApiPropertyOptional({ description: 'cursor from the previous answer (`nextCursor`); absent: from the oldest kept' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  after?: string;

  @ApiPropertyOptional({ description: `comma-separated event types (${FEED_EVENT_TYPES.join(', ')}); absent: all` })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  types?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: FEED_MAX_LIMIT, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(FEED_MAX_LIMIT)
  limit?: number;

  @ApiPropertyOptional({
    minimum: 0,
    maximum: FEED_MAX_WAIT_SECONDS,
    description: 'seconds to wait for an event when none is ready (long-poll)',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(FEED_MAX_WAIT_SECONDS)
  wait?: number;
}

/** The pull feed, for sellers' systems that cannot receive webhooks. */
@ApiTags('events')
@ApiBearerAuth()
@ApiHeader({ name: 'X-Tenant-Id', required: false, description: 'tenant to act on (staff keys only)' })
@Controller('v1/events')
export class EventsController {
  constructor(private readonly feed: EventFeedService) {}

  @Get()
  @RequirePermission(Permissions.ORDERS_READ)
  @ApiRoute({
    summary: 'The pull feed: thin events in commit order, cursor-paged, optionally long-polled',
    response: FeedResponseSchema,
  })
  list(
    @TenantScope() tenantId: string,
    @StaffAccess() access: StaffTenantAccess | undefined,
    @Query() query: FeedQuery,
    @Res({ passthrough: true }) res: Response,
  ): Promise<FeedResponse> {
    const gone = new AbortController();
    res.on('close', () => gone.abort());
    res.setHeader('Cache-Control', 'no-store');
    return this.feed.read({ tenantId, onlyOrderIds: access?.orderIds, ...query, signal: gone.signal });
  }
}
