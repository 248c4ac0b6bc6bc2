import { Body, Controller, Headers, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { IsOptional, IsString, IsUUID, Length } from 'class-validator';
import type { RevealedOrderView } from '../orders';
import { Actor, Permissions, RequirePermission, TenantScope, type ActorContext } from '../auth';
import { RevealService } from './reveal.service';

class OrderIdParam {
  @IsUUID()
  orderId: string;
}

class RevealBody {
  @ApiPropertyOptional({ description: 'support ticket this access serves' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  ticketRef?: string;
}

/**
 * Revealing an order's buyer data is an explicit, audited action (POST, never
 * cached) carrying a reason; reading orders everywhere else returns them masked.
 */
@ApiTags('orders')
@ApiBearerAuth()
@ApiHeader({ name: 'X-Tenant-Id', required: false, description: 'tenant to act on (staff keys only)' })
@ApiHeader({
  name: 'X-Access-Reason',
  required: true,
  description: 'why this buyer data is needed (break-glass: at least 20 characters)',
})
@Controller('v1/orders')
export class RevealController {
  constructor(private readonly reveals: RevealService) {}

  @Post(':orderId/reveal')
  @HttpCode(200)
  @RequirePermission(Permissions.ORDERS_READ_PII)
  @ApiOkResponse({ description: 'the order with its buyer data; an access-log entry was committed with it' })
  reveal(
    @Actor() by: ActorContext,
    @TenantScope() tenantId: string,
    @Param() p: OrderIdParam,
    @Headers('x-access-reason') reason: string | undefined,
    @Body() body: RevealBody,
    @Res({ passthrough: true }) res: Response,
  ): Promise<RevealedOrderView> {
    res.setHeader('Cache-Control', 'no-store');
    return this.reveals.reveal(by, { tenantId, orderId: p.orderId, reason, ticketRef: body?.ticketRef });
  }
}
