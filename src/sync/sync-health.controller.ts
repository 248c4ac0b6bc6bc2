import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { Permissions, RequirePermission, TenantScope } from '../auth';
import { ApiRoute } from '../platform/http/openapi/api-route';
import { TenantIdsQuery } from '../platform/validation/comma-list';
import { SyncHealthService, type ConnectionHealthView, type TenantSyncHealthView } from './sync-health';
import { ConnectionHealthViewSchema, TenantSyncHealthViewSchema } from './sync-health.schema';

@ApiTags('sync')
@ApiBearerAuth()
@ApiHeader({ name: 'X-Tenant-Id', required: false, description: 'tenant to act on (staff keys only)' })
@Controller('v1/sync')
export class SyncHealthController {
  constructor(private readonly health: SyncHealthService) {}

  /** Whoever may manage the connections sees whether they sync. */
  @Get('health')
  @RequirePermission(Permissions.CONNECTIONS_MANAGE)
  @ApiRoute({
    summary: 'Sync health of each connection: on time, delayed or action required, lag, last success, next run',
    response: z.array(ConnectionHealthViewSchema),
  })
  list(@TenantScope() tenantId: string): Promise<ConnectionHealthView[]> {
    return this.health.forTenant(tenantId);
  }
}

/** Support's roll-up: every named tenant's sync health in figures, without any grant (nothing of a seller's records). */
@ApiTags('sync')
@ApiBearerAuth()
@Controller('v1/tenant-health')
export class TenantSyncHealthController {
  constructor(private readonly health: SyncHealthService) {}

  @Get('sync')
  @RequirePermission(Permissions.TENANTS_READ)
  @ApiRoute({
    summary: 'Sync health of each named tenant in figures: connections per state, the worst, lag, last success',
    response: z.array(TenantSyncHealthViewSchema),
  })
  rollUp(@Query() query: TenantIdsQuery): Promise<TenantSyncHealthView[]> {
    return this.health.rollUp(query.tenantIds);
  }
}
