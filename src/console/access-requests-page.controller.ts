import { Body, Get, Header, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { IsUUID } from 'class-validator';
import type { Request, Response } from 'express';
import { h } from 'preact';
import { RequestReveal, type RequestRevealAttempt } from './request-reveal-attempt';
import { RevealService } from '../access/reveal.service';
import { AccessRequestsService } from '../access/requests/access-requests.service';
import { Actor, ConsoleRoute, Permissions, RequirePermission, RevealsBuyerData, type ActorContext } from '../auth';
import { DomainError } from '../platform/errors/domain-error';
import { isUuid } from '../platform/validation/uuid';
import { EMPTY_ACCESS_REQUEST_FORM, parseAccessRequestForm } from './access-request-form';
import { ConsoleController } from './console-controller';
import { Page, type PageContext } from './page-context';
import { HTML, renderFragment, renderPage } from './render';
import { AccessRequestsPage, RevealedUnderRequestPage } from './views/access-requests-page';
import { RevealedBuyer } from './views/orders-page';

class RequestIdParam {
  @IsUUID()
  requestId: string;
}

/**
 * A support or admin staff member's access requests: the "request access" form
 * (as POST /v1/access-requests), their requests with the sellers' answers (as
 * GET /v1/access-requests), withdrawing one (as POST …/cancel), and revealing
 * an order under the grant an approved request became (as POST
 * /v1/orders/:id/reveal with the request's tenant: the same service decides
 * and logs it). Sellers answer requests on the staff access page.
 */
@ConsoleController('console/access-requests')
export class AccessRequestsPageController {
  constructor(
    private readonly requests: AccessRequestsService,
    private readonly reveals: RevealService,
  ) {}

  @Get()
  @ConsoleRoute()
  @RequirePermission(Permissions.ACCESS_REQUESTS_READ)
  @Header('Content-Type', HTML)
  async page(
    @Actor() by: ActorContext,
    @Page() ctx: PageContext,
    @Query('tenantId') tenantId: unknown,
    @Res({ passthrough: true }) res: Response,
  ) {
    // A seller answers its tenant's requests with its grants, on the staff access page.
    if (by.actor.kind === 'seller') return res.redirect(303, '/console/staff-access');
    const requests = await this.requests.list(by);
    // From the tenants page: the form names the tenant already (anything but a tenant id is ignored).
    const values =
      typeof tenantId === 'string' && isUuid(tenantId)
        ? { ...EMPTY_ACCESS_REQUEST_FORM, tenantId: tenantId.toLowerCase() }
        : EMPTY_ACCESS_REQUEST_FORM;
    return renderPage(h(AccessRequestsPage, { ctx, values, requests, problems: [], notice: null }));
  }

  @Post()
  @ConsoleRoute()
  @RequirePermission(Permissions.ACCESS_REQUESTS_CREATE)
  @Header('Content-Type', HTML)
  async create(
    @Actor() by: ActorContext,
    @Page() ctx: PageContext,
    @Body() body: unknown,
    @Res({ passthrough: true }) res: Response,
  ): Promise<string | void> {
    const form = parseAccessRequestForm(body);
    if (form.problems.length) {
      res.status(400);
      const requests = await this.requests.list(by);
      return renderPage(
        h(AccessRequestsPage, { ctx, values: form.values, requests, problems: form.problems, notice: null }),
      );
    }
    await this.requests.create(by, form.input);
    res.redirect(303, '/console/access-requests');
  }

  /** As POST /v1/access-requests/:requestId/cancel. */
  @Post(':requestId/cancel')
  @ConsoleRoute()
  @RequirePermission(Permissions.ACCESS_REQUESTS_CREATE)
  async cancel(@Actor() by: ActorContext, @Param() p: RequestIdParam, @Res() res: Response): Promise<void> {
    await this.requests.cancel(by, p.requestId);
    res.redirect(303, '/console/access-requests');
  }

  /**
   * Reveal under the request's grant: a fragment for htmx, else a page. A buyer-data route: every refusal is a
   * denied reveal in the access log, those before the reveal service (the guard's, a request that is not one of
   * the caller's approved ones, a malformed id) included.
   */
  @Post(':requestId/reveal')
  @HttpCode(200)
  @ConsoleRoute()
  @RequirePermission(Permissions.ACCESS_REQUESTS_CREATE)
  @RevealsBuyerData()
  @Header('Content-Type', HTML)
  async reveal(
    @Actor() by: ActorContext,
    @Page() ctx: PageContext,
    @RequestReveal() { requestId, attempt }: RequestRevealAttempt,
    @Req() req: Request,
  ): Promise<string> {
    const found = await this.requests.approvedCaseOf(by, requestId).catch(async (err: unknown) => {
      const why = err instanceof DomainError ? err.message : 'refused';
      await this.reveals.recordRefused(by, null, attempt, why);
      throw err;
    });
    // The reveal carries the case's ticket, as the grant does.
    const order = await this.reveals.reveal(by, {
      tenantId: found.tenantId,
      ...attempt,
      body: { ticketRef: found.ticketRef },
    });
    return req.header('hx-request') === 'true'
      ? renderFragment(h(RevealedBuyer, { order }))
      : renderPage(h(RevealedUnderRequestPage, { ctx, order }));
  }
}
