import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ApiRoute } from '../platform/http/openapi/api-route';
import { IsInt, IsOptional, IsString, IsUUID, Length, Max, Min } from 'class-validator';
import { Type } from 'class-transformer';
import { Actor, Permissions, RequirePermission, type ActorContext } from '../auth';
import type { TenantView } from './tenant.mapper';
import { TenantViewSchema } from './tenant.schema';
import { TenantsService } from './tenants.service';

class CreateTenantBody {
  @ApiProperty({ example: 'Acme Outdoor GmbH' })
  @IsString()
  @Length(1, 200)
  name: string;
}

class ListTenantsQuery {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @IsOptional()
  @IsUUID()
  after?: string;
}

class TenantIdParam {
  @IsUUID()
  tenantId: string;
}

@ApiTags('tenants')
@ApiBearerAuth()
@Controller('v1/tenants')
export class TenantsController {
  constructor(private readonly tenants: TenantsService) {}

  @Post()
  @RequirePermission(Permissions.TENANTS_MANAGE)
  @ApiRoute({ summary: 'Create a tenant (seller) with its keys', status: 201, response: TenantViewSchema })
  create(@Actor() by: ActorContext, @Body() body: CreateTenantBody): Promise<TenantView> {
    return this.tenants.create(by, body.name);
  }

  @Get()
  @RequirePermission(Permissions.TENANTS_READ)
  @ApiRoute({ summary: 'List tenants, ordered by id', response: z.array(TenantViewSchema) })
  list(@Query() query: ListTenantsQuery): Promise<TenantView[]> {
    return this.tenants.list(query.limit, query.after);
  }

  @Get(':tenantId')
  @RequirePermission(Permissions.TENANTS_READ)
  @ApiRoute({ summary: 'Get one tenant', response: TenantViewSchema })
  get(@Param() params: TenantIdParam): Promise<TenantView> {
    return this.tenants.get(params.tenantId);
  }
}
