import { Body, Get, Header, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import type { Request, Response } from 'express';
import { h } from 'preact';
import { SellerUsersService } from '../access/people/seller-users.service';
import { PublicRoute, RequestId, systemActor } from '../auth';
import { APP_CONFIG, type AppConfig } from '../config';
import { DomainError, ErrorCodes } from '../platform/errors/domain-error';
import { ConsoleController } from './console-controller';
import { HTML, renderPage } from './render';
import { assertFormFromOurPage } from './same-origin-form';
import { AcceptInvitationPage, ConfirmInvitationPage } from './views/accept-invitation-page';

class TokenParam {
  @Matches(/^[A-Za-z0-9_-]{43}$/)
  token: string;
}

class AcceptForm {
  @IsOptional() @IsString() @MaxLength(200) login?: string;
  @IsOptional() @IsString() @MaxLength(1024) password?: string;
}

class ConfirmForm {
  @IsOptional() @IsString() @MaxLength(20) code?: string;
}

/** Problems the invitee can fix on the same page (not an unusable link). */
const fixable = (err: unknown): err is DomainError =>
  err instanceof DomainError && [ErrorCodes.VALIDATION_FAILED, ErrorCodes.CONFLICT].includes(err.code as never);

/**
 * Accepting an invitation, in the browser, as POST /v1/invitation-acceptances
 * (and /confirm) does: the link's token is the only credential, so these are
 * public routes; the forms must come from our own pages.
 */
@ConsoleController('console/invitations')
export class InvitationPageController {
  constructor(
    private readonly users: SellerUsersService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get(':token')
  @PublicRoute()
  @Header('Content-Type', HTML)
  async form(@Param() p: TokenParam): Promise<string> {
    const preview = await this.users.preview(p.token);
    return renderPage(h(AcceptInvitationPage, { token: p.token, preview }));
  }

  @Post(':token')
  @PublicRoute()
  async start(@Req() req: Request, @Res() res: Response, @Param() p: TokenParam, @Body() body: AcceptForm) {
    assertFormFromOurPage(req, this.config.publicBaseUrl.origin);
    try {
      const pending = await this.users.startAcceptance({ token: p.token, login: body.login, password: body.password });
      res
        .status(200)
        .type(HTML)
        .send(renderPage(h(ConfirmInvitationPage, { token: p.token, pending })));
    } catch (err) {
      if (!fixable(err)) throw err;
      const preview = await this.users.preview(p.token);
      res
        .status(err.code === ErrorCodes.CONFLICT ? 409 : 400)
        .type(HTML)
        .send(renderPage(h(AcceptInvitationPage, { token: p.token, preview, error: err.message })));
    }
  }

  @Post(':token/confirm')
  @PublicRoute()
  async confirm(
    @Req() req: Request,
    @Res() res: Response,
    @Param() p: TokenParam,
    @Body() body: ConfirmForm,
    @RequestId() requestId: string | null,
  ) {
    assertFormFromOurPage(req, this.config.publicBaseUrl.origin);
    try {
      await this.users.confirmAcceptance(systemActor('console:invitation', requestId), {
        token: p.token,
        code: body.code,
      });
      res.redirect(303, '/console/sign-in?accepted=yes');
    } catch (err) {
      if (!fixable(err)) throw err;
      res
        .status(err.code === ErrorCodes.CONFLICT ? 409 : 400)
        .type(HTML)
        .send(renderPage(h(ConfirmInvitationPage, { token: p.token, pending: null, error: err.message })));
    }
  }
}
