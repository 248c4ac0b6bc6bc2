import { Get, Header, Param, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { h } from 'preact';
import { holds } from '../access/access-policy';
import { ConsoleRoute, CurrentPrincipal, Permissions, RequirePermission, TenantScope, type Principal } from '../auth';
import { DeliveriesService } from '../delivery/dispatch/deliveries.service';
import { EndpointsService } from '../delivery/endpoints/endpoints.service';
import { Clock } from '../platform/clock/clock';
import { ConsoleController } from './console-controller';
import { DeliveriesPageQuery, DeliveryIdParam, EndpointIdParam, parseDeliveryFilter } from './endpoint-forms';
import { Page, type PageContext } from './page-context';
import { HTML, renderPage } from './render';
import { DeliveriesPage, DeliveryPage } from './views/deliveries-page';

/**
 * Deliveries of a seller's endpoint, as GET /v1/endpoints/:id/deliveries and GET /v1/deliveries/:id serve them
 * (filters: status, event type, order id, period; attempts with their next retry; never a receiver's answer), and
 * a resend as POST /v1/deliveries/:id/retry. Same services and permissions as the API.
 */
@ConsoleController('console')
export class DeliveriesPageController {
  constructor(
    private readonly deliveries: DeliveriesService,
    private readonly endpoints: EndpointsService,
    private readonly clock: Clock,
  ) {}

  @Get('endpoints/:endpointId/deliveries')
  @ConsoleRoute()
  @RequirePermission(Permissions.ENDPOINTS_READ)
  @Header('Content-Type', HTML)
  async list(
    @Page() ctx: PageContext,
    @CurrentPrincipal() p: Principal,
    @TenantScope() tenantId: string,
    @Param() params: EndpointIdParam,
    @Query() q: DeliveriesPageQuery,
    @Res({ passthrough: true }) res: Response,
  ): Promise<string> {
    const endpoint = await this.endpoints.get(tenantId, params.endpointId, p.kind === 'staff' ? 'staff' : 'owner');
    const form = parseDeliveryFilter(q, this.clock.now());
    if (form.problems.length) {
      res.status(400);
      return renderPage(h(DeliveriesPage, { ctx, endpoint, values: form.values, page: null, problems: form.problems }));
    }
    const page = await this.deliveries.list(tenantId, params.endpointId, form.query);
    return renderPage(h(DeliveriesPage, { ctx, endpoint, values: form.values, page, problems: [] }));
  }

  @Get('deliveries/:deliveryId')
  @ConsoleRoute()
  @RequirePermission(Permissions.ENDPOINTS_READ)
  @Header('Content-Type', HTML)
  async one(
    @Page() ctx: PageContext,
    @CurrentPrincipal() p: Principal,
    @TenantScope() tenantId: string,
    @Param() params: DeliveryIdParam,
  ): Promise<string> {
    const delivery = await this.deliveries.get(tenantId, params.deliveryId);
    return renderPage(h(DeliveryPage, { ctx, delivery, canManage: holds(p, Permissions.ENDPOINTS_MANAGE) }));
  }

  /** As POST /v1/deliveries/:id/retry. */
  @Post('deliveries/:deliveryId/retry')
  @ConsoleRoute()
  @RequirePermission(Permissions.ENDPOINTS_MANAGE)
  async retry(@TenantScope() tenantId: string, @Param() params: DeliveryIdParam, @Res() res: Response): Promise<void> {
    await this.deliveries.retry(tenantId, params.deliveryId);
    res.redirect(303, `/console/deliveries/${params.deliveryId}`);
  }
}
