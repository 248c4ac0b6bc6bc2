import { TenantPageQuery } from './tenant-page-query';
import {
  createParamDecorator,
  Get,
  Header,
  HttpCode,
  Param,
  Post,
  Query,
  Req,
  Res,
  type ExecutionContext,
} from '@nestjs/common';
import { IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import type { Request, Response } from 'express';
import { h } from 'preact';
import { holds } from '../access/access-policy';
import type { RevealAttempt } from '../access/reveal-input';
import { RevealService } from '../access/reveal.service';
import {
  Actor,
  ConsoleRoute,
  Permissions,
  RequirePermission,
  StaffAccess,
  TenantScope,
  type ActorContext,
  type StaffTenantAccess,
} from '../auth';
import { OrdersService } from '../orders';
import { RejectedBody } from '../platform/http/json-body.middleware';
import { ConsoleController } from './console-controller';
import { parseOrderForm } from './order-filter-form';
import { Page, type PageContext } from './page-context';
import { HTML, renderFragment, renderPage } from './render';
import { OrderPage, OrdersPage, RevealedBuyer } from './views/orders-page';

class OrdersPageQuery extends TenantPageQuery {
  @IsOptional() @IsString() @MaxLength(128) marketplace?: string;
  @IsOptional() @IsString() @MaxLength(128) status?: string;
  @IsOptional() @IsString() @MaxLength(64) updatedSince?: string;
  @IsOptional() @IsString() @MaxLength(200) cursor?: string;
}

class OrderIdParam {
  @IsUUID()
  orderId: string;
}

/**
 * The reveal form as it arrived (order id, the `reason` and `ticketRef` fields),
 * handed to the reveal service unvalidated for the same reason as the API's:
 * a malformed reveal is refused by the service, which logs it. An API key may
 * send the reason as X-Access-Reason, as on POST /v1/orders/:id/reveal.
 */
const FormAttempt = createParamDecorator((_: unknown, ctx: ExecutionContext): RevealAttempt => {
  const req = ctx.switchToHttp().getRequest<Request>();
  const orderId = req.params.orderId;
  const body = req.body as unknown;
  if (!body || typeof body !== 'object' || Array.isArray(body) || body instanceof RejectedBody) {
    return { orderId, reason: req.header('x-access-reason'), body };
  }
  const { reason, ticketRef } = body as { reason?: unknown; ticketRef?: unknown };
  return {
    orderId,
    reason: reason !== undefined ? reason : req.header('x-access-reason'),
    // An empty optional field is no ticket; anything else is the service's to judge.
    body: ticketRef === undefined || ticketRef === '' ? undefined : { ticketRef },
  };
});

/**
 * Orders, masked, as GET /v1/orders and /v1/orders/:id serve them; revealing an
 * order's buyer data with a reason goes through the same service as
 * POST /v1/orders/:id/reveal, so it is decided and logged the same way.
 */
@ConsoleController('console/orders')
export class OrdersPageController {
  constructor(
    private readonly orders: OrdersService,
    private readonly reveals: RevealService,
  ) {}

  @Get()
  @ConsoleRoute()
  @RequirePermission(Permissions.ORDERS_READ)
  @Header('Content-Type', HTML)
  async list(
    @Page() ctx: PageContext,
    @TenantScope() tenantId: string,
    @StaffAccess() access: StaffTenantAccess | undefined,
    @Query() q: OrdersPageQuery,
    @Res({ passthrough: true }) res: Response,
  ): Promise<string> {
    const form = parseOrderForm(q);
    if (form.problems.length) {
      res.status(400);
      return renderPage(h(OrdersPage, { ctx, values: form.values, page: null, problems: form.problems }));
    }
    const page = await this.orders.list(tenantId, { ...form.query, onlyOrderIds: access?.orderIds });
    return renderPage(h(OrdersPage, { ctx, values: form.values, page, problems: [] }));
  }

  @Get(':orderId')
  @ConsoleRoute()
  @RequirePermission(Permissions.ORDERS_READ)
  @Header('Content-Type', HTML)
  async order(
    @Page() ctx: PageContext,
    @TenantScope() tenantId: string,
    @StaffAccess() access: StaffTenantAccess | undefined,
    @Param() p: OrderIdParam,
  ): Promise<string> {
    const order = await this.orders.get(tenantId, p.orderId, access?.orderIds);
    return renderPage(h(OrderPage, { ctx, order, mayReveal: mayReveal(ctx) }));
  }

  /** As POST /v1/orders/:orderId/reveal: the buyer data as a fragment for htmx, else the order page with it. */
  @Post(':orderId/reveal')
  @HttpCode(200)
  @ConsoleRoute()
  @RequirePermission(Permissions.ORDERS_READ_PII)
  @Header('Content-Type', HTML)
  async reveal(
    @Actor() by: ActorContext,
    @Page() ctx: PageContext,
    @TenantScope() tenantId: string,
    @FormAttempt() attempt: RevealAttempt,
    @Req() req: Request,
  ): Promise<string> {
    const order = await this.reveals.reveal(by, { tenantId, ...attempt });
    return req.header('hx-request') === 'true'
      ? renderFragment(h(RevealedBuyer, { order }))
      : renderPage(h(OrderPage, { ctx, order, mayReveal: mayReveal(ctx) }));
  }
}

const mayReveal = (ctx: PageContext) => ctx.principal !== null && holds(ctx.principal, Permissions.ORDERS_READ_PII);
