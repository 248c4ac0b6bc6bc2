import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { Actor, Permissions, RequirePermission, TenantScope, type ActorContext } from '../../auth';
import { IsInstant } from '../../platform/validation/instant';
import { ORDER_EVENT_TYPES, OPERATIONAL_EVENT_TYPES, PING_EVENT_TYPE } from '../event-types';
import { ApiRoute } from '../../platform/http/openapi/api-route';
import { EndpointStatsViewSchema } from './endpoint-stats.schema';
import { DeliveryPageSchema, DeliveryViewSchema, DeliveryWithAttemptsSchema } from './delivery.schema';
import { ReplayListSchema, ReplayViewSchema } from '../replay/delivery-replay.schema';
import type { ReplayView } from '../replay/delivery-replay.mapper';
import { DeliveryReplaysService } from '../replay/delivery-replays.service';
import { DeliveriesService, STATUS_FILTERS, type DeliveryPage } from './deliveries.service';
import type { AttemptView, DeliveryView, EndpointStatsView } from './delivery.mapper';

const EVENT_TYPES = [...ORDER_EVENT_TYPES, ...OPERATIONAL_EVENT_TYPES, PING_EVENT_TYPE];

class ListDeliveriesQuery {
  @IsOptional()
  @IsIn(STATUS_FILTERS)
  status?: string;

  @IsOptional()
  @IsIn(EVENT_TYPES)
  eventType?: string;

  @IsOptional()
  @IsUUID()
  orderId?: string;

  @IsOptional()
  @IsInstant()
  since?: Date;

  @IsOptional()
  @IsInstant()
  until?: Date;

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

class ReplayQuery {
  @IsInstant()
  since: Date;
}

class EndpointIdParam {
  @IsUUID()
  endpointId: string;
}

class ReplayIdParam {
  @IsUUID()
  replayId: string;
}

class DeliveryIdParam {
  @IsUUID()
  deliveryId: string;
}

/**
 * Deliveries of a seller's endpoints: listing, one with its attempts (never the
 * receivers' answers, which may echo buyer data), a manual retry, a ping, and
 * replays (recovering an endpoint since an instant, in the background). Staff
 * with the seller's grant may read; only the seller retries, pings and replays.
 */
@ApiTags('delivery')
@ApiBearerAuth()
@ApiHeader({ name: 'X-Tenant-Id', required: false, description: 'tenant to act on (staff keys only)' })
@Controller('v1')
export class DeliveriesController {
  constructor(
    private readonly deliveries: DeliveriesService,
    private readonly replays: DeliveryReplaysService,
  ) {}

  @Get('endpoints/:endpointId/deliveries')
  @RequirePermission(Permissions.ENDPOINTS_READ)
  @ApiRoute({ summary: 'An endpoint’s deliveries, newest first, cursor-paged', response: DeliveryPageSchema })
  list(
    @TenantScope() tenantId: string,
    @Param() params: EndpointIdParam,
    @Query() query: ListDeliveriesQuery,
  ): Promise<DeliveryPage> {
    return this.deliveries.list(tenantId, params.endpointId, query);
  }

  @Get('endpoints/:endpointId/stats')
  @RequirePermission(Permissions.ENDPOINTS_READ)
  @ApiRoute({
    summary: 'An endpoint’s delivery health: attempts per window, last success, backlog',
    response: EndpointStatsViewSchema,
  })
  stats(@TenantScope() tenantId: string, @Param() params: EndpointIdParam): Promise<EndpointStatsView> {
    return this.deliveries.stats(tenantId, params.endpointId);
  }

  @Post('endpoints/:endpointId/test')
  @HttpCode(202)
  @RequirePermission(Permissions.ENDPOINTS_MANAGE)
  @ApiRoute({
    summary: 'Queue a ping to the endpoint through the real pipeline',
    response: DeliveryViewSchema,
    status: 202,
  })
  test(@TenantScope() tenantId: string, @Param() params: EndpointIdParam): Promise<DeliveryView> {
    return this.deliveries.ping(tenantId, params.endpointId);
  }

  @Post('endpoints/:endpointId/replay')
  @HttpCode(202)
  @RequirePermission(Permissions.ENDPOINTS_MANAGE)
  @ApiRoute({
    summary:
      'Recover an endpoint since an instant, in the background: failed deliveries again, then missed events queued; poll the answer’s link',
    response: ReplayViewSchema,
    status: 202,
  })
  replay(
    @Actor() by: ActorContext,
    @TenantScope() tenantId: string,
    @Param() params: EndpointIdParam,
    @Query() query: ReplayQuery,
  ): Promise<ReplayView> {
    return this.replays.start(by, tenantId, params.endpointId, query.since);
  }

  @Get('endpoints/:endpointId/replays')
  @RequirePermission(Permissions.ENDPOINTS_READ)
  @ApiRoute({ summary: 'The endpoint’s latest replays with their progress, newest first', response: ReplayListSchema })
  async replaysOf(@TenantScope() tenantId: string, @Param() params: EndpointIdParam): Promise<{ items: ReplayView[] }> {
    return { items: await this.replays.list(tenantId, params.endpointId) };
  }

  @Get('replays/:replayId')
  @RequirePermission(Permissions.ENDPOINTS_READ)
  @ApiRoute({ summary: 'One replay and its progress', response: ReplayViewSchema })
  replayOne(@TenantScope() tenantId: string, @Param() params: ReplayIdParam): Promise<ReplayView> {
    return this.replays.get(tenantId, params.replayId);
  }

  @Get('deliveries/:deliveryId')
  @RequirePermission(Permissions.ENDPOINTS_READ)
  @ApiRoute({ summary: 'One delivery with its attempts', response: DeliveryWithAttemptsSchema })
  get(
    @TenantScope() tenantId: string,
    @Param() params: DeliveryIdParam,
  ): Promise<DeliveryView & { attempts: AttemptView[] }> {
    return this.deliveries.get(tenantId, params.deliveryId);
  }

  @Post('deliveries/:deliveryId/retry')
  @HttpCode(202)
  @RequirePermission(Permissions.ENDPOINTS_MANAGE)
  @ApiRoute({ summary: 'Send a delivery again now', response: DeliveryViewSchema, status: 202 })
  retry(@TenantScope() tenantId: string, @Param() params: DeliveryIdParam): Promise<DeliveryView> {
    return this.deliveries.retry(tenantId, params.deliveryId);
  }
}
