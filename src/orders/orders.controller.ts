import { IsInstant } from '../platform/validation/instant';
import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import { ApiRoute } from '../platform/http/openapi/api-route';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import {
  CurrentPrincipal,
  Permissions,
  RequirePermission,
  StaffAccess,
  TenantScope,
  type Principal,
  type StaffTenantAccess,
} from '../auth';
import type { MaskedOrderView } from './order.mapper';
import { MaskedOrderViewSchema, OrderPageSchema } from './order.schema';
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

  /** `true`: only orders the seller's system acknowledged; `false`: only those not yet acknowledged. */
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'acknowledged must be true or false' })
  acknowledged?: boolean;

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
  @ApiRoute({
    summary: 'List orders',
    description: 'Masked orders (no buyer data), oldest change first, cursor-paged.',
    response: OrderPageSchema,
  })
  list(
    @TenantScope() tenantId: string,
    @StaffAccess() access: StaffTenantAccess | undefined,
    @Query() query: ListOrdersQuery,
  ): Promise<OrderPage> {
    return this.orders.list(tenantId, { ...query, onlyOrderIds: access?.orderIds });
  }

  @Get(':orderId')
  @RequirePermission(Permissions.ORDERS_READ)
  @ApiRoute({ summary: 'Get one order (masked)', response: MaskedOrderViewSchema })
  get(
    @TenantScope() tenantId: string,
    @StaffAccess() access: StaffTenantAccess | undefined,
    @Param() params: OrderIdParam,
  ): Promise<MaskedOrderView> {
    return this.orders.get(tenantId, params.orderId, access?.orderIds);
  }

  @Post(':orderId/acknowledge')
  @HttpCode(200)
  @RequirePermission(Permissions.ORDERS_ACKNOWLEDGE)
  @ApiRoute({
    summary: 'Acknowledge an order',
    description: 'The masked order with its acknowledgement (the first one stands; repeats change nothing).',
    response: MaskedOrderViewSchema,
  })
  acknowledge(
    @CurrentPrincipal() caller: Principal,
    @TenantScope() tenantId: string,
    @Param() params: OrderIdParam,
  ): Promise<MaskedOrderView> {
    return this.orders.acknowledge(caller, tenantId, params.orderId);
  }
}
