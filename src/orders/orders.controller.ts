import { IsInstant } from '../platform/validation/instant';
import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { Permissions, RequirePermission, StaffAccess, TenantScope, type StaffTenantAccess } from '../auth';
import type { MaskedOrderView } from './order.mapper';
import { OrdersService, type OrderPage } from './orders.service';

const STATUSES = ['pending', 'unshipped', 'partially_shipped', 'shipped', 'delivered', 'cancelled'];

class ListOrdersQuery {
  @IsOptional()
  @IsIn(STATUSES)
  status?: string;

  @IsOptional()
  @IsIn(['amazon', 'ebay'])
  marketplace?: string;

  @IsOptional()
  @IsInstant()
  updatedSince?: Date;

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

class OrderIdParam {
  @IsUUID()
  orderId: string;
}

@ApiTags('orders')
@ApiBearerAuth()
@ApiHeader({ name: 'X-Tenant-Id', required: false, description: 'tenant to act on (staff keys only)' })
@Controller('v1/orders')
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  @Get()
  @RequirePermission(Permissions.ORDERS_READ)
  @ApiOkResponse({ description: 'masked orders (no buyer data), oldest change first, cursor-paged' })
  list(
    @TenantScope() tenantId: string,
    @StaffAccess() access: StaffTenantAccess | undefined,
    @Query() query: ListOrdersQuery,
  ): Promise<OrderPage> {
    return this.orders.list(tenantId, { ...query, onlyOrderIds: access?.orderIds });
  }

  @Get(':orderId')
  @RequirePermission(Permissions.ORDERS_READ)
  @ApiOkResponse({ description: 'one masked order' })
  get(
    @TenantScope() tenantId: string,
    @StaffAccess() access: StaffTenantAccess | undefined,
    @Param() params: OrderIdParam,
  ): Promise<MaskedOrderView> {
    return this.orders.get(tenantId, params.orderId, access?.orderIds);
  }
}
