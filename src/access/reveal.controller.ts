import { Controller, createParamDecorator, HttpCode, Post, Res, type ExecutionContext } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { RevealedOrderView } from '../orders';
import { Actor, Permissions, RequirePermission, TenantScope, type ActorContext } from '../auth';
import { MAX_BATCH_ORDERS, type BatchRevealAttempt, type RevealAttempt } from './reveal-input';
import { RevealService, type BatchRevealResponse } from './reveal.service';
import { RevealedOrderViewSchema } from '../orders';
import { ApiRoute } from '../platform/http/openapi/api-route';
import { BatchRevealResponseSchema } from './reveal.schema';

/**
 * The attempt exactly as it arrived (order id, reason header, body), handed to
 * the service unvalidated on purpose: a custom parameter passes no global pipe,
 * so a malformed reveal is refused by the service, which logs it, rather than
 * by a pipe that would refuse it unseen.
 */
export const Attempt = createParamDecorator((_: unknown, ctx: ExecutionContext): RevealAttempt => {
  const req = ctx.switchToHttp().getRequest<Request>();
  return { orderId: req.params.orderId, reason: req.header('x-access-reason'), body: req.body as unknown };
});

/** A batch reveal exactly as it arrived (reason header, body), unvalidated for the same reason as `Attempt`. */
export const BatchAttempt = createParamDecorator((_: unknown, ctx: ExecutionContext): BatchRevealAttempt => {
  const req = ctx.switchToHttp().getRequest<Request>();
  return { reason: req.header('x-access-reason'), body: req.body as unknown };
});

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
  description: 'why this buyer data is needed, 1-500 characters without control characters (break-glass: at least 20)',
})
@Controller('v1/orders')
export class RevealController {
  constructor(private readonly reveals: RevealService) {}

  @Post('reveal')
  @HttpCode(200)
  @RequirePermission(Permissions.ORDERS_READ_PII)
  @ApiBody({
    required: true,
    schema: {
      type: 'object',
      additionalProperties: false,
      required: ['orderIds'],
      properties: {
        orderIds: {
          type: 'array',
          minItems: 1,
          maxItems: MAX_BATCH_ORDERS,
          items: { type: 'string', format: 'uuid' },
          description: `1-${MAX_BATCH_ORDERS} order ids (repeats are read once)`,
        },
        ticketRef: { type: 'string', description: 'support ticket this access serves (printable ASCII, 1-100)' },
      },
    },
  })
  @ApiRoute({
    summary: 'Reveal the buyer data of up to 100 orders for one reason (one access-log entry)',
    description:
      'one result per order, in the order named: `revealed` with the order and its buyer data, or `destroyed`, `no_buyer_data`, `not_found`; one access-log entry for the batch was committed with it',
    response: BatchRevealResponseSchema,
  })
  revealBatch(
    @Actor() by: ActorContext,
    @TenantScope() tenantId: string,
    @BatchAttempt() attempt: BatchRevealAttempt,
    @Res({ passthrough: true }) res: Response,
  ): Promise<BatchRevealResponse> {
    res.setHeader('Cache-Control', 'no-store');
    return this.reveals.revealBatch(by, { tenantId, ...attempt });
  }

  @Post(':orderId/reveal')
  @HttpCode(200)
  @RequirePermission(Permissions.ORDERS_READ_PII)
  @ApiParam({ name: 'orderId', type: String, format: 'uuid' })
  @ApiBody({
    required: false,
    schema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        ticketRef: { type: 'string', description: 'support ticket this access serves (printable ASCII, 1-100)' },
      },
    },
  })
  @ApiRoute({
    summary: 'Reveal one order’s buyer data with a reason (X-Access-Reason), logged before it is returned',
    response: RevealedOrderViewSchema,
  })
  reveal(
    @Actor() by: ActorContext,
    @TenantScope() tenantId: string,
    @Attempt() attempt: RevealAttempt,
    @Res({ passthrough: true }) res: Response,
  ): Promise<RevealedOrderView> {
    res.setHeader('Cache-Control', 'no-store');
    return this.reveals.reveal(by, { tenantId, ...attempt });
  }
}
