import { Body, Controller, Delete, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ApiRoute } from '../platform/http/openapi/api-route';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';
import { Actor, Permissions, RequirePermission, TenantScope, type ActorContext } from '../auth';
import type { ConnectionView } from './connection.mapper';
import { ConnectionViewSchema } from './connection.schema';
import { ConnectionsService } from './connections.service';

class AddConnectionBody {
  @ApiProperty({ enum: ['amazon', 'ebay'] })
  @IsIn(['amazon', 'ebay'])
  marketplace: 'amazon' | 'ebay';

  @ApiProperty({ description: 'Amazon region (na, eu, fe) or eBay marketplace id (EBAY_DE)' })
  @IsString()
  @Length(2, 16)
  region: string;

  @ApiPropertyOptional({ type: [String], description: 'Amazon marketplace ids to sync' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  marketplaceIds?: string[];

  @ApiProperty({ description: 'Amazon selling_partner_id or eBay seller user id' })
  @IsString()
  @Matches(/^[\w.@-]{1,128}$/)
  accountId: string;

  @ApiProperty({ description: 'refresh token issued by the marketplace (stored sealed, never shown again)' })
  @IsString()
  @Length(8, 4096)
  refreshToken: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 200)
  displayName?: string;
}

class DisconnectQuery {
  @ApiPropertyOptional({
    description:
      'days to keep the buyer data so a re-authorisation can continue the connection (0 to 30; default 0: destroyed now)',
  })
  @IsOptional()
  @Matches(/^\d{1,2}$/, { message: 'graceDays must be a whole number of days from 0 to 30' })
  graceDays?: string;
}

class ConnectionIdParam {
  @IsUUID()
  connectionId: string;
}

@ApiTags('connections')
@ApiBearerAuth()
@ApiHeader({ name: 'X-Tenant-Id', required: false, description: 'tenant to act on (staff keys only)' })
@Controller('v1/connections')
export class ConnectionsController {
  constructor(private readonly connections: ConnectionsService) {}

  /** Adds a connection directly from a refresh token the seller already holds. */
  @Post()
  @RequirePermission(Permissions.CONNECTIONS_MANAGE)
  @ApiRoute({
    summary: 'Add a connection from a refresh token',
    description: 'Refused when this server has no application credentials for the marketplace.',
    status: 201,
    response: ConnectionViewSchema,
  })
  add(
    @Actor() by: ActorContext,
    @TenantScope() tenantId: string,
    @Body() body: AddConnectionBody,
  ): Promise<ConnectionView> {
    return this.connections.connect(by, {
      tenantId,
      marketplace: body.marketplace,
      region: body.region,
      marketplaceIds: body.marketplaceIds ?? [],
      accountId: body.accountId,
      displayName: body.displayName,
      credentials: { refreshToken: body.refreshToken },
    });
  }

  @Get()
  @RequirePermission(Permissions.CONNECTIONS_MANAGE)
  @ApiRoute({ summary: 'List connections', response: z.array(ConnectionViewSchema) })
  list(@TenantScope() tenantId: string): Promise<ConnectionView[]> {
    return this.connections.list(tenantId);
  }

  @Get(':connectionId')
  @RequirePermission(Permissions.CONNECTIONS_MANAGE)
  @ApiRoute({ summary: 'Get one connection', response: ConnectionViewSchema })
  get(@TenantScope() tenantId: string, @Param() p: ConnectionIdParam): Promise<ConnectionView> {
    return this.connections.get(tenantId, p.connectionId);
  }

  /**
   * Disconnects: syncing stops, the stored credentials are destroyed and the connection's buyer data is
   * scheduled for destruction (now, or after `graceDays`).
   */
  @Delete(':connectionId')
  @RequirePermission(Permissions.CONNECTIONS_MANAGE)
  @ApiRoute({
    summary: 'Disconnect',
    description: 'Syncing stops, credentials are destroyed, buyer data is scheduled for destruction.',
    response: ConnectionViewSchema,
  })
  disconnect(
    @Actor() by: ActorContext,
    @TenantScope() tenantId: string,
    @Param() p: ConnectionIdParam,
    @Query() q: DisconnectQuery,
  ): Promise<ConnectionView> {
    return this.connections.disconnect(by, tenantId, p.connectionId, {
      graceDays: q.graceDays === undefined ? undefined : Number(q.graceDays),
    });
  }
}
