import { Body, Get, Header, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { h } from 'preact';
import { holds } from '../access/access-policy';
import {
  Actor,
  ConsoleRoute,
  CurrentPrincipal,
  Permissions,
  RequirePermission,
  TenantScope,
  type ActorContext,
  type Principal,
} from '../auth';
import { EVENT_CATALOG } from '../delivery/catalog/event-catalog';
import { DeliveriesService } from '../delivery/dispatch/deliveries.service';
import type { EndpointAudience } from '../delivery/endpoints/endpoint.mapper';
import { EndpointsService } from '../delivery/endpoints/endpoints.service';
import { DeliveryReplaysService } from '../delivery/replay/delivery-replays.service';
import { Clock } from '../platform/clock/clock';
import { validationFailed } from '../platform/errors/domain-error';
import { ConsoleController } from './console-controller';
import {
  EndpointCreateForm,
  EndpointEditForm,
  EndpointEnabledForm,
  EndpointIdParam,
  ReplayForm,
  ReplayIdParam,
  RotateSecretForm,
  replaySince,
} from './endpoint-forms';
import { Page, type PageContext } from './page-context';
import { HTML, renderFragment, renderPage } from './render';
import { EndpointPage, EndpointSecretPage, EndpointsPage } from './views/endpoints-page';
import { EventTypesPage } from './views/event-types-page';
import { ReplayPage, ReplayProgress } from './views/replay-page';

const audienceOf = (p: Principal): EndpointAudience => (p.kind === 'staff' ? 'staff' : 'owner');

/** The edit form as the endpoints service takes it (empty optional fields clear them, as on the API with null). */
function fieldsOf(form: EndpointEditForm) {
  return {
    description: form.description ?? '',
    eventTypes: form.eventTypes,
    payloadMode: form.payloadMode,
    rateLimitPerSecond: form.rateLimitPerSecond ?? null,
    sealingPublicKey: form.sealingPublicKey ?? null,
  };
}

/**
 * A seller's webhook endpoints, as /v1/endpoints, /v1/endpoints/:id/deliveries and replays serve them, through
 * the same services and permissions: listed with their figures, added (the secret shown once), edited, paused and
 * resumed, the secret rotated with an overlap (shown once), a test event sent, deleted, and failed deliveries
 * recovered since an instant in the background, with the recovery's progress. Staff with the seller's grant read
 * (never a secret or a header); only the seller acts. The event catalog as GET /v1/event-types.
 */
@ConsoleController('console')
export class EndpointsPageController {
  constructor(
    private readonly endpoints: EndpointsService,
    private readonly deliveries: DeliveriesService,
    private readonly replays: DeliveryReplaysService,
    private readonly clock: Clock,
  ) {}

  @Get('endpoints')
  @ConsoleRoute()
  @RequirePermission(Permissions.ENDPOINTS_READ)
  @Header('Content-Type', HTML)
  async list(
    @Page() ctx: PageContext,
    @CurrentPrincipal() p: Principal,
    @TenantScope() tenantId: string,
  ): Promise<string> {
    const endpoints = await this.endpoints.list(tenantId, audienceOf(p));
    const rows = await Promise.all(
      endpoints.map(async (endpoint) => ({
        endpoint,
        stats: await this.deliveries.stats(tenantId, endpoint.endpointId),
      })),
    );
    return renderPage(h(EndpointsPage, { ctx, rows, canManage: holds(p, Permissions.ENDPOINTS_MANAGE) }));
  }

  /** As POST /v1/endpoints: the signing secret, once. */
  @Post('endpoints')
  @HttpCode(201)
  @ConsoleRoute()
  @RequirePermission(Permissions.ENDPOINTS_MANAGE)
  @Header('Content-Type', HTML)
  async create(
    @Actor() by: ActorContext,
    @Page() ctx: PageContext,
    @TenantScope() tenantId: string,
    @Body() form: EndpointCreateForm,
  ): Promise<string> {
    const endpoint = await this.endpoints.create(by, tenantId, { url: form.url, ...fieldsOf(form) });
    return renderPage(h(EndpointSecretPage, { ctx, endpoint, rotated: false }));
  }

  @Get('endpoints/:endpointId')
  @ConsoleRoute()
  @RequirePermission(Permissions.ENDPOINTS_READ)
  @Header('Content-Type', HTML)
  async one(
    @Page() ctx: PageContext,
    @CurrentPrincipal() p: Principal,
    @TenantScope() tenantId: string,
    @Param() params: EndpointIdParam,
  ): Promise<string> {
    return this.endpointPage(ctx, p, tenantId, params.endpointId);
  }

  /** As PATCH /v1/endpoints/:id with the edit form's fields. */
  @Post('endpoints/:endpointId')
  @ConsoleRoute()
  @RequirePermission(Permissions.ENDPOINTS_MANAGE)
  async edit(
    @Actor() by: ActorContext,
    @TenantScope() tenantId: string,
    @Param() params: EndpointIdParam,
    @Body() form: EndpointEditForm,
    @Res() res: Response,
  ): Promise<void> {
    await this.endpoints.update(by, tenantId, params.endpointId, fieldsOf(form));
    res.redirect(303, `/console/endpoints/${params.endpointId}`);
  }

  /** As PATCH /v1/endpoints/:id with `enabled`: resuming shows what it missed, with the recovery filled in. */
  @Post('endpoints/:endpointId/enabled')
  @HttpCode(200)
  @ConsoleRoute()
  @RequirePermission(Permissions.ENDPOINTS_MANAGE)
  @Header('Content-Type', HTML)
  async setEnabled(
    @Actor() by: ActorContext,
    @Page() ctx: PageContext,
    @CurrentPrincipal() p: Principal,
    @TenantScope() tenantId: string,
    @Param() params: EndpointIdParam,
    @Body() form: EndpointEnabledForm,
  ): Promise<string> {
    const updated = await this.endpoints.update(by, tenantId, params.endpointId, { enabled: form.enabled === 'yes' });
    return this.endpointPage(ctx, p, tenantId, params.endpointId, updated.missedWhileDisabled);
  }

  /** As POST /v1/endpoints/:id/rotate-secret: the new secret, once. */
  @Post('endpoints/:endpointId/rotate-secret')
  @HttpCode(200)
  @ConsoleRoute()
  @RequirePermission(Permissions.ENDPOINTS_MANAGE)
  @Header('Content-Type', HTML)
  async rotate(
    @Actor() by: ActorContext,
    @Page() ctx: PageContext,
    @TenantScope() tenantId: string,
    @Param() params: EndpointIdParam,
    @Body() form: RotateSecretForm,
  ): Promise<string> {
    const endpoint = await this.endpoints.rotateSecret(by, tenantId, params.endpointId, form.overlapHours * 3600);
    return renderPage(h(EndpointSecretPage, { ctx, endpoint, rotated: true }));
  }

  /** As POST /v1/endpoints/:id/test: the ping's delivery. */
  @Post('endpoints/:endpointId/test')
  @ConsoleRoute()
  @RequirePermission(Permissions.ENDPOINTS_MANAGE)
  async test(@TenantScope() tenantId: string, @Param() params: EndpointIdParam, @Res() res: Response): Promise<void> {
    const ping = await this.deliveries.ping(tenantId, params.endpointId);
    res.redirect(303, `/console/deliveries/${ping.deliveryId}`);
  }

  /** As DELETE /v1/endpoints/:id (the form's box must be ticked). */
  @Post('endpoints/:endpointId/delete')
  @ConsoleRoute()
  @RequirePermission(Permissions.ENDPOINTS_MANAGE)
  async remove(
    @Actor() by: ActorContext,
    @TenantScope() tenantId: string,
    @Param() params: EndpointIdParam,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    if ((req.body as { confirm?: unknown } | undefined)?.confirm !== 'yes') {
      throw validationFailed('tick the box to delete the endpoint', [{ field: 'confirm', issue: 'required' }]);
    }
    await this.endpoints.remove(by, tenantId, params.endpointId);
    res.redirect(303, '/console/endpoints');
  }

  /** As POST /v1/endpoints/:id/replay?since=: the recovery's page, to follow its progress. */
  @Post('endpoints/:endpointId/replay')
  @ConsoleRoute()
  @RequirePermission(Permissions.ENDPOINTS_MANAGE)
  async replay(
    @Actor() by: ActorContext,
    @TenantScope() tenantId: string,
    @Param() params: EndpointIdParam,
    @Body() form: ReplayForm,
    @Res() res: Response,
  ): Promise<void> {
    const since = replaySince(form, this.clock.now());
    if (!since) {
      throw validationFailed('invalid since', [{ field: 'since', issue: 'an instant such as 2026-11-02T10:00Z' }]);
    }
    const started = await this.replays.start(by, tenantId, params.endpointId, since);
    res.redirect(303, `/console/replays/${started.replayId}`);
  }

  /** As GET /v1/replays/:id. */
  @Get('replays/:replayId')
  @ConsoleRoute()
  @RequirePermission(Permissions.ENDPOINTS_READ)
  @Header('Content-Type', HTML)
  async replayPage(
    @Page() ctx: PageContext,
    @TenantScope() tenantId: string,
    @Param() params: ReplayIdParam,
  ): Promise<string> {
    return renderPage(h(ReplayPage, { ctx, replay: await this.replays.get(tenantId, params.replayId) }));
  }

  /** The progress panel alone, for htmx to poll. */
  @Get('replays/:replayId/progress')
  @ConsoleRoute()
  @RequirePermission(Permissions.ENDPOINTS_READ)
  @Header('Content-Type', HTML)
  async replayProgress(
    @Page() ctx: PageContext,
    @TenantScope() tenantId: string,
    @Param() params: ReplayIdParam,
  ): Promise<string> {
    return renderFragment(h(ReplayProgress, { replay: await this.replays.get(tenantId, params.replayId) }), ctx);
  }

  /** As GET /v1/event-types. */
  @Get('event-types')
  @ConsoleRoute()
  @RequirePermission(Permissions.ENDPOINTS_READ)
  @Header('Content-Type', HTML)
  eventTypes(@Page() ctx: PageContext): string {
    return renderPage(h(EventTypesPage, { ctx, catalog: EVENT_CATALOG }));
  }

  private async endpointPage(
    ctx: PageContext,
    p: Principal,
    tenantId: string,
    endpointId: string,
    missed?: Parameters<typeof EndpointPage>[0]['missed'],
  ): Promise<string> {
    const [endpoint, stats, replays] = await Promise.all([
      this.endpoints.get(tenantId, endpointId, audienceOf(p)),
      this.deliveries.stats(tenantId, endpointId),
      this.replays.list(tenantId, endpointId),
    ]);
    return renderPage(
      h(EndpointPage, {
        ctx,
        endpoint,
        stats,
        replays,
        canManage: holds(p, Permissions.ENDPOINTS_MANAGE),
        ...(missed ? { missed } : {}),
      }),
    );
  }
}
