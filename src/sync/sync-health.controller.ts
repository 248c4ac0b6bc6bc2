import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { Permissions, RequirePermission, TenantScope } from '../auth';
import { ApiRoute } from '../platform/http/openapi/api-route';
import { SyncHealthService, type ConnectionHealthView } from './sync-health';
import { ConnectionHealthViewSchema } from './sync-health.schema';

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
