import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { Permissions, RequirePermission } from '../../auth';
import { ApiRoute } from '../../platform/http/openapi/api-route';
import { TenantIdsQuery } from '../../platform/validation/comma-list';
import { DeliveryHealthService, type TenantDeliveryHealthView } from './delivery-health';
import { TenantDeliveryHealthViewSchema } from './delivery-health.schema';

/** Support's roll-up: every named tenant's delivery health in figures, without any grant (no record of a seller's). */
@ApiTags('delivery')
@ApiBearerAuth()
@Controller('v1/tenant-health')
export class TenantDeliveryHealthController {
  constructor(private readonly health: DeliveryHealthService) {}

  @Get('delivery')
  @RequirePermission(Permissions.TENANTS_READ)
  @ApiRoute({
    summary: 'Delivery health of each named tenant in figures: endpoints per state, backlog, given up, last success',
    response: z.array(TenantDeliveryHealthViewSchema),
  })
  rollUp(@Query() query: TenantIdsQuery): Promise<TenantDeliveryHealthView[]> {
    return this.health.rollUp(query.tenantIds);
  }
}
