import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, IsUUID, Length, Max, Min } from 'class-validator';
import { Type } from 'class-transformer';
import { Actor, Permissions, RequirePermission, type ActorContext } from '../auth';
import type { TenantView } from './tenant.mapper';
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
  @ApiCreatedResponse({ description: 'tenant created' })
  create(@Actor() by: ActorContext, @Body() body: CreateTenantBody): Promise<TenantView> {
    return this.tenants.create(by, body.name);
  }

  @Get()
  @RequirePermission(Permissions.TENANTS_MANAGE)
  @ApiOkResponse({ description: 'tenants, ordered by id' })
  list(@Query() query: ListTenantsQuery): Promise<TenantView[]> {
    return this.tenants.list(query.limit, query.after);
  }

  @Get(':tenantId')
  @RequirePermission(Permissions.TENANTS_MANAGE)
  get(@Param() params: TenantIdParam): Promise<TenantView> {
    return this.tenants.get(params.tenantId);
  }
}
